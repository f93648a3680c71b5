import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx, CurrentTenant, RequestContext } from '../common/request-context';
import type { Tenant } from '../tenants/tenant.entity';
import { CreateRoleDto, UpdateRoleDto } from './dto/role.dto';
import { RolesService } from './roles.service';

/** `:role` is the role's name; the built-ins (guest .. owner) can be read, not changed. */
@ApiTags('roles')
@ApiBearerAuth()
@Controller('api/v1/tenants/:tenant/roles')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  list(@CurrentTenant() tenant: Tenant) {
    return this.roles.list(tenant.id);
  }

  @Post()
  create(@CurrentTenant() tenant: Tenant, @Body() dto: CreateRoleDto, @Ctx() ctx: RequestContext) {
    return this.roles.create(tenant.id, dto, ctx);
  }

  @Get(':role')
  get(@CurrentTenant() tenant: Tenant, @Param('role') role: string) {
    return this.roles.get(tenant.id, role);
  }

  @Patch(':role')
  update(
    @CurrentTenant() tenant: Tenant,
    @Param('role') role: string,
    @Body() dto: UpdateRoleDto,
    @Ctx() ctx: RequestContext,
  ) {
    return this.roles.update(tenant.id, role, dto, ctx);
  }

  @Delete(':role')
  @HttpCode(204)
  async remove(@CurrentTenant() tenant: Tenant, @Param('role') role: string, @Ctx() ctx: RequestContext) {
    await this.roles.remove(tenant.id, role, ctx);
  }
}
