import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, SCIM } from './scim-schema';

/** What this service provider supports (RFC 7643 section 5): PATCH and filters; no bulk, ETags, sorting or password changes. */
export const serviceProviderConfig = (base: string) => ({
  schemas: [SCIM.serviceProviderConfig],
  documentationUri: 'https://github.com/groupsync/groupsync/blob/main/docs/scim.md',
  patch: { supported: true },
  bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
  filter: { supported: true, maxResults: MAX_PAGE_SIZE },
  changePassword: { supported: false },
  sort: { supported: false },
  etag: { supported: false },
  authenticationSchemes: [
    {
      type: 'oauthbearertoken',
      name: 'Bearer token',
      description: 'A SCIM token made with POST /api/v1/tenants/:tenant/scim-tokens',
      primary: true,
    },
  ],
  meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  pagination: { defaultPageSize: DEFAULT_PAGE_SIZE, maxPageSize: MAX_PAGE_SIZE },
});

export const resourceTypes = (base: string) => [
  {
    schemas: [SCIM.resourceType],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'User Account',
    schema: SCIM.user,
    schemaExtensions: [{ schema: SCIM.enterpriseUser, required: false }],
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` },
  },
  {
    schemas: [SCIM.resourceType],
    id: 'Group',
    name: 'Group',
    endpoint: '/Groups',
    description: 'Group',
    schema: SCIM.group,
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/Group` },
  },
];

type Attr = Record<string, unknown>;
const attr = (name: string, type: string, more: Attr = {}): Attr => ({
  name,
  type,
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...more,
});
const multi = (name: string, subAttributes: Attr[], more: Attr = {}) =>
  attr(name, 'complex', { multiValued: true, subAttributes, ...more });

export const schemas = (base: string) => [
  {
    schemas: [SCIM.schema],
    id: SCIM.user,
    name: 'User',
    description: 'User Account',
    attributes: [
      attr('userName', 'string', { required: true, uniqueness: 'server' }),
      attr('externalId', 'string', { caseExact: true }),
      attr('name', 'complex', {
        subAttributes: [
          'formatted',
          'familyName',
          'givenName',
          'middleName',
          'honorificPrefix',
          'honorificSuffix',
        ].map((n) => attr(n, 'string')),
      }),
      ...['displayName', 'nickName', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone'].map(
        (n) => attr(n, 'string'),
      ),
      attr('profileUrl', 'reference', { referenceTypes: ['external'] }),
      attr('active', 'boolean'),
      attr('password', 'string', { mutability: 'writeOnly', returned: 'never' }),
      multi('emails', [
        attr('value', 'string'),
        attr('display', 'string'),
        attr('type', 'string', { canonicalValues: ['work', 'home', 'other'] }),
        attr('primary', 'boolean'),
      ]),
      multi('phoneNumbers', [attr('value', 'string'), attr('type', 'string'), attr('primary', 'boolean')]),
      multi(
        'addresses',
        ['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type'].map((n) =>
          attr(n, 'string'),
        ),
      ),
      multi(
        'groups',
        [
          attr('value', 'string', { mutability: 'readOnly' }),
          attr('display', 'string', { mutability: 'readOnly' }),
        ],
        { mutability: 'readOnly' },
      ),
      multi('roles', [
        attr('value', 'string'),
        attr('display', 'string'),
        attr('type', 'string'),
        attr('primary', 'boolean'),
      ]),
    ],
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${SCIM.user}` },
  },
  {
    schemas: [SCIM.schema],
    id: SCIM.enterpriseUser,
    name: 'EnterpriseUser',
    description: 'Enterprise User',
    attributes: [
      ...['employeeNumber', 'costCenter', 'organization', 'division', 'department'].map((n) =>
        attr(n, 'string'),
      ),
      attr('manager', 'complex', {
        subAttributes: [
          attr('value', 'string'),
          attr('$ref', 'reference'),
          attr('displayName', 'string', { mutability: 'readOnly' }),
        ],
      }),
    ],
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${SCIM.enterpriseUser}` },
  },
  {
    schemas: [SCIM.schema],
    id: SCIM.group,
    name: 'Group',
    description: 'Group',
    attributes: [
      attr('displayName', 'string', { required: true, uniqueness: 'server' }),
      attr('externalId', 'string', { caseExact: true }),
      multi('members', [
        attr('value', 'string', { mutability: 'immutable' }),
        attr('display', 'string', { mutability: 'readOnly' }),
        attr('$ref', 'reference', { mutability: 'immutable' }),
      ]),
    ],
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${SCIM.group}` },
  },
];
