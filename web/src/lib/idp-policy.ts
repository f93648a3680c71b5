import type { IdentityProvider, Role } from '../api/types';

/**
 * The group-sync policy form of an IdP (every setting the API takes, docs/sync.md section 3 and
 * following) and the leaver rules: the IdP's values as form fields, and the fields back into one
 * PATCH body, or the problems by field before anything is sent.
 */

export const REMOVAL_POLICIES = [
  ['enforce', 'Remove members that no link justifies any more (GitLab self-managed).'],
  ['default-role', 'Keep them with the default role instead of removing them (GitLab.com).'],
  ['synced-only', 'Remove only memberships that sync added; manual ones stay (Grafana).'],
  ['never', 'Only add and re-role; never remove anyone (Keycloak import).'],
] as const;
export type RemovalPolicy = (typeof REMOVAL_POLICIES)[number][0];

export interface DefaultRow {
  /** '' until a group is picked. */
  groupId: string;
  role: Role;
}

export interface PolicyForm {
  enabled: boolean;
  /** Claim names, one a line (empty: `groups`). */
  claims: string;
  delimiter: string;
  ignoreCase: boolean;
  dnCommonName: boolean;
  matchByName: boolean;
  defaultRole: Role;
  removal: RemovalPolicy;
  /** IdP groups whose members administer the workspace, one a line. */
  adminGroups: string;
  prohibitSignup: boolean;
  missingClaim: 'keep' | 'empty';
  overage: 'keep' | 'graph';
  jit: boolean;
  graceHours: string;
  defaults: DefaultRow[];
  removeDefaultsOnMatch: boolean;
  graphRefreshHours: string;
  notSeenDays: string;
  blockNotSeenDays: string;
}

/** Which API fields each form field shows the refusals of (for placeErrors). */
export const POLICY_FIELDS: Record<string, readonly string[]> = {
  enabled: ['groupSync.enabled'],
  claims: ['groupSync.claims'],
  delimiter: ['groupSync.delimiter'],
  ignoreCase: ['groupSync.caseSensitive'],
  dnCommonName: ['groupSync.dnCommonName'],
  matchByName: ['groupSync.matchByName'],
  defaultRole: ['groupSync.defaultRole'],
  removal: ['groupSync.removal'],
  adminGroups: ['groupSync.adminGroups'],
  prohibitSignup: ['groupSync.prohibitSignupIfNotInGroup'],
  missingClaim: ['groupSync.missingClaim'],
  overage: ['groupSync.overage'],
  jit: ['groupSync.jit'],
  graceHours: ['groupSync.removalGraceHours'],
  defaults: ['groupSync.defaultMemberships'],
  removeDefaultsOnMatch: ['groupSync.removeDefaultsOnMatch'],
  graphRefreshHours: ['leavers.graphRefreshHours'],
  notSeenDays: ['leavers.notSeenDays'],
  blockNotSeenDays: ['leavers.blockNotSeenDays'],
};

const text = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));
const isRemoval = (v: string): v is RemovalPolicy => REMOVAL_POLICIES.some(([r]) => r === v);

export function policyForm(idp: IdentityProvider): PolicyForm {
  const p = idp.groupSync;
  return {
    enabled: p.enabled ?? true,
    claims: p.claims.join('\n'),
    delimiter: p.delimiter ?? '',
    ignoreCase: p.caseSensitive === false,
    dnCommonName: p.dnCommonName ?? false,
    matchByName: p.matchByName ?? false,
    defaultRole: p.defaultRole,
    removal: isRemoval(p.removal) ? p.removal : 'enforce',
    adminGroups: p.adminGroups.join('\n'),
    prohibitSignup: p.prohibitSignupIfNotInGroup ?? false,
    missingClaim: p.missingClaim ?? 'keep',
    overage: p.overage ?? 'keep',
    jit: p.jit,
    graceHours: text(p.removalGraceHours),
    defaults: (p.defaultMemberships ?? []).map((d) => ({ groupId: d.groupId, role: d.role })),
    removeDefaultsOnMatch: p.removeDefaultsOnMatch ?? false,
    graphRefreshHours: text(idp.leavers?.graphRefreshHours),
    notSeenDays: text(idp.leavers?.notSeenDays),
    blockNotSeenDays: text(idp.leavers?.blockNotSeenDays),
  };
}

interface PolicyPatch {
  groupSync: {
    enabled: boolean;
    claims: string[];
    delimiter: string | null;
    caseSensitive: boolean;
    dnCommonName: boolean;
    matchByName: boolean;
    defaultRole: Role;
    removal: RemovalPolicy;
    adminGroups: string[];
    prohibitSignupIfNotInGroup: boolean;
    missingClaim: 'keep' | 'empty';
    overage: 'keep' | 'graph';
    jit: boolean;
    removalGraceHours: number;
    defaultMemberships: { groupId: string; role: Role }[];
    removeDefaultsOnMatch: boolean;
  };
  leavers: { graphRefreshHours: number | null; notSeenDays?: number; blockNotSeenDays: number | null };
}

/** Non-empty trimmed lines. */
const lines = (value: string) =>
  value
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);

/** Default memberships: every line needs a group, and a group once. */
function defaultsProblem(rows: readonly DefaultRow[]): string | null {
  if (rows.some((r) => !r.groupId)) return 'Pick a group on every line, or remove the line';
  const ids = rows.map((r) => r.groupId);
  return new Set(ids).size < ids.length ? 'Each group once: remove the repeated line' : null;
}

/** The whole policy as one PATCH body, or the problems by form field. Empty numbers: 0 (grace) or off. */
export function policyPatch(form: PolicyForm): { body: PolicyPatch } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const whole = (field: keyof PolicyForm): number | null => {
    const value = String(form[field]).trim();
    if (value === '') return null;
    if (/^\d+$/.test(value)) return Number(value);
    errors[field] = 'A whole number, or empty';
    return null;
  };
  const defaults = defaultsProblem(form.defaults);
  if (defaults) errors.defaults = defaults;
  const claims = lines(form.claims);
  const body: PolicyPatch = {
    groupSync: {
      enabled: form.enabled,
      claims: claims.length > 0 ? claims : ['groups'],
      delimiter: form.delimiter === '' ? null : form.delimiter,
      caseSensitive: !form.ignoreCase,
      dnCommonName: form.dnCommonName,
      matchByName: form.matchByName,
      defaultRole: form.defaultRole,
      removal: form.removal,
      adminGroups: lines(form.adminGroups),
      prohibitSignupIfNotInGroup: form.prohibitSignup,
      missingClaim: form.missingClaim,
      overage: form.overage,
      jit: form.jit,
      removalGraceHours: whole('graceHours') ?? 0,
      defaultMemberships: form.defaults.map((d) => ({ groupId: d.groupId, role: d.role })),
      removeDefaultsOnMatch: form.removeDefaultsOnMatch,
    },
    leavers: { graphRefreshHours: whole('graphRefreshHours'), blockNotSeenDays: whole('blockNotSeenDays') },
  };
  const notSeen = whole('notSeenDays');
  if (notSeen !== null) body.leavers.notSeenDays = notSeen;
  return Object.keys(errors).length > 0 ? { errors } : { body };
}
