import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DeleteQueryDto, deleteMode } from '../common/delete-query';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx, CurrentTenant, RequestContext } from '../common/request-context';
import type { Tenant } from '../tenants/tenant.entity';
import { CreateIdentityProviderDto, UpdateIdentityProviderDto } from './dto/identity-provider.dto';
import { CreateIdentityProviderBody, UpdateIdentityProviderBody } from './dto/identity-provider-bodies';
import { IdentityProvidersService } from './identity-providers.service';
import { MetadataRefreshService } from './metadata-refresh.service';

@ApiTags('identity-providers')
@ApiBearerAuth()
@Controller('api/v1/tenants/:tenant/identity-providers')
export class IdentityProvidersController {
  constructor(
    private readonly idps: IdentityProvidersService,
    private readonly metadata: MetadataRefreshService,
  ) {}

  @Post()
  @CreateIdentityProviderBody()
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
  @UpdateIdentityProviderBody()
  async update(
    @CurrentTenant() tenant: Tenant,
    @Param('idp') slug: string,
    @Body() dto: UpdateIdentityProviderDto,
    @Ctx() ctx: RequestContext,
  ) {
    return this.idps.toResponse(tenant, await this.idps.update(tenant, slug, dto, ctx));
  }

  @Post(':idp/metadata-refresh')
  @HttpCode(200)
  refreshMetadata(@CurrentTenant() tenant: Tenant, @Param('idp') slug: string, @Ctx() ctx: RequestContext) {
    return this.metadata.refreshNow(tenant.id, slug, ctx);
  }

  @Delete(':idp')
  async remove(
    @CurrentTenant() tenant: Tenant,
    @Param('idp') slug: string,
    @Query() q: DeleteQueryDto,
    @Ctx() ctx: RequestContext,
    @Res() res: Response,
  ) {
    const mode = deleteMode(q);
    const found = await this.idps.remove(tenant, slug, ctx, mode);
    if (mode.dryRun) res.status(200).json({ dryRun: true, ...found });
    else res.status(204).end();
  }
}
