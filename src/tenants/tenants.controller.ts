import { Body, Controller, Delete, Get, Patch, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DeleteQueryDto, deleteMode } from '../common/delete-query';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '../auth/auth.decorators';
import { Ctx, CurrentPrincipal, CurrentTenant, Principal, RequestContext } from '../common/request-context';
import { CreateTenantDto, toTenantResponse, UpdateTenantDto } from './dto/tenant.dto';
import type { Tenant } from './tenant.entity';
import { TenantsService } from './tenants.service';

@ApiTags('tenants')
@ApiBearerAuth()
@Controller('api/v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @OperatorOnly()
  async create(@Body() dto: CreateTenantDto, @Ctx() ctx: RequestContext) {
    return toTenantResponse(await this.tenants.create(dto, ctx));
  }

  /** The operator sees every tenant; a tenant credential sees its own. */
  @Get()
  async list(@CurrentPrincipal() principal: Principal) {
    const onlyId = principal.kind === 'operator' ? undefined : principal.tenantId;
    return (await this.tenants.list(onlyId)).map(toTenantResponse);
  }

  @Get(':tenant')
  get(@CurrentTenant() tenant: Tenant) {
    return toTenantResponse(tenant);
  }

  @Patch(':tenant')
  async update(@CurrentTenant() tenant: Tenant, @Body() dto: UpdateTenantDto, @Ctx() ctx: RequestContext) {
    return toTenantResponse(await this.tenants.update(tenant, dto, ctx));
  }

  @Delete(':tenant')
  @OperatorOnly()
  async remove(
    @CurrentTenant() tenant: Tenant,
    @Query() q: DeleteQueryDto,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ) {
    const mode = deleteMode(q);
    const found = await this.tenants.remove(tenant, ctx, mode);
    if (mode.dryRun) res.status(200).json({ dryRun: true, ...found });
    else res.status(204).end();
  }
}
