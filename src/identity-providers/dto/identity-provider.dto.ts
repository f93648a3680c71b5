import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { SLUG_MESSAGE, SLUG_PATTERN } from '../../common/validation';
import { GroupSyncPolicyDto } from './group-sync-policy.dto';

const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/** Settings shared by create and update; which ones apply depends on `type`. */
export class IdentityProviderSettingsDto {
  @ApiPropertyOptional({ description: 'Display name; defaults to the slug' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;

  // SAML
  @ApiPropertyOptional({ description: 'SAML: the IdP federation metadata XML, pasted' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512 * 1024)
  metadataXml?: string;

  @ApiPropertyOptional({ description: 'SAML: IdP entity id (when not using metadataXml)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  entityId?: string;

  @ApiPropertyOptional({ description: 'SAML: IdP single sign-on URL (HTTP-Redirect or HTTP-POST)' })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  ssoUrl?: string;

  @ApiPropertyOptional({ description: 'SAML: IdP signing certificates (PEM); several during rotation' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  @IsString({ each: true })
  @Matches(/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----|^[A-Za-z0-9+/=\s]{100,}$/, {
    each: true,
    message: 'certificates must be PEM (-----BEGIN CERTIFICATE-----) or base64 DER',
  })
  certificates?: string[];

  // OIDC
  @ApiPropertyOptional({ description: 'OIDC: issuer URL (discovery)' })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  issuer?: string;

  @ApiPropertyOptional() @IsOptional() @IsUrl(URL_OPTIONS) @MaxLength(2048) authorizationUrl?: string;
  @ApiPropertyOptional() @IsOptional() @IsUrl(URL_OPTIONS) @MaxLength(2048) tokenUrl?: string;
  @ApiPropertyOptional() @IsOptional() @IsUrl(URL_OPTIONS) @MaxLength(2048) userinfoUrl?: string;
  @ApiPropertyOptional() @IsOptional() @IsUrl(URL_OPTIONS) @MaxLength(2048) jwksUrl?: string;

  @ApiPropertyOptional({ description: 'OIDC client id' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  clientId?: string;

  @ApiPropertyOptional({ description: 'OIDC client secret; write-only, stored encrypted' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  clientSecret?: string;

  @ApiPropertyOptional({ default: ['openid', 'profile', 'email'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Matches(/^[\x21\x23-\x5B\x5D-\x7E]+$/, { each: true })
  scopes?: string[];

  @ApiPropertyOptional({ description: 'OIDC: use PKCE (S256)', default: true })
  @IsOptional()
  @IsBoolean()
  pkce?: boolean;

  @ApiPropertyOptional({ type: GroupSyncPolicyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => GroupSyncPolicyDto)
  groupSync?: GroupSyncPolicyDto;
}

export class CreateIdentityProviderDto extends IdentityProviderSettingsDto {
  @ApiProperty({ description: 'URL-safe name, unique in the tenant', example: 'entra' })
  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  slug!: string;

  @ApiProperty({ enum: ['saml', 'oidc'] }) @IsIn(['saml', 'oidc']) type!: 'saml' | 'oidc';
}

export class UpdateIdentityProviderDto extends IdentityProviderSettingsDto {}
