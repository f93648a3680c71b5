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
