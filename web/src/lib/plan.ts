import type { AffectedUser, LinkImpact } from '../api/types';

const people = (n: number) => `${n} ${n === 1 ? 'person' : 'people'}`;

/** One sentence with the counts, for the top of an impact preview. */
export function impactHeadline(impact: LinkImpact): string {
  const { adds, roleChanges, removals } = impact.totals;
  if (impact.usersEvaluated === 0)
    return 'Nobody has signed in through an identity provider yet, so nobody changes now; members arrive at their next sign-in.';
  if (adds + roleChanges + removals === 0)
    return `No change for anyone: ${people(impact.usersEvaluated)} with known IdP groups checked.`;
  const parts = [
    adds ? `${people(adds)} added` : null,
    roleChanges ? `${people(roleChanges)} re-roled` : null,
    removals ? `${people(removals)} removed` : null,
  ].filter(Boolean);
  return `${parts.join(', ')} (of ${people(impact.usersEvaluated)} with known IdP groups).`;
}

export interface ChangeLine {
  kind: 'add' | 'role' | 'remove' | 'kept';
  text: string;
  reason: string;
}

/** What happens to one person, each change with the reason the engine gave. */
export function changeLines(user: AffectedUser): ChangeLine[] {
  return [
    ...user.adds.map((a) => ({ kind: 'add' as const, text: `added as ${a.role}`, reason: a.reason })),
    ...user.roleChanges.map((c) => ({
      kind: 'role' as const,
      text: `${c.from} → ${c.to}`,
      reason: c.reason,
    })),
    ...user.removals.map((r) => ({
      kind: 'remove' as const,
      text: `removed (was ${r.role})`,
      reason: r.reason,
    })),
    ...user.kept.map((k) => ({ kind: 'kept' as const, text: `kept as ${k.role}`, reason: k.reason })),
  ];
}

/** True when saving needs a second look: somebody loses access or a role. */
export function isDestructive(impact: LinkImpact): boolean {
  return (
    impact.totals.removals > 0 ||
    impact.affected.some((u) => u.roleChanges.some((c) => rank(c.to) < rank(c.from)))
  );
}

const ORDER = ['guest', 'reporter', 'developer', 'maintainer', 'owner'];
const rank = (role: string) => ORDER.indexOf(role);
