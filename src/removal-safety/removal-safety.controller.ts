import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Ctx, CurrentTenant, RequestContext } from '../common/request-context';
import type { Tenant } from '../tenants/tenant.entity';
import {
  ResumeDto,
  ResumeQueryDto,
  StagedRemovalIdsDto,
  StagedRemovalsQueryDto,
} from './dto/staged-removals.dto';
import { StagedRemovalsService } from './staged-removals.service';
import { SyncResumeService } from './sync-resume.service';

@ApiTags('sync')
@ApiBearerAuth()
@Controller('api/v1/tenants/:tenant')
export class RemovalSafetyController {
  constructor(
    private readonly staged: StagedRemovalsService,
    private readonly resumer: SyncResumeService,
  ) {}

  /** Removals the circuit breaker held back, oldest first. */
  @Get('staged-removals')
  list(@CurrentTenant() tenant: Tenant, @Query() query: StagedRemovalsQueryDto) {
    return this.staged.list(tenant, query);
  }

  @Post('staged-removals/approve')
  @HttpCode(200)
  approve(@CurrentTenant() tenant: Tenant, @Body() dto: StagedRemovalIdsDto, @Ctx() ctx: RequestContext) {
    return this.staged.approve(tenant, dto.ids, ctx);
  }

  @Post('staged-removals/discard')
  @HttpCode(200)
  discard(@CurrentTenant() tenant: Tenant, @Body() dto: StagedRemovalIdsDto, @Ctx() ctx: RequestContext) {
    return this.staged.discard(tenant, dto.ids, ctx);
  }

  /** Over JOBS_RECONCILE_THRESHOLD users the apply runs as a job: 202 with the job and a Location to poll. */
  @Post('sync/resume')
  @HttpCode(200)
  async resume(
    @CurrentTenant() tenant: Tenant,
    @Body() dto: ResumeDto,
    @Query() query: ResumeQueryDto,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    const answer = await this.resumer.resume(tenant, dto.idp, query.dryRun === 'true', ctx);
    if (answer.job) res.status(202).location(`/api/v1/tenants/${tenant.slug}/jobs/${answer.job.id}`);
    return answer;
  }
}
