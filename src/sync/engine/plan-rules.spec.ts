// Rules that mutation testing showed no other test pinned: each test here fails when the rule it
// names is broken (see docs/testing.md).
import { buildSyncContext, planHasChanges, planSync, type SyncPlan } from './plan';
import { resolvePolicy } from './policy';
import type {
  ClaimStatus,
  EngineGroup,
  EngineLink,
  EngineMembership,
  EngineUser,
  GroupSyncPolicy,
  Role,
} from './types';

const IDP = 'idp-1';

const group = (id: string, name: string): EngineGroup => ({ id, name, parentId: null });
const link = (id: string, groupId: string, externalGroup: string, role: Role): EngineLink => ({
  id,
  groupId,
  externalGroup,
  role,
  idpId: IDP,
});
const member = (groupId: string, role: Role, source: EngineMembership['source'] = 'sync') => ({
  groupId,
  role,
  source,
});

function planFor(
  setup: { groups?: EngineGroup[]; links?: EngineLink[]; policy?: Partial<GroupSyncPolicy> },
  input: {
    user?: EngineUser | null;
    memberships?: EngineMembership[];
    groups?: string[];
    status?: ClaimStatus;
    ownerCounts?: Map<string, number>;
  },
): SyncPlan {
  const ctx = buildSyncContext({
    idpId: IDP,
    policy: resolvePolicy(setup.policy ?? {}),
    groups: setup.groups ?? [],
    links: setup.links ?? [],
  });
  const status = input.status ?? 'present';
  return planSync(ctx, {
    user: input.user === undefined ? { id: 'u', isAdmin: false, adminSource: null } : input.user,
    memberships: input.memberships ?? [],
    external: { groups: input.groups ?? [], status, complete: status === 'present' },
    ownerCounts: input.ownerCounts,
    now: 0,
  });
}

describe('admin: an incomplete claim never grants admin', () => {
  const admins = { policy: { adminGroups: ['Admins'] } };

  it.each<ClaimStatus>(['overage', 'missing'])(
    'a non-admin whose admin flag once came from sync stays a non-admin on a %s claim',
    (status) => {
      const user: EngineUser = { id: 'u', isAdmin: false, adminSource: 'sync' };
      expect(planFor(admins, { user, status }).admin).toEqual({ from: false, to: false });
    },
  );

  it('a new user with an incomplete claim and no admin group is not made admin', () => {
    expect(planFor(admins, { user: null, status: 'overage' }).admin).toEqual({ from: false, to: false });
  });

  it('an admin made by hand keeps admin on a complete claim without admin groups, with no reason', () => {
    const user: EngineUser = { id: 'u', isAdmin: true, adminSource: 'manual' };
    expect(planFor(admins, { user, groups: ['Dev'] }).admin).toEqual({ from: true, to: true });
  });

  it('an admin granted by sync is revoked on a complete claim, with a reason', () => {
    const user: EngineUser = { id: 'u', isAdmin: true, adminSource: 'sync' };
    const { admin } = planFor(admins, { user, groups: ['Dev'] });
    expect(admin.to).toBe(false);
    expect(admin.reason).toMatch(/^Workspace admin revoked/);
  });

  it('the first admin group of the claim is the one the reason names', () => {
    const policy = { adminGroups: ['Admins', 'Root'] };
    const { admin } = planFor({ policy }, { groups: ['Dev', 'Root', 'Admins'] });
    expect(admin).toEqual({ from: false, to: true, reason: expect.stringContaining('"Root"') });
  });
});

