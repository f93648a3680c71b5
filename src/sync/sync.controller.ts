import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx, CurrentTenant, RequestContext } from '../common/request-context';
import type { Tenant } from '../tenants/tenant.entity';
import { ReconcileDto, SyncPreviewDto } from './dto/sync.dto';
import { ReconcileService } from './reconcile.service';
import { SyncService } from './sync.service';

@ApiTags('sync')
@ApiBearerAuth()
@Controller('api/v1/tenants/:tenant/sync')
export class SyncController {
  constructor(
    private readonly sync: SyncService,
    private readonly reconciler: ReconcileService,
  ) {}

  /** The plan a sign-in with these groups would apply, with a reason for every change. Writes nothing. */
  @Post('preview')
  @HttpCode(200)
  preview(@CurrentTenant() tenant: Tenant, @Body() dto: SyncPreviewDto) {
    return this.sync.preview(
      tenant,
      dto.idp,
      { email: dto.email, externalId: dto.externalId },
      dto.groups,
      dto.claim ?? 'present',
    );
  }

  /** Applies the current links to users from their stored external groups, now instead of at their next sign-in. */
  @Post('reconcile')
  @HttpCode(200)
  reconcile(@CurrentTenant() tenant: Tenant, @Body() dto: ReconcileDto, @Ctx() ctx: RequestContext) {
    return this.reconciler.reconcile(tenant, dto, ctx);
  }
}
