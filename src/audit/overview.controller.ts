import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentTenant } from '../common/request-context';
import type { Tenant } from '../tenants/tenant.entity';
import { OverviewService } from './overview.service';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/tenants/:tenant/overview')
export class OverviewController {
  constructor(private readonly overview: OverviewService) {}

  @Get()
  get(@CurrentTenant() tenant: Tenant) {
    return this.overview.overview(tenant.id);
  }
}
