import type { Membership } from './membership.entity';

type Marked = Pick<Membership, 'removalDueAt' | 'removalReason' | 'lastOwnerKeptAt'>;

/** What sync marked on a direct membership, for the members list and the user's memberships. */
export interface MembershipMarkers {
  pendingRemovalAt: string | null;
  pendingRemovalReason: string | null;
  keptAsLastOwner: boolean;
  /** The marker in plain words; null when there is none. */
  syncNote: string | null;
}

export function membershipMarkers(m: Marked | undefined): MembershipMarkers {
  const due = m?.removalDueAt ?? null;
  const keptSince = m?.lastOwnerKeptAt ?? null;
  let syncNote: string | null = null;
  if (keptSince)
    syncNote = `Kept as last owner although the IdP no longer grants it (since ${keptSince.toISOString()}).`;
  else if (due) syncNote = `Pending removal at ${due.toISOString()} (grace period).`;
  return {
    pendingRemovalAt: due?.toISOString() ?? null,
    pendingRemovalReason: due ? (m?.removalReason ?? null) : null,
    keptAsLastOwner: keptSince !== null,
    syncNote,
  };
}
