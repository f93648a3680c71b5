import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsObject,
  Max,
  Min,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Optional, SLUG_MESSAGE, SLUG_PATTERN } from '../../common/validation';
import { GroupSyncPolicyDto } from './group-sync-policy.dto';
import { LeaversSettingsDto } from './leavers-settings.dto';

/**
 * A domain in the form emails are compared in (ASCII, IDN as xn--): labels of letters, digits and
 * inner hyphens, a letter-only top level. `.acme.test` or `acme..test` could never match an email.
 */
const DOMAIN_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/i;

/** An optional list of up to 100 domain names, validated one by one. */
const DomainList = (field: string, description: string) =>
  applyDecorators(
    ApiPropertyOptional({ description, example: ['example.com'] }),
    Optional(),
    IsArray(),
    ArrayMaxSize(100),
    Matches(DOMAIN_NAME, {
      each: true,
      message: `${field} must be domain names like example.com (IDN domains in their xn-- form)`,
    }),
  );

const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

export class ClaimMappingDto {
  @ApiPropertyOptional({ description: 'Default: OIDC `sub`, SAML NameID' })
  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  externalId?: string;

  @ApiPropertyOptional({ description: 'Default: `email`' })
  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  email?: string;

  @ApiPropertyOptional({ description: 'Default: `name`' })
  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  displayName?: string;
}

/** Microsoft Graph access for completing Entra's truncated group claims (groupSync.overage = "graph"). */
export class GraphSettingsDto {
  @ApiProperty({ description: 'Entra directory (tenant) id or domain' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  directoryId!: string;

  @ApiPropertyOptional({
    description: 'App registration with GroupMember.Read.All; default: the OIDC client id',
  })
  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  clientId?: string;

  @ApiPropertyOptional({ description: 'Write-only, stored encrypted; default: the OIDC client secret' })
  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  clientSecret?: string;

  @ApiPropertyOptional({
    description: 'Default https://login.microsoftonline.com/{directoryId}/oauth2/v2.0/token',
  })
  @Optional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  tokenUrl?: string;

  @ApiPropertyOptional({ description: 'Default https://graph.microsoft.com' })
  @Optional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  baseUrl?: string;
}

/**
 * SAML: limits a posted response must meet before any XML parsing (src/sso/saml-precheck.ts).
 * The bounds keep the worst accepted response cheap to validate; defaults fit ~2,400 groups.
 */
export class SamlResponseLimitsDto {
  @ApiPropertyOptional({
    description: 'Decoded response size in bytes',
    default: 262144,
    minimum: 16384,
    maximum: 524288,
  })
  @Optional()
  @IsInt()
  @Min(16 * 1024)
  @Max(512 * 1024)
  maxResponseBytes?: number;

  @ApiPropertyOptional({ description: 'Element nesting depth', default: 32, minimum: 16, maximum: 64 })
  @Optional()
  @IsInt()
  @Min(16)
  @Max(64)
  maxDepth?: number;

  @ApiPropertyOptional({
    description: 'Elements in the response',
    default: 5000,
    minimum: 200,
    maximum: 20000,
  })
  @Optional()
  @IsInt()
  @Min(200)
  @Max(20000)
  maxElements?: number;

  @ApiPropertyOptional({ description: 'Attributes on one element', default: 32, minimum: 16, maximum: 128 })
  @Optional()
  @IsInt()
  @Min(16)
  @Max(128)
  maxAttributes?: number;
}

/** Settings shared by create and update; which ones apply depends on `type`. */
export class IdentityProviderSettingsDto {
  @ApiPropertyOptional({ description: 'Display name; defaults to the slug' })
  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ default: true }) @Optional() @IsBoolean() enabled?: boolean;

  @ApiPropertyOptional({
    default: false,
    description:
      'Pause sync for this IdP: its sign-ins and SCIM pushes store what it says, no membership or admin change ' +
      'is written. false resumes without applying what waits; POST .../sync/resume {idp} previews and applies it.',
  })
  @Optional()
  @IsBoolean()
  syncPaused?: boolean;

