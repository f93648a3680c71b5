import { Controller, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { badRequest } from '../../common/errors';
import { Ctx, CurrentTenant, RequestContext } from '../../common/request-context';
import { IdentityProvidersService } from '../../identity-providers/identity-providers.service';
import type { Tenant } from '../../tenants/tenant.entity';
import { BlockInactiveQueryDto } from '../dto/leavers.dto';
import { DryRunQueryDto } from '../dto/sync.dto';
import { GraphRefreshService } from './graph-refresh.service';
import { InactivityService } from './inactivity.service';

/** Leavers caught without a sign-in, run now (the schedule runs the same code). */
@ApiTags('identity-providers')
@ApiBearerAuth()
@Controller('api/v1/tenants/:tenant/identity-providers/:idp')
export class LeaversController {
  constructor(
    private readonly idps: IdentityProvidersService,
    private readonly graph: GraphRefreshService,
    private readonly inactivity: InactivityService,
  ) {}

  @Post('graph-refresh')
  @HttpCode(200)
  async graphRefresh(
    @CurrentTenant() tenant: Tenant,
    @Param('idp') slug: string,
    @Query() q: DryRunQueryDto,
    @Ctx() ctx: RequestContext,
  ) {
    const idp = await this.idps.get(tenant.id, slug);
    return this.graph.run(tenant, idp, { dryRun: q.dryRun === 'true' }, ctx);
  }

  @Post('block-inactive')
  @HttpCode(200)
  async blockInactive(
    @CurrentTenant() tenant: Tenant,
    @Param('idp') slug: string,
    @Query() q: BlockInactiveQueryDto,
    @Ctx() ctx: RequestContext,
  ) {
    const dryRun = q.dryRun === 'true';
    if (q.notSeenDays !== undefined && !dryRun)
      throw badRequest(
        'validation_failed',
        'notSeenDays is for a dry run only; the run uses leavers.blockNotSeenDays',
        [{ field: 'notSeenDays', problems: ['only with dryRun=true'] }],
      );
    const idp = await this.idps.get(tenant.id, slug);
    return this.inactivity.run(tenant, idp, { dryRun, notSeenDays: q.notSeenDays }, ctx);
  }
}
