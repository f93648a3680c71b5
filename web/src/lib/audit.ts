import type { AuditEvent } from '../api/types';

/** A one-line summary of an audit event for the list; the details expand below it. */
export function auditSummary(e: AuditEvent): string {
  const d = (e.details ?? {}) as Record<string, unknown>;
  const after = (e.after ?? {}) as Record<string, unknown>;
  const before = (e.before ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  const email = str(d.email) || str(after.email) || str(before.email);
  const group =
    str(d.groupName) || str(after.groupName) || str(before.groupName) || str(after.name) || str(before.name);
  const who = email ? `${email}: ` : '';
  // Sync changes carry the engine's sentence, which already names the group, role and link.
  if (e.action.startsWith('membership.') && str(d.reason)) return `${who}${str(d.reason)}`;
  switch (e.action) {
    case 'membership.added':
      return `${who}added to ${group || 'a group'} as ${str(after.role)}`;
    case 'membership.role_changed':
      return `${who}${group || 'a group'}: ${str(before.role)} → ${str(after.role)}`;
    case 'membership.removed':
      return `${who}removed from ${group || 'a group'}`;
    case 'sso.sign_in_refused':
      return `Sign-in refused: ${str(d.reason)}`;
    case 'sync.applied':
      return syncSummary(d);
    case 'user.admin_granted':
      return `${who}${str(d.reason) || 'made a workspace admin'}`;
    case 'user.admin_revoked':
      return `${who}${str(d.reason) || 'no longer a workspace admin'}`;
    default:
      if (e.action.startsWith('role.')) return roleSummary(e.action, before, after, str);
      if (e.action.startsWith('group_link.'))
        return `${str(after.externalGroup) || str(before.externalGroup)} → ${str(after.role) || str(before.role)}`;
      return [email, group].filter(Boolean).join(' · ');
  }
}

/** "Role auditor added (rank 25)", "Role auditor: rank 25 → 35", "Role auditor deleted". */
function roleSummary(
  action: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  str: (v: unknown) => string,
): string {
  const name = str(after.name) || str(before.name);
  if (action === 'role.created') return `Role ${name} added (rank ${str(after.rank)})`;
  if (action === 'role.deleted') return `Role ${name} deleted`;
  const changes: string[] = [];
  if (before.name !== after.name) changes.push(`renamed from ${str(before.name)}`);
  if (before.rank !== after.rank) changes.push(`rank ${str(before.rank)} → ${str(after.rank)}`);
  return `Role ${name}: ${changes.join(', ') || 'description changed'}`;
}

/** The query string the API takes for the current filters; empty values are left out. */
export function auditQuery(filters: {
  action: string;
  userId: string;
  correlationId?: string;
  email?: string;
  groupId?: string;
  idp?: string;
  since: string;
  until: string;
}) {
  const q: Record<string, string> = {};
  if (filters.action.trim()) q.action = filters.action.trim();
  if (filters.userId.trim()) q.userId = filters.userId.trim();
  if (filters.email?.trim()) q.email = filters.email.trim();
  if (filters.groupId) q.groupId = filters.groupId;
  if (filters.idp) q.idp = filters.idp;
  if (filters.correlationId?.trim()) q.correlationId = filters.correlationId.trim();
  if (filters.since) q.since = new Date(filters.since).toISOString();
  if (filters.until) q.until = new Date(filters.until).toISOString();
  return q;
}

/** A sign-in's (or SCIM push's, or reconcile's) counts in words; its changes expand below it. */
export function syncSummary(d: Record<string, unknown>): string {
  const n = (k: string) => (typeof d[k] === 'number' ? (d[k] as number) : 0);
  const trigger = d.trigger === 'sign-in' ? 'Sign-in' : d.trigger === 'scim' ? 'SCIM push' : 'Reconcile';
  const changes = n('adds') + n('roleChanges') + n('removals');
  const via = typeof d.idp === 'string' ? ` through ${d.idp}` : '';
  const counts = changes
    ? `${n('adds')} added, ${n('roleChanges')} re-roled, ${n('removals')} removed`
    : 'no membership changes';
  return `${trigger}${via}: ${counts}${d.complete === false ? ' (group list incomplete: nothing removed)' : ''}`;
}

/** True for the summary event of a sync run, whose changes share its correlation id. */
export const isSyncSummary = (e: AuditEvent) => e.action === 'sync.applied';
