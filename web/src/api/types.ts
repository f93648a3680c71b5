// Answers the OpenAPI document does not describe yet (the controllers return plain objects).
// Requests are typed from the document itself (schema.d.ts).
/** A built-in role or one of the workspace's custom roles (GET .../roles). */
export type Role = string;
export const BUILT_IN_ROLES: Role[] = ['guest', 'reporter', 'developer', 'maintainer', 'owner'];

export interface RoleInfo {
  name: string;
  rank: number;
  description: string | null;
  builtIn: boolean;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  settings: { syncPaused: boolean; keepLastOwner?: boolean; lockSyncedMemberships?: boolean };
  removalBreakerTrippedAt: string | null;
  createdAt: string;
}

export interface IdentityProvider {
  id: string;
  slug: string;
  name: string | null;
  type: 'saml' | 'oidc';
  enabled: boolean;
  syncPaused: boolean;
  loginUrl: string;
  acsUrl?: string;
  spEntityId?: string;
  metadataUrl?: string;
  callbackUrl?: string;
  entityId?: string;
  ssoUrl?: string;
  certificates?: string[];
  allowIdpInitiated?: boolean;
  wantResponseSigned?: boolean;
  clockSkewSeconds?: number;
  /** SAML: the settings were read from pasted (or fetched) metadata, kept by the service. */
  hasMetadataXml?: true;
  issuer?: string;
  authorizationUrl?: string;
  tokenUrl?: string;
  userinfoUrl?: string;
  jwksUrl?: string;
  clientId?: string;
  hasClientSecret: boolean;
  scopes?: string[];
  pkce?: boolean;
  tokenAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'none';
  claimMapping?: { externalId?: string; email?: string; displayName?: string };
  /** SAML: limits a posted response must meet before it is parsed (absent: the defaults). */
  responseLimits?: {
    maxResponseBytes?: number;
    maxDepth?: number;
    maxElements?: number;
    maxAttributes?: number;
  };
  /** OIDC: where groups are read, in order. */
  groupsFrom?: ('id_token' | 'userinfo' | 'access_token')[];
  allowedDomains?: string[];
  verifiedDomains?: string[];
  accountLinking?: 'none' | 'unowned' | 'email';
  debug?: boolean;
  /** Microsoft Graph access for Entra ID's group overage; the secret is write-only. */
  graph?: {
    directoryId?: string;
    clientId?: string;
    tokenUrl?: string;
    baseUrl?: string;
    hasClientSecret: boolean;
  };
  groupSync: {
    enabled?: boolean;
    removal: string;
    adminGroups: string[];
    claims: string[];
    delimiter?: string | null;
    caseSensitive?: boolean;
    dnCommonName?: boolean;
    matchByName?: boolean;
    defaultRole: Role;
    prohibitSignupIfNotInGroup?: boolean;
    missingClaim?: 'keep' | 'empty';
    overage?: 'keep' | 'graph';
    jit: boolean;
    removalGraceHours?: number;
    defaultMemberships?: { groupId: string; role: Role }[];
    removeDefaultsOnMatch?: boolean;
  };
  leavers?: { graphRefreshHours: number | null; notSeenDays: number; blockNotSeenDays: number | null };
  /** SAML: where the metadata is read again on a schedule. */
  idpMetadataUrl?: string;
  signingCertificates?: CertificateInfo[];
  certificateWarning?: 'expiring' | 'expired' | null;
  metadataRefresh?: { checkedAt: string; changedAt: string | null; error: string | null } | null;
}

export interface CertificateInfo {
  subject: string | null;
  notBefore: string;
  notAfter: string;
  daysLeft: number;
  sha256: string;
}

export interface Group {
  id: string;
  name: string;
  description: string | null;
  parentId: string | null;
}

export interface Member {
  userId: string;
  email: string;
  displayName: string | null;
  role: Role;
  source: 'manual' | 'sync' | 'scim';
  inherited: boolean;
  fromGroupId: string;
  directRole: Role | null;
  /** Grace period: when sync removes the direct membership (null: not pending). */
  pendingRemovalAt: string | null;
  pendingRemovalReason: string | null;
  keptAsLastOwner: boolean;
  /** The marker in words (pending removal, kept as last owner); null when there is none. */
  syncNote: string | null;
}

