import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx, CurrentTenant, RequestContext } from '../common/request-context';
import type { Response } from 'express';
import { ReconcileJobs } from '../jobs/reconcile-job';
import type { Tenant } from '../tenants/tenant.entity';
import { ReconcileDto, SyncPreviewDto } from './dto/sync.dto';
import { SyncService } from './sync.service';

@ApiTags('sync')
@ApiBearerAuth()
@Controller('api/v1/tenants/:tenant/sync')
export class SyncController {
  constructor(
    private readonly sync: SyncService,
    private readonly reconciler: ReconcileJobs,
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

  /**
   * Applies the current links to users from their stored external groups, now instead of at their
   * next sign-in. Over JOBS_RECONCILE_THRESHOLD users: 202 `{job}` with a Location to poll.
   */
  @Post('reconcile')
  @HttpCode(200)
  async reconcile(
    @CurrentTenant() tenant: Tenant,
    @Body() dto: ReconcileDto,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    const answer = await this.reconciler.reconcileOrQueue(tenant, dto, ctx);
    if (!answer.queued) return answer.result;
    res.status(202).location(`/api/v1/tenants/${tenant.slug}/jobs/${answer.job.id}`);
    return { job: answer.job };
  }
}
