import type { LastSignIn, TestSignInPlan } from '../api/types';
import type { ChangeLine } from './plan';

/** A test sign-in's plan as the lines of the impact preview: each change with the engine's reason. */
export function planLines(plan: TestSignInPlan): (ChangeLine & { group: string })[] {
  const g = (name: string) => name;
  return [
    ...plan.adds.map((a) => ({
      kind: 'add' as const,
      group: g(a.groupName),
      text: `added as ${a.role}`,
      reason: a.reason,
    })),
    ...plan.roleChanges.map((c) => ({
      kind: 'role' as const,
      group: g(c.groupName),
      text: `${c.from} → ${c.to}`,
      reason: c.reason,
    })),
    ...plan.removals.map((r) => ({
      kind: 'remove' as const,
      group: g(r.groupName),
      text: `removed (was ${r.role})`,
      reason: r.reason,
    })),
    ...plan.kept.map((k) => ({
      kind: 'kept' as const,
      group: g(k.groupName),
      text: `kept as ${k.role}`,
      reason: k.reason,
    })),
  ];
}

/** One sentence about a test's plan, for the top of the result. */
export function planHeadline(plan: TestSignInPlan): string {
  const who =
    plan.signup === 'create'
      ? 'A new account would be created'
      : plan.signup === 'denied'
        ? 'Sign-up would be refused'
        : 'The existing account would sign in';
  const n = plan.adds.length + plan.roleChanges.length + plan.removals.length;
  const changes = n
    ? `${plan.adds.length} added, ${plan.roleChanges.length} re-roled, ${plan.removals.length} removed`
    : 'no membership would change';
  const admin =
    plan.admin.from !== plan.admin.to
      ? plan.admin.to
        ? '; would become a workspace admin'
        : '; would lose workspace admin'
      : '';
  return `${who}: ${changes}${admin}${plan.complete ? '' : ' (group list incomplete: nothing would be removed)'}.`;
}

const CHANGE_WORDS: Record<string, string> = {
  'membership.added': 'added',
  'membership.role_changed': 're-roled',
  'membership.removed': 'removed',
  'membership.removal_scheduled': 'removal scheduled',
  'user.admin_granted': 'made a workspace admin',
  'user.admin_revoked': 'no longer a workspace admin',
};

/** A change of the person's last sign-in in words: what happened to which group, and why. */
export function lastSignInLine(change: LastSignIn['changes'][number]): { what: string; why: string } {
  const verb = CHANGE_WORDS[change.action] ?? change.action;
  const role =
    change.action === 'membership.role_changed'
      ? ` (${change.from} → ${change.to})`
      : change.role
        ? ` as ${change.role}`
        : '';
  const what = change.groupName
    ? `${change.groupName}: ${verb}${change.action === 'membership.removed' ? '' : role}`
    : verb;
  return { what, why: change.reason ?? '' };
}