export interface GroupLink {
  id: string;
  groupId: string;
  idp: string | null;
  externalGroup: string;
  /** exact, glob or regex (docs/sync.md, "Pattern links"). */
  matchType?: 'exact' | 'glob' | 'regex';
  targetFromCapture?: boolean;
  label: string | null;
  role: Role;
}

export interface AffectedUser {
  userId: string;
  email: string;
  idp: string;
  adds: { role: Role; reason: string }[];
  roleChanges: { from: Role; to: Role; reason: string }[];
  removals: { role: Role; reason: string }[];
  kept: { role: Role; reason: string }[];
}

export interface LinkImpact {
  change: 'create' | 'update' | 'delete';
  groupId: string;
  usersEvaluated: number;
  usersAffected: number;
  totals: { adds: number; roleChanges: number; removals: number; kept: number };
  affected: AffectedUser[];
  truncated: boolean;
}

export interface DryRun {
  dryRun: true;
  change: 'create' | 'update' | 'delete';
  impact: LinkImpact;
}

export interface AuditEvent {
  id: string;
  createdAt: string;
  actor: { type: string; id: string | null; label: string | null };
  action: string;
  target: { type: string | null; id: string | null };
  userId: string | null;
  before: unknown;
  after: unknown;
  details: unknown;
  correlationId: string | null;
}

export interface AuditPage {
  items: AuditEvent[];
  nextCursor: string | null;
}

export interface Me {
  tenant: { slug: string; name: string };
  user: { id: string; email: string; displayName: string | null; isAdmin: boolean };
  groups: { groupId: string; groupName: string; role: Role; source: 'manual' | 'sync' | 'scim' }[];
  csrfToken: string;
  expiresAt: string;
}

export interface ReconcileResult {
  usersEvaluated: number;
  usersChanged: number;
  adds: number;
  roleChanges: number;
  removals: number;
  kept: number;
}