describe('blank names manage nothing', () => {
  const groups = [group('g', 'Engineering')];

  it('a link whose external group is blank does not make its group managed', () => {
    const result = planFor(
      { groups, links: [link('l', 'g', '   ', 'developer')] },
      { memberships: [member('g', 'developer')], groups: [] },
    );
    expect(result.removals).toEqual([]);
    expect(result.kept).toEqual([]);
  });

  it('a blank link still counts as a link: a sync membership there is not an orphan to take back', () => {
    const result = planFor(
      { groups, links: [link('l', 'g', ' ', 'developer')] },
      { memberships: [member('g', 'developer')], groups: ['Dev'] },
    );
    expect(result.removals).toEqual([]);
  });

  it('blank admin groups and blank local group names are never matched', () => {
    const ctx = buildSyncContext({
      idpId: IDP,
      policy: resolvePolicy({ adminGroups: ['  '], matchByName: true }),
      groups: [group('g', '  ')],
      links: [link('l', 'g', '', 'guest')],
    });
    expect(ctx.adminGroups.size).toBe(0);
    expect(ctx.groupsByNormalizedName.size).toBe(0);
    expect(ctx.linksByExternalGroup.size).toBe(0);
  });
});

describe('stable order of every list', () => {
  // Input order is the reverse of the expected order, and two groups share a name (ties go by id).
  const groups = [group('z', 'Zeta'), group('b', 'Same'), group('a', 'Same')];
  const links = [link('lz', 'z', 'Z', 'owner'), link('lb', 'b', 'B', 'owner'), link('la', 'a', 'A', 'owner')];
  const all = ['z', 'b', 'a'];

  it('adds', () => {
    const result = planFor({ groups, links }, { groups: ['Z', 'B', 'A'] });
    expect(result.adds.map((add) => add.groupId)).toEqual(['a', 'b', 'z']);
  });

  it('role changes', () => {
    const result = planFor(
      { groups, links },
      { memberships: all.map((id) => member(id, 'guest')), groups: ['Z', 'B', 'A'] },
    );
    expect(result.roleChanges.map((change) => change.groupId)).toEqual(['a', 'b', 'z']);
  });

  it('removals', () => {
    const result = planFor({ groups, links }, { memberships: all.map((id) => member(id, 'guest')) });
    expect(result.removals.map((removal) => removal.groupId)).toEqual(['a', 'b', 'z']);
  });

  it('kept (last owners)', () => {
    const result = planFor({ groups, links }, { memberships: all.map((id) => member(id, 'owner')) });
    expect(result.kept.map((kept) => kept.groupId)).toEqual(['a', 'b', 'z']);
  });

  it('the links behind one group: strongest first, then by external group, then by id', () => {
    const g = [group('g', 'Ops')];
    const twins = [link('l-b', 'g', 'Ops', 'developer'), link('l-a', 'g', 'Ops', 'developer')];
    expect(planFor({ groups: g, links: twins }, { groups: ['Ops'] }).adds[0].linkIds).toEqual(['l-a', 'l-b']);
    const globs: EngineLink[] = [
      { ...link('p-low', 'g', 'ops-*', 'guest'), matchType: 'glob' },
      { ...link('p-high', 'g', 'o*', 'maintainer'), matchType: 'glob' },
    ];
    const result = planFor({ groups: g, links: globs }, { groups: ['ops-a'] });
    expect(result.adds[0].linkIds).toEqual(['p-high', 'p-low']);
  });
});

describe('planHasChanges', () => {
  it('sees each list of markers on its own', () => {
    const nothing = planFor({}, {});
    expect(planHasChanges(nothing)).toBe(false);
    const marker = [{ groupId: 'g', groupName: 'Ops', reason: 'r' }];
    expect(planHasChanges({ ...nothing, removalsCancelled: marker })).toBe(true);
    expect(planHasChanges({ ...nothing, lastOwnerMarked: marker })).toBe(true);
    expect(planHasChanges({ ...nothing, lastOwnerCleared: marker })).toBe(true);
  });
});

describe('memberships sync reads', () => {
  it('of two memberships in one group (the database allows one), the first is the one planned', () => {
    const setup = {
      groups: [group('g', 'Ops')],
      links: [link('l', 'g', 'Ops', 'guest')],
      policy: { removal: 'synced-only' as const },
    };
    const memberships = [member('g', 'developer', 'manual'), member('g', 'developer', 'sync')];
    const result = planFor(setup, { memberships });
    expect(result.kept.map((kept) => kept.groupId)).toEqual(['g']);
    expect(result.removals).toEqual([]);
  });
});
