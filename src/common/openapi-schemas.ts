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
/** A built-in role (guest, reporter, developer, maintainer, owner) or one of the tenant's custom roles. */
const role = {
  type: 'string',
  description: 'A role of the tenant: a built-in one (guest .. owner) or a custom one (GET .../roles)',
};
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

/** What sync marked on a direct membership: a pending removal (grace period), an owner kept as last owner. */
const MEMBERSHIP_MARKERS: Record<string, Schema> = {
  pendingRemovalAt: {
    ...ntime,
    description: 'Grace period: when sync removes it unless a claim justifies it again',
  },
  pendingRemovalReason: { ...ns, description: 'Why the removal is pending' },
  keptAsLastOwner: { ...bool, description: 'Kept as last owner although the IdP no longer grants it' },
  syncNote: { ...ns, description: 'The marker in plain words, for people' },
};

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
      lockSyncedMemberships: bool,
      keepLastOwner: { type: 'boolean', description: "Sync keeps a group's last owner (default true)" },
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
      leavers: obj({
        graphRefreshHours: { ...int, nullable: true },
        notSeenDays: int,
        blockNotSeenDays: { ...int, nullable: true },
      }),
      leaversNextRunAt: { ...ntime, description: 'When the scheduled leaver run is next due' },
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
      'leavers',
      'leaversNextRunAt',
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
    blockedBy: {
      type: 'string',
      enum: ['admin', 'scim', 'graph', 'inactive'],
      nullable: true,
      description:
        'Who blocked the user: an admin, SCIM, a Graph refresh (gone from Entra), the inactivity rule',
    },
    lastSignInAt: ntime,
    lastSeenAt: {
      ...ntime,
      description: 'Last sign-in (any IdP) or SCIM write of the user: the clock of the leaver rules',
    },
    createdAt: time,
    updatedAt: time,
    memberships: arrayOf(obj({ groupId: uuid, groupName: s, role, source, ...MEMBERSHIP_MARKERS })),
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
        ...MEMBERSHIP_MARKERS,
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
    ...MEMBERSHIP_MARKERS,
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
  Role: obj({
    name: s,
    rank: { ...int, description: 'Higher wins; unique in the tenant' },
    description: ns,
    builtIn: { ...bool, description: 'guest .. owner: every tenant has them; they cannot be changed' },
    createdAt: { ...ntime, description: 'null for a built-in role' },
    updatedAt: { ...ntime, description: 'null for a built-in role' },
  }),
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
  DeletePreview: {
    ...obj(
      {
        dryRun: { type: 'boolean', enum: [true] },
        target: obj({
          type: { type: 'string', enum: ['group', 'identity_provider', 'tenant'] },
          id: uuid,
          name: s,
        }),
        requiresForce: {
          ...bool,
          description: 'true when anything is attached: a delete without ?force=true answers 409 with this',
        },
        counts: {
          type: 'object',
          additionalProperties: int,
          description:
            'Complete counts by kind: group: subgroups, links, memberships; identity provider: links, ' +
            'identities, scimTokens, scimUsers, scimGroups, externalMemberships; tenant: identityProviders, groups, users',
        },
        items: {
          type: 'object',
          additionalProperties: arrayOf({ type: 'object', additionalProperties: true }),
          description:
            'The first 50 rows of each listed kind, in a stable order (by email, name or external group)',
        },
      },
      ['dryRun'],
    ),
    description:
      'What a delete takes with it: the answer of DELETE with ?dryRun=true, and the details of its 409 (without dryRun)',
  },
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
      removalsScheduled: arrayOf(reasoned({ groupId: uuid, groupName: s, role, dueAt: time })),
      removalsCancelled: arrayOf(reasoned({ groupId: uuid, groupName: s })),
      lastOwnerMarked: arrayOf(reasoned({ groupId: uuid, groupName: s })),
      lastOwnerCleared: arrayOf(reasoned({ groupId: uuid, groupName: s })),
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
    removalsScheduled: {
      ...int,
      description: 'Removals the grace period postponed (marked pending removal)',
    },
    removalsStaged: { type: 'integer', description: 'Removals the circuit breaker staged (not in removals)' },
    kept: int,
  }),
  GraphRefreshResult: obj(
    {
      dryRun: bool,
      notSeenDays: int,
      usersConsidered: { ...int, description: 'Active users of the IdP not seen for notSeenDays' },
      usersRead: { ...int, description: 'Complete Graph answers' },
      usersChanged: int,
      usersBlocked: { ...int, description: 'Gone from Entra ID (404)' },
      usersFailed: { ...int, description: 'Incomplete answers: nothing changed for them' },
      usersSkipped: { ...int, description: 'No Entra object id known, or blocked meanwhile' },
      usersNotRead: { ...int, description: 'Left for the next run after Graph throttled (429)' },
      blocksWithheld: {
        ...int,
        description: 'Gone from Graph but not blocked: more than 10 and more than half of those asked',
      },
      throttled: { ...obj({ retryAfterSeconds: int }), nullable: true },
      failures: arrayOf(obj({ userId: uuid, reason: s })),
      users: arrayOf(
        obj(
          {
            userId: uuid,
            email: s,
            lastSeenAt: time,
            outcome: {
              type: 'string',
              enum: ['changes', 'unchanged', 'blocked', 'failed', 'skipped', 'not-read'],
            },
            reason: ns,
            plan: ref('SyncPlan'),
          },
          ['plan'],
        ),
      ),
    },
    ['users'],
  ),
  InactivityResult: obj({
    dryRun: bool,
    notSeenDays: int,
    usersBlocked: { ...int, description: 'Blocked, or with dryRun would be' },
    users: arrayOf(obj({ userId: uuid, email: s, lastSeenAt: time })),
  }),
  StagedRemoval: obj({
    id: uuid,
    userId: uuid,
    email: s,
    groupId: uuid,
    groupName: s,
    role,
    reason: s,
    trigger: { type: 'string', enum: ['sign-in', 'reconcile', 'scim', 'graph-refresh', 'grace-period'] },
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
