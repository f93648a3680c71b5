import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiProperty, getSchemaPath, OmitType } from '@nestjs/swagger';
import { CreateIdentityProviderDto, UpdateIdentityProviderDto } from './identity-provider.dto';

/**
 * The OpenAPI request bodies of an IdP, one schema per protocol (documentation only: requests are
 * validated by CreateIdentityProviderDto / UpdateIdentityProviderDto, which refuse the other
 * protocol's fields with a 400 naming them). Each has an example the server accepts; the
 * completeness test (test/e2e/openapi-complete.e2e.ts) posts them.
 */
const SAML_ONLY = [
  'metadataXml',
  'idpMetadataUrl',
  'entityId',
  'ssoUrl',
  'certificates',
  'allowIdpInitiated',
  'wantResponseSigned',
  'clockSkewSeconds',
  'responseLimits',
] as const;
const OIDC_ONLY = [
  'issuer',
  'authorizationUrl',
  'tokenUrl',
  'userinfoUrl',
  'jwksUrl',
  'clientId',
  'clientSecret',
  'scopes',
  'pkce',
  'tokenAuthMethod',
  'groupsFrom',
] as const;

class CreateSamlIdentityProvider extends OmitType(CreateIdentityProviderDto, [...OIDC_ONLY, 'type']) {
  @ApiProperty({ enum: ['saml'] }) type!: 'saml';
}
class CreateOidcIdentityProvider extends OmitType(CreateIdentityProviderDto, [...SAML_ONLY, 'type']) {
  @ApiProperty({ enum: ['oidc'] }) type!: 'oidc';
}
class UpdateSamlIdentityProvider extends OmitType(UpdateIdentityProviderDto, OIDC_ONLY) {}
class UpdateOidcIdentityProvider extends OmitType(UpdateIdentityProviderDto, SAML_ONLY) {}

/** A self-signed example certificate valid until 2126 (its private key was thrown away). */
const EXAMPLE_CERTIFICATE = [
  '-----BEGIN CERTIFICATE-----',
  'MIIDHzCCAgegAwIBAgIUVnOAu1VlVwVcNZx+sPM6kwVZ2RwwDQYJKoZIhvcNAQEL',
  'BQAwHjEcMBoGA1UEAwwTZXhhbXBsZS1pZHAtc2lnbmluZzAgFw0yNjEyMDEyMjQ3',
  'MjRaGA8yMTI2MTEwNzIyNDcyNFowHjEcMBoGA1UEAwwTZXhhbXBsZS1pZHAtc2ln',
  'bmluZzCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBALGHv5Zg8zHlP2r/',
  'Xxl9Lby/9ga18AQ6h6f+WvrhoQOHDddgRizod5OlC2ZquJZATUOvmHIuY96tU7iN',
  'K/q9cYidQWdtNP3z0t+EkoiX6aM6YBEw0srP61d2QKq+O4RFhw/y9qqbqkmSVHPi',
  'gLkMDUNhfdbcdX1zc2QBDbs2qh2GlKkPjXRZFSenRuwcax/H0N7klK3oFoPCvyB6',
  'nx7+xOh7guFUsOvZFCGPVVnLNo76F3GuuKVygWr7gAiddQVS9suWz696ToRRYCgs',
  '4Na5oG3e6TzqzbMifL1A+r+OWGCYcZ123h1A9UFYtnLrRAsS7nOMelVkul2zzyGe',
  '8wUtFAkCAwEAAaNTMFEwHQYDVR0OBBYEFFO/WtqquczSg5V0xhIJGIcjjdspMB8G',
  'A1UdIwQYMBaAFFO/WtqquczSg5V0xhIJGIcjjdspMA8GA1UdEwEB/wQFMAMBAf8w',
  'DQYJKoZIhvcNAQELBQADggEBAD9TJRX159YjCbK8/V1jXBOpDkG3Ma/T8A8wOdR8',
  'UmpfOC9vd4cW51QX2nwGt8EPyTJkUJjWKvs1goK3xo9mcW5pjT2c+PBsJFnHP6a8',
  'p+t3F1BznScrFtJXb6vCsu7XtpDfMTVU2GrLFs4VFU/LtKrsl6/5Wipgotd5QGZz',
  '1YnoClW6HOPliUuVwgwcLWnf+noPFO2ZU/71Qhp2g7IB2d4TLeyolq6qap3sTTzc',
  'T58AGz1wG0S/Yel1sEcP67h2BUx7vlJpTQDHfkRX2Agds7uoHc5V492xUpXdcNFh',
  'gqXMntzj669WjZyepctTVmaIi+AXlntearyGOtaML+tZGgU=',
  '-----END CERTIFICATE-----',
].join('\n');

const IDP_BODY_EXAMPLES = {
  saml: {
    summary: 'SAML with explicit settings (or metadataXml / idpMetadataUrl instead)',
    value: {
      slug: 'entra',
      type: 'saml',
      name: 'Contoso Entra ID',
      entityId: 'https://sts.windows.net/00000000-0000-0000-0000-000000000000/',
      ssoUrl: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/saml2',
      certificates: [EXAMPLE_CERTIFICATE],
      groupSync: {
        claims: ['http://schemas.microsoft.com/ws/2008/06/identity/claims/groups'],
        prohibitSignupIfNotInGroup: true,
      },
    },
  },
  oidc: {
    summary: 'OpenID Connect with explicit endpoints (or only issuer, read by discovery)',
    value: {
      slug: 'okta',
      type: 'oidc',
      name: 'Okta',
      issuer: 'https://contoso.okta.com',
      authorizationUrl: 'https://contoso.okta.com/oauth2/v1/authorize',
      tokenUrl: 'https://contoso.okta.com/oauth2/v1/token',
      jwksUrl: 'https://contoso.okta.com/oauth2/v1/keys',
      clientId: '0oa1b2c3d4e5f6g7h8i9',
      clientSecret: 'write-only-secret',
      groupSync: { claims: ['groups'] },
    },
  },
};

/** POST: one of the two protocol bodies, chosen by `type`. */
export const CreateIdentityProviderBody = () =>
  applyDecorators(
    ApiExtraModels(CreateSamlIdentityProvider, CreateOidcIdentityProvider),
    ApiBody({
      schema: {
        oneOf: [
          { $ref: getSchemaPath(CreateSamlIdentityProvider) },
          { $ref: getSchemaPath(CreateOidcIdentityProvider) },
        ],
        discriminator: {
          propertyName: 'type',
          mapping: {
            saml: getSchemaPath(CreateSamlIdentityProvider),
            oidc: getSchemaPath(CreateOidcIdentityProvider),
          },
        },
      },
      examples: IDP_BODY_EXAMPLES,
    }),
  );

/** PATCH: the fields of the IdP's own protocol (its type cannot change). */
export const UpdateIdentityProviderBody = () =>
  applyDecorators(
    ApiExtraModels(UpdateSamlIdentityProvider, UpdateOidcIdentityProvider),
    ApiBody({
      schema: {
        anyOf: [
          { $ref: getSchemaPath(UpdateSamlIdentityProvider) },
          { $ref: getSchemaPath(UpdateOidcIdentityProvider) },
        ],
      },
      examples: {
        policy: {
          summary: 'Change the group-sync policy (either protocol)',
          value: { groupSync: { removal: 'default-role', removalGraceHours: 24 } },
        },
      },
    }),
  );
