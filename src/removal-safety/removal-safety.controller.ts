import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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

  @Post('sync/resume')
  @HttpCode(200)
  resume(
    @CurrentTenant() tenant: Tenant,
    @Body() dto: ResumeDto,
    @Query() query: ResumeQueryDto,
    @Ctx() ctx: RequestContext,
  ) {
    return this.resumer.resume(tenant, dto.idp, query.dryRun === 'true', ctx);
  }
}
