// The words of a cancelled pending removal: whatever now stops the removal is what the plan says.
import { buildSyncContext, planSync, type SyncPlan } from './plan';
import { resolvePolicy } from './policy';
import type { EngineMembership, GroupSyncPolicy } from './types';

const IDP = 'idp-1';
const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const groups = [
  { id: 'g-dev', name: 'Dev', parentId: null },
  { id: 'g-all', name: 'Everyone', parentId: null },
];
const links = [{ id: 'l-dev', groupId: 'g-dev', externalGroup: 'dev', role: 'developer', idpId: IDP }];
// Marked pending removal by an earlier plan, due one hour ago.
const pending = (groupId: string, role = 'developer'): EngineMembership => ({
  groupId,
  role,
  source: 'sync',
  removalDueAt: NOW - 3_600_000,
  removalIdpId: IDP,
});

function cancelled(
  claim: string[],
  membership: EngineMembership,
  policy: Partial<GroupSyncPolicy>,
): string[] {
  const ctx = buildSyncContext({
    idpId: IDP,
    policy: resolvePolicy({ removalGraceHours: 24, ...policy }),
    groups,
    links,
  });
  const plan: SyncPlan = planSync(ctx, {
    user: { id: 'u', isAdmin: false, adminSource: null },
    memberships: [membership],
    external: { groups: claim, status: 'present', complete: true },
    ownerCounts: new Map([[membership.groupId, 1]]),
    now: NOW,
  });
  return plan.removalsCancelled.map((c) => c.reason);
}

describe('a cancelled pending removal says why', () => {
  it('a default membership kept after the user matched a link', () => {
    const policy = { defaultMemberships: [{ groupId: 'g-all', role: 'guest' }] };
    expect(cancelled(['dev'], pending('g-all', 'guest'), policy)).toEqual([
      'Pending removal from "Everyone" cancelled: it is a default membership of this sign-in method, kept after the user matched a link (removeDefaultsOnMatch is off).',
    ]);
  });

  it('the default-role policy, which lowers the role instead of removing', () => {
    expect(cancelled([], pending('g-dev'), { removal: 'default-role' })).toEqual([
      'Pending removal from "Dev" cancelled: the removal policy default-role does not remove it.',
    ]);
  });

  it('a protection that now keeps the member: the last owner', () => {
    expect(cancelled([], pending('g-dev', 'owner'), {})).toEqual([
      'Pending removal from "Dev" cancelled: the user is its last owner: kept as last owner although the IdP no longer grants it (workspace setting keepLastOwner).',
    ]);
  });
});
