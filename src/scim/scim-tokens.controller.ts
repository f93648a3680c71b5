import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Ctx, CurrentTenant, RequestContext } from '../common/request-context';
import type { Tenant } from '../tenants/tenant.entity';
import { ScimTokensService } from './scim-tokens.service';

export class CreateScimTokenDto {
  @ApiProperty({ description: 'The IdP connection (slug or id) whose SCIM client uses the token' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  idp!: string;

  @ApiProperty({ description: 'What the token is for, e.g. "Entra provisioning"', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;
}

@ApiTags('scim-tokens')
@ApiBearerAuth()
@Controller('api/v1/tenants/:tenant/scim-tokens')
export class ScimTokensController {
  constructor(private readonly tokens: ScimTokensService) {}

  /** The token is in this answer only; it is stored as a hash. */
  @Post()
  create(@CurrentTenant() tenant: Tenant, @Body() dto: CreateScimTokenDto, @Ctx() ctx: RequestContext) {
    return this.tokens.create(tenant, dto.idp, dto.name, ctx);
  }

  @Get()
  list(@CurrentTenant() tenant: Tenant) {
    return this.tokens.list(tenant);
  }

  @Delete(':tokenId')
  @HttpCode(204)
  async revoke(
    @CurrentTenant() tenant: Tenant,
    @Param('tokenId', ParseUUIDPipe) tokenId: string,
    @Ctx() ctx: RequestContext,
  ) {
    await this.tokens.revoke(tenant, tokenId, ctx);
  }
}
