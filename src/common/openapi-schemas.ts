/**
 * Response schemas of the OpenAPI document, as JSON Schema (OpenAPI 3.0). Controllers return plain
 * objects, so the shapes are written here once; test/e2e/openapi-complete.e2e.ts checks live answers
 * against them, so a changed answer fails until its schema follows.
 */
type Schema = Record<string, unknown>;

const s = { type: 'string' };
const ns = { type: 'string', nullable: true };
const time = { type: 'string', format: 'date-time' };
const ntime = { type: 'string', format: 'date-time', nullable: true };
const int = { type: 'integer' };
const bool = { type: 'boolean' };
const uuid = { type: 'string', format: 'uuid' };
const anyObject = { type: 'object', nullable: true, additionalProperties: true };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const arrayOf = (items: Schema) => ({ type: 'array', items });
const role = { type: 'string', enum: ['guest', 'reporter', 'developer', 'maintainer', 'owner'] };
const source = { type: 'string', enum: ['manual', 'sync', 'scim'] };

/** An object whose listed properties are all required (nullable ones say so). */
const obj = (properties: Record<string, Schema>, optional: string[] = []): Schema => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
});
const page = (item: string, description: string) => ({
  ...obj({
    items: arrayOf(ref(item)),
    nextCursor: { ...ns, description: 'Pass as ?cursor= for the next page; null at the end' },
  }),
  description,
});

const reasoned = (extra: Record<string, Schema>) => obj({ ...extra, reason: s });