export interface ScimToken {
  id: string;
  idp: string;
  name: string;
  tokenPrefix: string;
  scimBaseUrl: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The create answer: the only time the token itself is sent. */
export interface NewScimToken extends ScimToken {
  token: string;
}

export interface UserDetail {
  id: string;
  email: string;
  displayName: string | null;
  isAdmin: boolean;
  adminSource: 'manual' | 'sync' | null;
  status: 'active' | 'blocked';
  lastSignInAt: string | null;
  createdAt: string;
  updatedAt: string;
  memberships: { groupId: string; groupName: string; role: Role; source: 'manual' | 'sync' | 'scim' }[];
  externalGroups: { idp: string; externalGroup: string; source: 'claim' | 'scim'; seenAt: string }[];
  identities: { idp: string; externalId: string }[];
}

/** A cursor page of a list (users, groups, members, links) asked for with ?limit= or ?cursor=. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** GET .../users/:id/memberships: why the user is in each group with each role. */
export interface MembershipWhy {
  groupId: string;
  groupName: string;
  role: Role;
  source: 'manual' | 'sync' | 'scim';
  createdAt: string;
  updatedAt: string;
  why: string;
  roleWhy: string;
  linkRole: Role | null;
  matches: {
    linkId: string | null;
    externalGroup: string;
    label: string | null;
    role: Role;
    idp: string;
    via: 'claim' | 'scim';
    value: string;
    seenAt: string;
  }[];
  lastConfirmed: { at: string; trigger: string; idp: string; correlationId: string } | null;
  lastChange: {
    action: string;
    at: string;
    actor: { type: string; label: string | null };
    reason: string | null;
    correlationId: string;
  } | null;
}
export interface MembershipsWhy {
  userId: string;
  memberships: MembershipWhy[];
  inherited: { groupId: string; groupName: string; role: Role; fromGroupId: string; fromGroupName: string }[];
}

export interface Overview {
  since: string;
  until: string;
  identityProviders: {
    slug: string;
    name: string;
    type: string;
    enabled: boolean;
    lastSignIn: { at: string; userId: string | null; correlationId: string } | null;
    lastRefusal: { at: string; code: string | null; reason: string | null; correlationId: string } | null;
    lastScimRequestAt: string | null;
  }[];
  removalSafety: { trippedAt: string | null; stagedRemovals: number };
  last24h: {
    signIns: number;
    refusals: number;
    membershipsAdded: number;
    roleChanges: number;
    membershipsRemoved: number;
    adminChanges: number;
  };
}

/** What a delete takes with it: a dry run's answer, or the details of its 409. */
export interface DeletePreview {
  dryRun?: true;
  target: { type: 'group' | 'identity_provider' | 'tenant'; id: string; name: string };
  requiresForce: boolean;
  counts: Record<string, number>;
  items: Record<string, Record<string, unknown>[]>;
}

interface StagedRemoval {
  id: string;
  userId: string;
  email: string;
  groupId: string;
  groupName: string;
  role: Role;
  reason: string;
  trigger: 'sign-in' | 'reconcile' | 'scim';
  idp: string;
  createdAt: string;
}

export interface StagedRemovalPage {
  items: StagedRemoval[];
  nextCursor: string | null;
}

export interface StagedRemovalsApproved {
  approved: number;
  skipped: { id: string; userId: string; groupId: string; why: string }[];
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A background job (GET .../jobs/{id}); a reconcile's result is a ReconcileResult. */
export interface Job {
  id: string;
  kind: 'reconcile';
  status: JobStatus;
  params: Record<string, unknown>;
  progress: { done: number; total: number };
  result: Partial<ReconcileResult> | null;
  error: string | null;
  attempts: number;
  createdBy: { type: string; id: string | null; label: string | null };
  correlationId: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
}

/** POST .../sync/reconcile: the counts (small), or the job it was queued as (over the threshold). */
export type ReconcileAnswer = ReconcileResult | { job: Job };
/** A test sign-in (POST .../identity-providers/:idp/test-sign-in, GET .../test-sign-ins/:id). */
export interface TestSignIn {
  id: string;
  idp: string;
  status: 'pending' | 'started' | 'completed' | 'refused';
  startedBy: string;
  createdAt: string;
  completedAt: string | null;
  expiresAt: string;
  result: TestSignInResult | null;
}

export interface TestSignInResult {
  outcome: 'signed-in' | 'refused';
  refusal: { code: string; reason: string; detail?: string | null } | null;
  identity?: { externalId: string; email: string; displayName: string | null; emailVerified: boolean | null };
  rawClaims?: Record<string, unknown>;
  groups?: { status: 'present' | 'missing' | 'overage'; complete: boolean; normalized: string[] };
  account?: { id: string; email: string; status: string; isAdmin: boolean } | null;
  matchedLinks?: {
    linkId: string;
    groupId: string;
    groupName: string;
    externalGroup: string;
    role: Role;
    idpScoped: boolean;
  }[];
  plan?: TestSignInPlan | null;
}

/** The plan a sign-in would apply (the engine's SyncPlan, the parts the page shows). */
export interface TestSignInPlan {
  signup: 'existing' | 'create' | 'denied';
  adds: { groupName: string; role: Role; reason: string }[];
  roleChanges: { groupName: string; from: Role; to: Role; reason: string }[];
  removals: { groupName: string; role: Role; reason: string }[];
  kept: { groupName: string; role: Role; reason: string }[];
  admin: { from: boolean; to: boolean; reason?: string };
  complete: boolean;
}

/** GET /sso/:tenant/me/last-sign-in: what the person's last sign-in changed, and why. */
export interface LastSignIn {
  at: string;
  idp: string | null;
  correlationId: string;
  adds: number;
  roleChanges: number;
  removals: number;
  complete: boolean;
  changes: {
    action: string;
    groupId: string | null;
    groupName: string | null;
    role: string | null;
    from: string | null;
    to: string | null;
    reason: string | null;
  }[];
}
