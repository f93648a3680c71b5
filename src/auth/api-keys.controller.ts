import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx, CurrentTenant, RequestContext } from '../common/request-context';
import type { Tenant } from '../tenants/tenant.entity';
import { ApiKeysService, toApiKeyResponse } from './api-keys.service';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

@ApiTags('api-keys')
@ApiBearerAuth()
@Controller('api/v1/tenants/:tenant/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  /** The token is in this answer only; it is stored as a hash. */
  @Post()
  async create(@CurrentTenant() tenant: Tenant, @Body() dto: CreateApiKeyDto, @Ctx() ctx: RequestContext) {
    const { key, token } = await this.apiKeys.create(tenant.id, dto.name, ctx);
    return { ...toApiKeyResponse(key), token };
  }

  @Get()
  async list(@CurrentTenant() tenant: Tenant) {
    return (await this.apiKeys.list(tenant.id)).map(toApiKeyResponse);
  }

  @Delete(':keyId')
  @HttpCode(204)
  async revoke(
    @CurrentTenant() tenant: Tenant,
    @Param('keyId', ParseUUIDPipe) keyId: string,
    @Ctx() ctx: RequestContext,
  ) {
    await this.apiKeys.revoke(tenant.id, keyId, ctx);
  }
}
