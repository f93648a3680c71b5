import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx, CurrentTenant, RequestContext } from '../common/request-context';
import type { Tenant } from '../tenants/tenant.entity';
import { CreateIdentityProviderDto, UpdateIdentityProviderDto } from './dto/identity-provider.dto';
import { IdentityProvidersService } from './identity-providers.service';

@ApiTags('identity-providers')
@ApiBearerAuth()
@Controller('api/v1/tenants/:tenant/identity-providers')
export class IdentityProvidersController {
  constructor(private readonly idps: IdentityProvidersService) {}

  @Post()
  async create(
    @CurrentTenant() tenant: Tenant,
    @Body() dto: CreateIdentityProviderDto,
    @Ctx() ctx: RequestContext,
  ) {
    return this.idps.toResponse(tenant, await this.idps.create(tenant, dto, ctx));
  }

  @Get()
  async list(@CurrentTenant() tenant: Tenant) {
    return (await this.idps.list(tenant.id)).map((idp) => this.idps.toResponse(tenant, idp));
  }

  @Get(':idp')
  async get(@CurrentTenant() tenant: Tenant, @Param('idp') slug: string) {
    return this.idps.toResponse(tenant, await this.idps.get(tenant.id, slug));
  }

  @Patch(':idp')
  async update(
    @CurrentTenant() tenant: Tenant,
    @Param('idp') slug: string,
    @Body() dto: UpdateIdentityProviderDto,
    @Ctx() ctx: RequestContext,
  ) {
    return this.idps.toResponse(tenant, await this.idps.update(tenant, slug, dto, ctx));
  }

  @Delete(':idp')
  @HttpCode(204)
  async remove(@CurrentTenant() tenant: Tenant, @Param('idp') slug: string, @Ctx() ctx: RequestContext) {
    await this.idps.remove(tenant, slug, ctx);
  }
}
