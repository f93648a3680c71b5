import type { MembershipWhy } from '../api/types';
import type { UserDetail } from '../api/types';

/** A membership's source in words, for the users page. */
export function membershipSourceText(source: UserDetail['memberships'][number]['source']): string {
  switch (source) {
    case 'manual':
      return 'manual grant (added by an administrator)';
    case 'sync':
      return 'from sync via IdP groups (a group link matched at sign-in)';
    case 'scim':
      return 'from SCIM (pushed by the IdP between sign-ins)';
    default:
      return String(source);
  }
}

/** Where the IdP sent an external group. */
export function externalSourceText(source: UserDetail['externalGroups'][number]['source']): string {
  return source === 'scim' ? 'pushed by SCIM' : 'in the sign-in claims';
}

export function adminText(u: Pick<UserDetail, 'isAdmin' | 'adminSource'>): string {
  if (!u.isAdmin) return 'No';
  if (u.adminSource === 'sync') return 'Yes (an admin group arrived at sign-in)';
  if (u.adminSource === 'manual') return 'Yes (set by hand)';
  return 'Yes';
}

type Why = MembershipWhy;

/** One matching link or name match, in words: what the IdP sent and which link it met. */
export function matchText(x: Why['matches'][number]): string {
  const sent = x.via === 'scim' ? `SCIM group "${x.value}"` : `group claim "${x.value}"`;
  const link = x.linkId
    ? `link ${x.label ? `${x.label} (${x.externalGroup})` : `"${x.externalGroup}"`}`
    : "group's own name (name matching)";
  return `${sent} from ${x.idp} matched the ${link} → ${x.role}`;
}

/** When a sign-in or SCIM push last kept the membership. */
export function confirmedText(m: Pick<Why, 'source' | 'lastConfirmed' | 'updatedAt'>): string {
  if (m.source === 'manual') return 'not needed (manual grant)';
  if (!m.lastConfirmed) return `no sign-in since; last changed ${new Date(m.updatedAt).toLocaleString()}`;
  const by = m.lastConfirmed.trigger === 'sign-in' ? 'sign-in' : m.lastConfirmed.trigger;
  return `${new Date(m.lastConfirmed.at).toLocaleString()} (${by} through ${m.lastConfirmed.idp})`;
}

/** The last audited change of a membership: what, who, when. */
export function lastChangeText(c: NonNullable<Why['lastChange']>): string {
  const what = c.action === 'membership.added' ? 'Added' : 'Role changed';
  const who = c.actor.label ? `${c.actor.type} ${c.actor.label}` : c.actor.type;
  return `${what} ${new Date(c.at).toLocaleString()} by ${who}`;
}

/** Why a member of a group has their role there, in a few words. */
export function memberWhyText(
  m: { inherited: boolean; directRole: string | null; source: 'manual' | 'sync' | 'scim' },
  fromGroupName: string,
): string {
  if (m.inherited)
    return `inherited from ${fromGroupName}${m.directRole ? ` (own role here: ${m.directRole})` : ''}`;
  if (m.source === 'sync') return 'from a group link at sign-in';
  if (m.source === 'scim') return 'pushed by SCIM';
  return 'added by an administrator';
}
