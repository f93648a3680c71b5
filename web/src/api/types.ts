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
  settings: { syncPaused: boolean };
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
  issuer?: string;
  clientId?: string;
  hasClientSecret: boolean;
  certificates?: string[];
  groupSync: { removal: string; adminGroups: string[]; claims: string[]; defaultRole: Role; jit: boolean };
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