export const RESPONSE_SCHEMAS: Record<string, Schema> = {
  ErrorResponse: {
    ...obj(
      {
        statusCode: int,
        code: {
          type: 'string',
          description: 'Stable, for programs: validation_failed, not_found, last_owner, ...',
        },
        message: { type: 'string', description: 'For people' },
        details: { description: 'validation_failed: [{field, problems}]; otherwise code-specific' },
        correlationId: {
          type: 'string',
          description: 'Quote it to find the request in logs and the audit log',
        },
      },
      ['details'],
    ),
    description: 'The one error shape of the admin API',
  },
  ScimError: obj({ schemas: arrayOf(s), status: s, scimType: s, detail: s }, ['scimType', 'detail']),
  Health: obj({ status: { type: 'string', enum: ['ok'] } }),
  Tenant: obj({
    id: uuid,
    slug: s,
    name: s,
    settings: obj({
      scimDeleteAction: { type: 'string', enum: ['block', 'delete'] },
      syncPaused: bool,
      removalSafety: obj({ enabled: bool, maxRemovals: int, maxRemovalPercent: int, windowMinutes: int }),
    }),
    removalBreakerTrippedAt: {
      ...ntime,
      description: 'When the removal circuit breaker opened; null: closed',
    },
    createdAt: time,
    updatedAt: time,
  }),
  ApiKey: obj({ id: uuid, name: s, tokenPrefix: s, createdAt: time, lastUsedAt: ntime, revokedAt: ntime }),
  NewApiKey: { allOf: [ref('ApiKey'), obj({ token: { type: 'string', description: 'Shown once' } })] },
  IdentityProvider: {
    type: 'object',
    additionalProperties: true,
    description:
      'Protocol settings (never the secret), the URLs to give the IdP, and the resolved group-sync policy',
    properties: {
      id: uuid,
      slug: s,
      name: s,
      type: { type: 'string', enum: ['saml', 'oidc'] },
      enabled: bool,
      syncPaused: bool,
      hasClientSecret: bool,
      groupSync: { type: 'object', additionalProperties: true },
      loginUrl: s,
      acsUrl: { type: 'string', description: 'SAML' },
      spEntityId: { type: 'string', description: 'SAML' },
      metadataUrl: { type: 'string', description: 'SAML' },
      callbackUrl: { type: 'string', description: 'OIDC' },
      createdAt: time,
      updatedAt: time,
    },
    required: [
      'id',
      'slug',
      'name',
      'type',
      'enabled',
      'syncPaused',
      'hasClientSecret',
      'groupSync',
      'loginUrl',
      'createdAt',
      'updatedAt',
    ],
  },
  User: obj({
    id: uuid,
    email: s,
    displayName: ns,
    isAdmin: bool,
    adminSource: { type: 'string', enum: ['manual', 'sync'], nullable: true },
    status: { type: 'string', enum: ['active', 'blocked'] },
    lastSignInAt: ntime,
    createdAt: time,
    updatedAt: time,
    memberships: arrayOf(obj({ groupId: uuid, groupName: s, role, source })),
    externalGroups: arrayOf(
      obj({ idp: s, externalGroup: s, source: { type: 'string', enum: ['claim', 'scim'] }, seenAt: time }),
    ),
    identities: arrayOf(obj({ idp: s, externalId: s })),
  }),
  UserPage: page('User', 'A page of users by email'),
  MembershipsWhy: obj({
    userId: uuid,
    memberships: arrayOf(
      obj({
        groupId: uuid,
        groupName: s,
        role,
        source,
        createdAt: time,
        updatedAt: time,
        why: { type: 'string', description: 'Why the user is in the group, in words' },
        roleWhy: { type: 'string', description: 'Why this role, in words' },
        linkRole: { ...role, nullable: true, description: 'The highest role the matching links give' },
        matches: arrayOf(
          obj({
            linkId: {
              ...uuid,
              nullable: true,
              description: 'null: matched by the group name (name matching)',
            },
            externalGroup: s,
            label: ns,
            role,
            idp: s,
            via: { type: 'string', enum: ['claim', 'scim'] },
            value: { type: 'string', description: 'What the IdP sent (normalized)' },
            seenAt: time,
          }),
        ),
        lastConfirmed: {
          ...obj({ at: time, trigger: s, idp: s, correlationId: s }),
          nullable: true,
          description: 'The last sign-in or SCIM push whose groups matched (kept it)',
        },
        lastChange: {
          ...obj({
            action: s,
            at: time,
            actor: obj({ type: s, label: ns }),
            reason: ns,
            correlationId: s,
          }),
          nullable: true,
        },
      }),
    ),
    inherited: arrayOf(obj({ groupId: uuid, groupName: s, role, fromGroupId: uuid, fromGroupName: s })),
  }),
  Group: obj({
    id: uuid,
    name: s,
    description: ns,
    parentId: { ...uuid, nullable: true },
    createdAt: time,
    updatedAt: time,
  }),
  GroupPage: page('Group', 'A page of groups by name'),
  Member: obj({
    userId: uuid,
    email: s,
    displayName: ns,
    role,
    source,
    inherited: { type: 'boolean', description: 'The role comes from a parent group' },
    fromGroupId: uuid,
    directRole: { ...role, nullable: true },
  }),
  MemberPage: page('Member', 'A page of members (direct and inherited) by email'),
  Membership: obj({ userId: uuid, groupId: uuid, role, source, createdAt: time, updatedAt: time }),
  GroupLink: obj({
    id: uuid,
    groupId: uuid,
    idp: { type: 'string', nullable: true, description: 'null: every IdP of the tenant' },
    externalGroup: s,
    label: ns,
    role,
    createdAt: time,
    updatedAt: time,
  }),
  GroupLinkPage: page('GroupLink', 'A page of links by external group'),
  LinkImpact: obj({
    change: { type: 'string', enum: ['create', 'update', 'delete'] },
    groupId: uuid,
    usersEvaluated: int,
    usersAffected: int,
    totals: obj({ adds: int, roleChanges: int, removals: int, kept: int }),
    affected: arrayOf(
      obj({
        userId: uuid,
        email: s,
        idp: s,
        adds: arrayOf(reasoned({ role })),
        roleChanges: arrayOf(reasoned({ from: role, to: role })),
        removals: arrayOf(reasoned({ role })),
        kept: arrayOf(reasoned({ role })),
      }),
    ),
    truncated: bool,
  }),
  LinkDryRun: {
    ...obj({
      dryRun: { type: 'boolean', enum: [true] },
      change: s,
      link: ref('GroupLink'),
      impact: ref('LinkImpact'),
    }),
    description: 'The answer of a write with ?dryRun=true: nothing was written',
  },
  SyncPlan: {
    type: 'object',
    additionalProperties: true,
    description:
      'What sync would do: signup, adds, roleChanges, removals, kept, admin, complete, each change with its reason',
    properties: {
      signup: { type: 'string', enum: ['existing', 'create', 'denied'] },
      adds: arrayOf({ type: 'object', additionalProperties: true }),
      roleChanges: arrayOf({ type: 'object', additionalProperties: true }),
      removals: arrayOf({ type: 'object', additionalProperties: true }),
      complete: bool,
    },
    required: ['signup', 'adds', 'roleChanges', 'removals'],
  },
  ReconcileResult: obj({
    usersEvaluated: int,
    usersChanged: int,
    adds: int,
    roleChanges: int,
    removals: int,
    removalsStaged: { type: 'integer', description: 'Removals the circuit breaker staged (not in removals)' },
    kept: int,
  }),
  StagedRemoval: obj({
    id: uuid,
    userId: uuid,
    email: s,
    groupId: uuid,
    groupName: s,
    role,
    reason: s,
    trigger: { type: 'string', enum: ['sign-in', 'reconcile', 'scim'] },
    idp: s,
    createdAt: time,
  }),
  StagedRemovalPage: page('StagedRemoval', 'A page of staged removals, oldest first'),
  StagedRemovalsApproved: obj({
    approved: int,
    skipped: arrayOf(obj({ id: uuid, userId: uuid, groupId: uuid, why: s })),
  }),
  StagedRemovalsDiscarded: obj({ discarded: int }),
  SyncResume: {
    ...obj(
      {
        dryRun: bool,
        resume: obj({ tenant: bool, idp: ns }),
        stillPaused: obj({ tenant: bool, idps: arrayOf(s) }),
        totals: obj({
          usersEvaluated: int,
          usersChanged: int,
          adds: int,
          roleChanges: int,
          removals: int,
          adminChanges: int,
        }),
        users: arrayOf(
          obj({
            userId: uuid,
            email: s,
            idp: s,
            adds: arrayOf(obj({ groupId: uuid, groupName: s, reason: s, role })),
            roleChanges: arrayOf(obj({ groupId: uuid, groupName: s, reason: s, from: role, to: role })),
            removals: arrayOf(obj({ groupId: uuid, groupName: s, reason: s, role })),
            admin: { ...obj({ from: bool, to: bool }), nullable: true },
          }),
        ),
        truncated: bool,
        result: ref('ReconcileResult'),
      },
      ['totals', 'users', 'truncated', 'result'],
    ),
    description: 'dryRun: the pending changes per user (totals, users, truncated); otherwise result',
  },
  AuditEvent: obj({
    id: uuid,
    createdAt: time,
    actor: obj({ type: s, id: ns, label: ns }),
    action: s,
    target: obj({ type: s, id: ns }),
    userId: { ...uuid, nullable: true },
    before: anyObject,
    after: anyObject,
    details: anyObject,
    correlationId: s,
    ip: ns,
    userAgent: ns,
  }),
  AuditPage: page('AuditEvent', 'A page of audit events, newest first'),
  Overview: obj({
    since: time,
    until: time,
    identityProviders: arrayOf(
      obj({
        slug: s,
        name: s,
        type: s,
        enabled: bool,
        lastSignIn: {
          ...obj({ at: time, userId: { ...uuid, nullable: true }, correlationId: s }),
          nullable: true,
        },
        lastRefusal: { ...obj({ at: time, code: ns, reason: ns, correlationId: s }), nullable: true },
        lastScimRequestAt: ntime,
      }),
    ),
    removalSafety: obj({ trippedAt: ntime, stagedRemovals: int }),
    last24h: obj({
      signIns: int,
      refusals: { type: 'integer', description: 'Refused sign-ins, folded repeats counted' },
      membershipsAdded: int,
      roleChanges: int,
      membershipsRemoved: int,
      adminChanges: int,
    }),
  }),
  ScimToken: obj({
    id: uuid,
    idp: s,
    name: s,
    tokenPrefix: s,
    scimBaseUrl: s,
    createdAt: time,
    lastUsedAt: ntime,
    revokedAt: ntime,
  }),
  NewScimToken: { allOf: [ref('ScimToken'), obj({ token: { type: 'string', description: 'Shown once' } })] },
  SignedInUser: obj({
    tenant: obj({ slug: s, name: s }),
    user: obj({ id: uuid, email: s, displayName: ns, isAdmin: bool }),
    groups: arrayOf(obj({ groupId: uuid, groupName: s, role, source })),
    csrfToken: { type: 'string', description: 'Send as X-CSRF-Token with changes made through this session' },
    expiresAt: time,
  }),
  ScimResource: {
    type: 'object',
    additionalProperties: true,
    description: 'A SCIM 2.0 resource (RFC 7643), media type application/scim+json',
    properties: { schemas: arrayOf(s), id: s },
  },
  ScimListResponse: obj({
    schemas: arrayOf(s),
    totalResults: int,
    startIndex: int,
    itemsPerPage: int,
    Resources: arrayOf(ref('ScimResource')),
  }),
};
