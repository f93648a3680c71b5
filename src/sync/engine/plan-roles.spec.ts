// Custom role ladders: the engine ranks roles with the tenant's ranks from the context, never with
// a fixed list; "highest role wins" and "is this a downgrade" follow those ranks.
import { buildSyncContext, planSync, type SyncPlan } from './plan';
import { resolvePolicy } from './policy';
import { BUILT_IN_ROLE_RANKS, roleRanksWith, type RoleRanks } from './roles';
import type { EngineLink, EngineMembership, GroupSyncPolicy, Role } from './types';

const IDP = 'idp-1';
const ENG = { id: 'g-eng', name: 'Eng', parentId: null };
const link = (id: string, externalGroup: string, role: Role): EngineLink => ({
  id,
  groupId: ENG.id,
  externalGroup,
  role,
  idpId: IDP,
});

/** auditor between reporter (20) and developer (30); lead between maintainer (40) and owner (50). */
const LADDER = roleRanksWith([
  { name: 'viewer', rank: 5 },
  { name: 'auditor', rank: 25 },
  { name: 'lead', rank: 45 },
]);

function plan(
  links: EngineLink[],
  groups: string[],
  options: { memberships?: EngineMembership[]; roles?: RoleRanks; policy?: Partial<GroupSyncPolicy> } = {},
): SyncPlan {
  const ctx = buildSyncContext({
    idpId: IDP,
    policy: resolvePolicy(options.policy ?? {}),
    groups: [ENG],
    links,
    roles: options.roles ?? LADDER,
  });
  return planSync(ctx, {
    now: 0,
    user: { id: 'u', isAdmin: false, adminSource: null },
    memberships: options.memberships ?? [],
    external: { groups, status: 'present', complete: true },
  });
}

describe('custom roles in the engine', () => {
  it('the highest rank wins between custom and built-in roles, whatever the order of the claims', () => {
    const links = [
      link('l1', 'devs', 'developer'),
      link('l2', 'audit', 'auditor'),
      link('l3', 'leads', 'lead'),
    ];
    expect(plan(links, ['audit', 'devs']).adds.map((a) => a.role)).toEqual(['developer']);
    expect(plan(links, ['devs', 'audit']).adds.map((a) => a.role)).toEqual(['developer']);
    expect(plan(links, ['audit', 'leads', 'devs']).adds.map((a) => a.role)).toEqual(['lead']);
    expect(plan(links, ['audit']).adds.map((a) => a.role)).toEqual(['auditor']);
  });

  it('ranks decide, not names or the built-in order: re-ranking a custom role changes who wins', () => {
    const links = [link('l1', 'devs', 'developer'), link('l2', 'audit', 'auditor')];
    const auditorHigh = roleRanksWith([{ name: 'auditor', rank: 35 }]);
    expect(plan(links, ['devs', 'audit'], { roles: auditorHigh }).adds[0].role).toBe('auditor');
    // the strongest link is named first in the reason
    expect(plan(links, ['devs', 'audit'], { roles: auditorHigh }).adds[0].linkIds).toEqual(['l2', 'l1']);
  });

  it('a change to a custom role of lower rank is a downgrade: an incomplete claim keeps the old role', () => {
    const ctx = buildSyncContext({
      idpId: IDP,
      policy: resolvePolicy({}),
      groups: [ENG],
      links: [link('l1', 'audit', 'auditor')],
      roles: LADDER,
    });
    const result = planSync(ctx, {
      now: 0,
      user: { id: 'u', isAdmin: false, adminSource: null },
      memberships: [{ groupId: ENG.id, role: 'lead', source: 'sync' }],
      external: { groups: ['audit'], status: 'overage', complete: false },
    });
    expect(result.roleChanges).toEqual([]);
    expect(result.kept.map((k) => k.role)).toEqual(['lead']);
  });

  it('a raise to a custom role of higher rank goes through on an incomplete claim', () => {
    const ctx = buildSyncContext({
      idpId: IDP,
      policy: resolvePolicy({}),
      groups: [ENG],
      links: [link('l1', 'leads', 'lead')],
      roles: LADDER,
    });
    const result = planSync(ctx, {
      now: 0,
      user: { id: 'u', isAdmin: false, adminSource: null },
      memberships: [{ groupId: ENG.id, role: 'maintainer', source: 'sync' }],
      external: { groups: ['leads'], status: 'overage', complete: false },
    });
    expect(result.roleChanges.map((c) => [c.from, c.to])).toEqual([['maintainer', 'lead']]);
    expect(result.roleChanges[0].reason).toContain('lead');
  });

  it('the default-role policy may name a custom role, also below guest', () => {
    const result = plan([link('l1', 'devs', 'developer')], ['other'], {
      memberships: [{ groupId: ENG.id, role: 'developer', source: 'sync' }],
      policy: { removal: 'default-role', defaultRole: 'viewer' },
    });
    expect(result.roleChanges.map((c) => [c.from, c.to])).toEqual([['developer', 'viewer']]);
  });

  it('the built-in owner stays the owner: a last owner is not moved to a custom role below it', () => {
    const ctx = buildSyncContext({
      idpId: IDP,
      policy: resolvePolicy({}),
      groups: [ENG],
      links: [link('l1', 'leads', 'lead')],
      roles: LADDER,
    });
    const result = planSync(ctx, {
      now: 0,
      user: { id: 'u', isAdmin: false, adminSource: null },
      memberships: [{ groupId: ENG.id, role: 'owner', source: 'sync' }],
      external: { groups: ['leads'], status: 'present', complete: true },
      ownerCounts: new Map([[ENG.id, 1]]),
    });
    expect(result.roleChanges).toEqual([]);
    expect(result.kept.map((k) => k.role)).toEqual(['owner']);
  });

  it('an unknown role inside the engine throws instead of mis-ranking (the API never lets one in)', () => {
    const links = [link('l1', 'devs', 'developer'), link('l2', 'audit', 'auditor')];
    expect(() => plan(links, ['devs', 'audit'], { roles: BUILT_IN_ROLE_RANKS })).toThrow(
      /Unknown role: auditor/,
    );
  });

  it('without a ladder the context ranks with the built-ins', () => {
    const ctx = buildSyncContext({ idpId: IDP, policy: resolvePolicy({}), groups: [ENG], links: [] });
    expect(ctx.roleRanks).toBe(BUILT_IN_ROLE_RANKS);
  });
});
