// seesAnyName: which pushed names can change a plan. A SCIM push that changes only other names
// skips the re-plan, so the answer must be true for every name a plan reads and false otherwise.
import fc from 'fast-check';
import { buildSyncContext, seesAnyName } from './context';
import { planSync } from './plan';
import { resolvePolicy } from './policy';
import type { EngineLink, EngineMembership, GroupSyncPolicy } from './types';

const IDP = 'idp-1';
const GROUPS = [
  { id: 'g-eng', name: 'Eng', parentId: null },
  { id: 'g-ops', name: 'Ops', parentId: null },
];
const LINKS: EngineLink[] = [
  { id: 'l1', groupId: 'g-eng', externalGroup: 'Devs', role: 'developer', idpId: IDP },
  { id: 'l2', groupId: 'g-ops', externalGroup: 'SRE', role: 'maintainer', idpId: null },
  { id: 'l3', groupId: 'g-ops', externalGroup: 'Other-IdP', role: 'owner', idpId: 'idp-2' },
];

const contextWith = (policy: Partial<GroupSyncPolicy>) =>
  buildSyncContext({ idpId: IDP, policy: resolvePolicy(policy), groups: GROUPS, links: LINKS });

describe('seesAnyName', () => {
  it('sees links of this IdP and tenant-wide links, not links of another IdP', () => {
    const ctx = contextWith({});
    expect(seesAnyName(ctx, ['Devs'])).toBe(true);
    expect(seesAnyName(ctx, ['nothing', 'SRE'])).toBe(true);
    expect(seesAnyName(ctx, ['Other-IdP'])).toBe(false);
    expect(seesAnyName(ctx, ['Eng', 'scim-group-7'])).toBe(false);
    expect(seesAnyName(ctx, [])).toBe(false);
  });

  it('sees local group names when matching by name, and admin groups', () => {
    expect(seesAnyName(contextWith({ matchByName: true }), ['Ops'])).toBe(true);
    expect(seesAnyName(contextWith({ adminGroups: ['Admins'] }), ['Admins'])).toBe(true);
    expect(seesAnyName(contextWith({}), ['Ops', 'Admins'])).toBe(false);
  });

  it('names it does not see never change a plan', () => {
    const names = fc.constantFrom('Devs', 'SRE', 'Other-IdP', 'Eng', 'Ops', 'Admins', 'x', 'y');
    const role = fc.constantFrom('guest', 'reporter', 'developer', 'maintainer', 'owner');
    const membership = fc.record({
      groupId: fc.constantFrom('g-eng', 'g-ops'),
      role,
      source: fc.constantFrom('manual', 'sync', 'scim'),
    }) as fc.Arbitrary<EngineMembership>;
    const policy = fc.record({
      matchByName: fc.boolean(),
      adminGroups: fc.constantFrom([], ['Admins']),
      removal: fc.constantFrom('enforce', 'default-role', 'synced-only', 'never'),
    }) as fc.Arbitrary<Partial<GroupSyncPolicy>>;
    fc.assert(
      fc.property(
        policy,
        fc.uniqueArray(names),
        fc.uniqueArray(names),
        fc.uniqueArray(membership, { selector: (m) => m.groupId }),
        fc.boolean(),
        (p, before, extra, memberships, isAdmin) => {
          const ctx = contextWith(p);
          const unseen = extra.filter((n) => !before.includes(n) && !seesAnyName(ctx, [n]));
          // Everything but the list of names it was given (shown in previews and audit, not written).
          const planOf = (groups: string[]) => {
            const { externalGroups, ...decisions } = planSync(ctx, {
              now: 0,
              user: { id: 'u', isAdmin, adminSource: isAdmin ? 'sync' : null },
              memberships,
              external: { groups, status: 'present', complete: true },
            });
            expect(externalGroups).toEqual(expect.arrayContaining(groups));
            return decisions;
          };
          expect(planOf([...before, ...unseen])).toEqual(planOf(before));
        },
      ),
    );
  });
});
