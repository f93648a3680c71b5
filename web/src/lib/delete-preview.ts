import { ApiError } from '../api/client';
import type { DeletePreview } from '../api/types';

const KIND_WORDS: Record<string, [string, string]> = {
  subgroups: ['subgroup', 'subgroups'],
  links: ['group link', 'group links'],
  memberships: ['membership', 'memberships'],
  identities: ['sign-in identity', 'sign-in identities'],
  scimUsers: ['SCIM user', 'SCIM users'],
  scimTokens: ['SCIM token', 'SCIM tokens'],
  scimGroups: ['SCIM group', 'SCIM groups'],
  externalMemberships: ['stored IdP group membership', 'stored IdP group memberships'],
  identityProviders: ['identity provider', 'identity providers'],
  groups: ['group', 'groups'],
  users: ['user', 'users'],
};

/** "3 memberships" for each kind that has rows, in the order the service lists them. */
export function countLines(counts: Record<string, number>): string[] {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => {
      const [one, many] = KIND_WORDS[kind] ?? [kind, kind];
      return `${n} ${n === 1 ? one : many}`;
    });
}

/** One listed row in words: who or what it is, and the role it carried. */
export function rowText(row: Record<string, unknown>): string {
  const text = (k: string) => (typeof row[k] === 'string' && row[k] !== '' ? (row[k] as string) : null);
  const what =
    text('email') ?? text('externalGroup') ?? text('name') ?? text('displayName') ?? text('slug') ?? '?';
  const where = text('groupName') && !text('name') ? ` in ${text('groupName')}` : '';
  const role = text('role') ? ` (${text('role')})` : '';
  return `${what}${where}${role}`;
}

/** The preview a refused delete (409 with a delete preview) carries, so the dialog can update. */
export function previewOfRefusal(error: unknown): DeletePreview | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null;
  const d = error.details as Partial<DeletePreview> | undefined;
  return d && typeof d === 'object' && d.counts && d.items && d.target ? (d as DeletePreview) : null;
}
