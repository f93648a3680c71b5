/**
 * The configuration document's JSON Schema, the one source of docs/config-schema.json and of
 * GET /api/v1/config-schema.json. It checks shapes only: the values are checked by the same DTOs and
 * services as the admin API (a role name that the tenant lacks, a bad URL, a cycle of parents).
 */

/** `${env:NAME}`: the only way a secret may appear in the document. */
export const SECRET_REFERENCE = /^\$\{env:([A-Z_][A-Z0-9_]*)\}$/;

const str = { type: 'string' };
const strings = { type: 'array', items: str };
const bool = { type: 'boolean' };
const int = { type: 'integer' };
const obj = { type: 'object' };
const secret = {
  type: 'string',
  pattern: SECRET_REFERENCE.source,
  description: 'A reference ${env:NAME}, resolved from the environment at apply; inline secrets are refused',
};

/**
 * A group link's fields. The identity of a link is (group, idp, externalGroup); the rest are
 * compared and updated. A new link field is one line here and one in LINK_COMPARED.
 */
const LINK_PROPERTIES = {
  externalGroup: { ...str, description: 'The IdP group name or object id, as the IdP sends it' },
  idp: { ...str, description: 'Slug of the IdP the link applies to; absent: every IdP of the tenant' },
  role: { ...str, description: 'A built-in role or one of the tenant roles' },
  label: { ...str, description: 'Readable name for an object id' },
  matchType: {
    enum: ['exact', 'glob', 'regex'],
    description: 'How externalGroup matches: the exact name (default), a glob, or an anchored regular expression',
  },
  targetFromCapture: { ...bool, description: 'A regex link: capture 1 names the target group (never created)' },
};
export const LINK_COMPARED = ['role', 'label'] as const;

/** The identity-provider fields of the admin API (POST .../identity-providers), secrets as references. */
const IDP_PROPERTIES = {
  slug: str,
  type: { enum: ['saml', 'oidc'] },
  name: str,
  enabled: bool,
  syncPaused: bool,
  metadataXml: str,
  entityId: str,
  ssoUrl: str,
  certificates: strings,
  allowIdpInitiated: bool,
  wantResponseSigned: bool,
  clockSkewSeconds: int,
  responseLimits: obj,
  issuer: str,
  authorizationUrl: str,
  tokenUrl: str,
  userinfoUrl: str,
  jwksUrl: str,
  clientId: str,
  clientSecret: secret,
  scopes: strings,
  pkce: bool,
  tokenAuthMethod: str,
  groupsFrom: strings,
  claimMapping: obj,
  allowedDomains: strings,
  accountLinking: str,
  verifiedDomains: strings,
  debug: bool,
  graph: {
    type: 'object',
    properties: { directoryId: str, clientId: str, clientSecret: secret, tokenUrl: str, baseUrl: str },
    additionalProperties: false,
  },
  leavers: obj,
  groupSync: {
    type: 'object',
    description: 'The group-sync policy (docs/sync.md); keys left out keep their default',
    properties: {
      defaultMemberships: {
        type: 'array',
        maxItems: 20,
        description: 'Memberships for users whose groups match no link, naming groups of this tenant',
        items: {
          type: 'object',
          required: ['group', 'role'],
          additionalProperties: false,
          properties: {
            group: { ...str, minLength: 1, description: 'The name of a group of this tenant' },
            role: { ...str, minLength: 1, description: 'A built-in role or one of the tenant roles' },
          },
        },
      },
    },
  },
};

export const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'groupsync configuration',
  type: 'object',
  required: ['version', 'tenants'],
  additionalProperties: false,
  properties: {
    version: { const: 1 },
    tenants: {
      type: 'array',
      items: {
        type: 'object',
        required: ['slug', 'name'],
        additionalProperties: false,
        properties: {
          slug: str,
          name: str,
          settings: { ...obj, description: 'Tenant settings; keys left out keep their value' },
          roles: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'rank'],
              additionalProperties: false,
              properties: { name: str, rank: int, description: str },
            },
          },
          identityProviders: {
            type: 'array',
            items: {
              type: 'object',
              required: ['slug', 'type'],
              additionalProperties: false,
              properties: IDP_PROPERTIES,
            },
          },
          groups: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name'],
              additionalProperties: false,
              properties: {
                name: str,
                description: str,
                parent: { ...str, description: 'Name of the parent group' },
                links: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['externalGroup', 'role'],
                    additionalProperties: false,
                    properties: LINK_PROPERTIES,
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;