  // SAML
  @ApiPropertyOptional({ description: 'SAML: the IdP federation metadata XML, pasted' })
  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512 * 1024)
  metadataXml?: string;

  @ApiPropertyOptional({
    description:
      'SAML: the URL of the IdP federation metadata (Entra: App Federation Metadata Url), read now and again ' +
      'every METADATA_REFRESH_MINUTES so certificate rotation needs no admin; instead of metadataXml. ' +
      'null (PATCH) stops reading it; pasting metadataXml or explicit entityId/ssoUrl/certificates does too.',
    type: String,
    nullable: true,
  })
  @Optional({ nullable: true })
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  idpMetadataUrl?: string | null;

  @ApiPropertyOptional({ description: 'SAML: IdP entity id (when not using metadataXml)' })
  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  entityId?: string;

  @ApiPropertyOptional({ description: 'SAML: IdP single sign-on URL (HTTP-Redirect or HTTP-POST)' })
  @Optional()
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  ssoUrl?: string;

  @ApiPropertyOptional({ description: 'SAML: IdP signing certificates (PEM); several during rotation' })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  @IsString({ each: true })
  @Matches(/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----|^[A-Za-z0-9+/=\s]{100,}$/, {
    each: true,
    message: 'certificates must be PEM (-----BEGIN CERTIFICATE-----) or base64 DER',
  })
  certificates?: string[];

  @ApiPropertyOptional({
    description: 'SAML: accept sign-ins the IdP starts (no AuthnRequest); off by default',
    default: false,
  })
  @Optional()
  @IsBoolean()
  allowIdpInitiated?: boolean;

  @ApiPropertyOptional({
    description: 'SAML: also require the whole Response to be signed (the assertion always must be)',
    default: false,
  })
  @Optional()
  @IsBoolean()
  wantResponseSigned?: boolean;

  @ApiPropertyOptional({ description: 'SAML: tolerated clock difference in seconds', default: 60 })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(600)
  clockSkewSeconds?: number;

  @ApiPropertyOptional({
    type: SamlResponseLimitsDto,
    description: 'SAML: size and shape limits of a posted response, checked before parsing',
  })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => SamlResponseLimitsDto)
  responseLimits?: SamlResponseLimitsDto;

  // OIDC
  @ApiPropertyOptional({ description: 'OIDC: issuer URL (discovery)' })
  @Optional()
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  issuer?: string;

  @ApiPropertyOptional() @Optional() @IsUrl(URL_OPTIONS) @MaxLength(2048) authorizationUrl?: string;
  @ApiPropertyOptional() @Optional() @IsUrl(URL_OPTIONS) @MaxLength(2048) tokenUrl?: string;
  @ApiPropertyOptional() @Optional() @IsUrl(URL_OPTIONS) @MaxLength(2048) userinfoUrl?: string;
  @ApiPropertyOptional() @Optional() @IsUrl(URL_OPTIONS) @MaxLength(2048) jwksUrl?: string;

  @ApiPropertyOptional({ description: 'OIDC client id' })
  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  clientId?: string;

  @ApiPropertyOptional({ description: 'OIDC client secret; write-only, stored encrypted' })
  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  clientSecret?: string;

  @ApiPropertyOptional({ default: ['openid', 'profile', 'email'] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Matches(/^[\x21\x23-\x5B\x5D-\x7E]+$/, { each: true })
  scopes?: string[];

  @ApiPropertyOptional({ description: 'OIDC: use PKCE (S256)', default: true })
  @Optional()
  @IsBoolean()
  pkce?: boolean;

  @ApiPropertyOptional({
    enum: ['client_secret_basic', 'client_secret_post', 'none'],
    description: 'OIDC: how the client authenticates at the token endpoint',
    default: 'client_secret_basic',
  })
  @Optional()
  @IsIn(['client_secret_basic', 'client_secret_post', 'none'])
  tokenAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'none';

  @ApiPropertyOptional({
    description:
      'OIDC: where groups are read, in order (first source that has the claim wins); access_token reads a JWT access token',
    default: ['id_token', 'userinfo', 'access_token'],
  })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(['id_token', 'userinfo', 'access_token'], { each: true })
  groupsFrom?: ('id_token' | 'userinfo' | 'access_token')[];

  @ApiPropertyOptional({
    type: ClaimMappingDto,
    description: 'Which claim / attribute gives the external id, email and name',
  })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => ClaimMappingDto)
  claimMapping?: ClaimMappingDto;

  @DomainList(
    'allowedDomains',
    'Only these email domains may sign in through this IdP, existing users included, and be created (empty: any)',
  )
  allowedDomains?: string[];

  @ApiPropertyOptional({
    enum: ['none', 'unowned', 'email'],
    description:
      'Which EXISTING users of the workspace (found by a verified email) a sign-in through this IdP, or its ' +
      'SCIM client, may take over: `none`; `unowned`: users no IdP holds (created through the API); `email`: ' +
      "also other IdPs' users. Default, stored at creation: `unowned` for the tenant's first IdP, `none` for " +
      'later ones. Users this IdP already holds (identity or SCIM record) need no linking.',
  })
  @Optional()
  @IsIn(['none', 'unowned', 'email'])
  accountLinking?: 'none' | 'unowned' | 'email';

  @DomainList(
    'verifiedDomains',
    'Email domains this IdP owns, vouched for by the admin: its emails there count as verified for account ' +
      'linking (SAML and SCIM; OIDC when the IdP sends no email_verified, as Entra ID). Exact domains.',
  )
  verifiedDomains?: string[];

  @ApiPropertyOptional({
    description: 'Log the received claims and each sync decision at sign-in (secrets redacted)',
    default: false,
  })
  @Optional()
  @IsBoolean()
  debug?: boolean;

  @ApiPropertyOptional({ type: GraphSettingsDto })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => GraphSettingsDto)
  graph?: GraphSettingsDto;

  @ApiPropertyOptional({
    type: LeaversSettingsDto,
    description: 'Leavers caught without a sign-in: scheduled Graph refresh, inactivity block',
  })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => LeaversSettingsDto)
  leavers?: LeaversSettingsDto;

  @ApiPropertyOptional({ type: GroupSyncPolicyDto })
  @Optional()
  @IsObject()
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
