import { applyPlanToMemberships } from './apply';
import { normalizeClaims } from './normalize';
import { buildSyncContext, planHasChanges, planSync, type SyncContext, type SyncPlan } from './plan';
import { resolvePolicy } from './policy';
import { countDownOwners } from './last-owner';
import type {
  ClaimStatus,
  EngineGroup,
  EngineLink,
  EngineMembership,
  EngineUser,
  ExternalGroups,
  GroupSyncPolicy,
  MembershipSource,
  Role,
} from './types';

const IDP = 'idp-saml';
const OTHER_IDP = 'idp-oidc';

const group = (id: string, name: string, parentId: string | null = null): EngineGroup => ({
  id,
  name,
  parentId,
});

const link = (
  id: string,
  groupId: string,
  externalGroup: string,
  role: Role,
  extra: Partial<EngineLink> = {},
): EngineLink => ({ id, groupId, externalGroup, role, idpId: IDP, ...extra });

const member = (groupId: string, role: Role, source: MembershipSource = 'sync'): EngineMembership => ({
  groupId,
  role,
  source,
});

const user = (overrides: Partial<EngineUser> = {}): EngineUser => ({
  id: 'user-1',
  isAdmin: false,
  adminSource: null,
  ...overrides,
});

/** Normalized groups as normalizeClaims would return them for a claim with this status. */
const claim = (
  groups: string[],
  status: ClaimStatus = 'present',
  complete = status === 'present',
): ExternalGroups => ({
  groups,
  status,
  complete,
});

function context(
  groups: EngineGroup[],
  links: EngineLink[],
  policy: Partial<GroupSyncPolicy> = {},
): SyncContext {
  return buildSyncContext({ idpId: IDP, policy: resolvePolicy(policy), groups, links });
}

function plan(
  ctx: SyncContext,
  input: {
    user?: EngineUser | null;
    memberships?: EngineMembership[];
    external: ExternalGroups;
    ownerCounts?: ReadonlyMap<string, number>;
  },
): SyncPlan {
  return planSync(ctx, {
    user: input.user === undefined ? user() : input.user,
    memberships: input.memberships ?? [],
    external: input.external,
    ownerCounts: input.ownerCounts,
    now: 0,
  });
}

/** The changes a plan makes, without the reasons: what most assertions compare. */
function summary(result: SyncPlan) {
  return {
    adds: result.adds.map(({ groupId, role }) => ({ groupId, role })),
    roleChanges: result.roleChanges.map(({ groupId, from, to }) => ({ groupId, from, to })),
    removals: result.removals.map(({ groupId, role }) => ({ groupId, role })),
    kept: result.kept.map(({ groupId, role }) => ({ groupId, role })),
  };
}

const NOTHING = { adds: [], roleChanges: [], removals: [], kept: [] };

/** Applies the plan (memberships and admin flag) and plans again with the same claim. */
function planAgain(
  ctx: SyncContext,
  first: SyncPlan,
  before: {
    user?: EngineUser | null;
    memberships?: EngineMembership[];
    external: ExternalGroups;
    ownerCounts?: ReadonlyMap<string, number>;
  },
): SyncPlan {
  const previousUser = before.user === undefined ? user() : before.user;
  const adminChanged = first.admin.from !== first.admin.to;
  const nextUser: EngineUser = {
    ...(previousUser ?? user()),
    isAdmin: first.admin.to,
    adminSource: adminChanged ? (first.admin.to ? 'sync' : null) : (previousUser?.adminSource ?? null),
  };
  const memberships = applyPlanToMemberships(previousUser === null ? [] : (before.memberships ?? []), first);
  return plan(ctx, { ...before, user: nextUser, memberships });
}

describe('planSync: desired roles', () => {
  const groups = [group('g', 'Engineering')];
  const links = [link('l-a', 'g', 'A', 'guest'), link('l-b', 'g', 'B', 'maintainer')];
  const ctx = context(groups, links);

  it('a user in A (guest) and B (maintainer), both linked to one group, gets maintainer', () => {
    const result = plan(ctx, { external: claim(['A', 'B']) });
    expect(summary(result)).toEqual({ ...NOTHING, adds: [{ groupId: 'g', role: 'maintainer' }] });
    expect(result.adds[0].linkIds).toEqual(['l-b', 'l-a']);
    expect(result.adds[0].reason).toBe(
      'Added to "Engineering" as maintainer: external groups "B" (linked as maintainer) and "A" (linked as guest) match it; the highest role, maintainer, wins.',
    );
    expect(result.matchedExternalGroups).toEqual(['A', 'B']);
    // The order the IdP lists groups in does not matter.
    expect(plan(ctx, { external: claim(['B', 'A']) }).adds).toEqual(result.adds);
  });

  it('when B is gone the role drops to guest', () => {
    const result = plan(ctx, { external: claim(['A']), memberships: [member('g', 'maintainer')] });
    expect(summary(result)).toEqual({
      ...NOTHING,
      roleChanges: [{ groupId: 'g', from: 'maintainer', to: 'guest' }],
    });
    expect(result.roleChanges[0].linkIds).toEqual(['l-a']);
    expect(result.roleChanges[0].reason).toBe(
      'Role in "Engineering" changed from maintainer to guest: external group "A" is linked to it as guest.',
    );
  });

  it('two links to one group: matching one of them is enough to stay', () => {
    const result = plan(ctx, { external: claim(['B']), memberships: [member('g', 'maintainer')] });
    expect(summary(result)).toEqual(NOTHING);
    expect(planHasChanges(result)).toBe(false);
  });

  it('ties between links of the same role are broken by external group, then link id', () => {
    const tie = context(groups, [
      link('l-2', 'g', 'Zeta', 'developer'),
      link('l-3', 'g', 'Alpha', 'developer'),
      link('l-1', 'g', 'Zeta ', 'developer'),
    ]);
    const result = plan(tie, { external: claim(['Zeta', 'Alpha']) });
    expect(result.adds[0].linkIds).toEqual(['l-3', 'l-2', 'l-1']);
    expect(result.adds[0].role).toBe('developer');
  });

  it('the reason names the link label when there is one', () => {
    const objectId = '3f2a6c1e-8b4d-4e7a-9c0f-1a2b3c4d5e6f';
    const labelled = context(groups, [link('l-1', 'g', objectId, 'developer', { label: 'Dev Team' })]);
    const result = plan(labelled, { external: claim([objectId]) });
    expect(result.adds[0].reason).toBe(
      `Added to "Engineering" as developer: external group "${objectId}" ("Dev Team") is linked to it as developer.`,
    );
  });

  it('reads like the documentation example for a single link', () => {
    const single = context(groups, [link('l-1', 'g', 'Dev Team', 'maintainer')]);
    expect(plan(single, { external: claim(['Dev Team']) }).adds[0].reason).toBe(
      'Added to "Engineering" as maintainer: external group "Dev Team" is linked to it as maintainer.',
    );
  });
});

describe('planSync: which links apply', () => {
  const groups = [group('g1', 'Ops'), group('g2', 'Sales')];

  it('a link scoped to another IdP never matches, and does not make its group managed', () => {
    const ctx = context(groups, [link('l-1', 'g1', 'Ops', 'developer', { idpId: OTHER_IDP })]);
    const result = plan(ctx, { external: claim(['Ops']), memberships: [member('g1', 'owner')] });
    expect(summary(result)).toEqual(NOTHING);
    expect(result.matchedExternalGroups).toEqual([]);
    expect(ctx.managedGroupIds.has('g1')).toBe(false);
  });

  it('a link with no IdP (any IdP of the tenant) applies', () => {
    const ctx = context(groups, [link('l-1', 'g1', 'Ops', 'developer', { idpId: null })]);
    expect(summary(plan(ctx, { external: claim(['Ops']) }))).toEqual({
      ...NOTHING,
      adds: [{ groupId: 'g1', role: 'developer' }],
    });
  });

  it('a link to a group that does not exist is ignored', () => {
    const ctx = context(groups, [link('l-1', 'gone', 'Ops', 'developer')]);
    expect(summary(plan(ctx, { external: claim(['Ops']) }))).toEqual(NOTHING);
  });

  it('case-sensitive matching (default): "Dev" does not match "dev"', () => {
    const ctx = context(groups, [link('l-1', 'g1', 'Dev', 'developer')]);
    expect(summary(plan(ctx, { external: claim(['dev']) }))).toEqual(NOTHING);
    expect(plan(ctx, { external: claim(['Dev']) }).adds).toHaveLength(1);
  });

  it('case-insensitive matching: "Dev", "dev" and " dev " are the same group', () => {
    const policy = resolvePolicy({ caseSensitive: false });
    const ctx = buildSyncContext({
      idpId: IDP,
      policy,
      groups,
      links: [link('l-1', 'g1', ' Dev ', 'developer')],
    });
    for (const sent of ['Dev', 'dev', ' dev ']) {
      const external = normalizeClaims({ attributes: { groups: [sent] } }, policy);
      expect(plan(ctx, { external }).adds.map((add) => add.groupId)).toEqual(['g1']);
    }
  });

  it('DN claims match a link to the common name (escaped comma, hex escape)', () => {
    const policy = resolvePolicy({ dnCommonName: true });
    const ctx = buildSyncContext({
      idpId: IDP,
      policy,
      groups,
      links: [
        link('l-1', 'g1', 'Smith, John', 'reporter'),
        link('l-2', 'g2', 'CN=Sales\\2C EMEA,OU=Groups', 'developer'),
      ],
    });
    const external = normalizeClaims(
      {
        attributes: {
          groups: ['CN=Smith\\, John,OU=People,DC=corp', 'CN=Sales\\2C EMEA, OU=Groups, DC=corp'],
        },
      },
      policy,
    );
    expect(summary(plan(ctx, { external })).adds).toEqual([
      { groupId: 'g1', role: 'reporter' },
      { groupId: 'g2', role: 'developer' },
    ]);
  });

  it('Entra object-id claims under the Entra claim URI match links to those ids', () => {
    const claimUri = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups';
    const policy = resolvePolicy({ claims: ['groups', claimUri] });
    const ctx = buildSyncContext({
      idpId: IDP,
      policy,
      groups,
      links: [link('l-1', 'g1', 'aaaaaaaa-0000-0000-0000-000000000001', 'developer', { label: 'Ops team' })],
    });
    const external = normalizeClaims(
      {
        attributes: {
          [claimUri]: ['aaaaaaaa-0000-0000-0000-000000000001', 'bbbbbbbb-0000-0000-0000-000000000002'],
        },
      },
      policy,
    );
    const result = plan(ctx, { external });
    expect(summary(result).adds).toEqual([{ groupId: 'g1', role: 'developer' }]);
    expect(result.matchedExternalGroups).toEqual(['aaaaaaaa-0000-0000-0000-000000000001']);
  });

  it('a delimiter-separated claim value yields several groups', () => {
    const policy = resolvePolicy({ delimiter: ',' });
    const ctx = buildSyncContext({
      idpId: IDP,
      policy,
      groups,
      links: [link('l-1', 'g1', 'Ops', 'guest'), link('l-2', 'g2', 'Sales', 'guest')],
    });
    const external = normalizeClaims({ attributes: { groups: 'Ops, Sales' } }, policy);
    expect(plan(ctx, { external }).adds.map((add) => add.groupId)).toEqual(['g1', 'g2']);
  });
});

describe('planSync: managed groups only', () => {
  it('a manual membership in a group without links is never touched, under any policy', () => {
    for (const removal of ['enforce', 'default-role', 'synced-only', 'never'] as const) {
      const ctx = context(
        [group('g1', 'Linked'), group('g2', 'Handmade')],
        [link('l-1', 'g1', 'X', 'guest')],
        { removal },
      );
      const memberships = [member('g2', 'maintainer', 'manual'), member('g-unknown', 'owner', 'sync')];
      const result = plan(ctx, { external: claim([]), memberships });
      expect(summary(result)).toEqual(NOTHING);
      expect(applyPlanToMemberships(memberships, result)).toEqual(memberships);
    }
  });
});

describe('planSync: a group that lost its last link', () => {
  const groups = [group('g1', 'Platform'), group('g2', 'Other')];
  // g1 had a link; it was deleted. g2 still has a link of another IdP.
  const links = [link('l-other', 'g2', 'Ops', 'guest', { idpId: OTHER_IDP })];
  const memberships = [member('g1', 'developer', 'sync'), member('g2', 'developer', 'sync')];

  it('takes back the memberships sync made there (enforce), leaves groups still linked elsewhere alone', () => {
    const result = plan(context(groups, links), { external: claim([]), memberships });
    expect(summary(result)).toEqual({ ...NOTHING, removals: [{ groupId: 'g1', role: 'developer' }] });
    expect(result.removals[0].reason).toMatch(/no group links any more/);
  });

  it('follows the removal policy: default-role downgrades, never keeps, manual and SCIM are told apart', () => {
    const downgrade = plan(context(groups, links, { removal: 'default-role' }), {
      external: claim([]),
      memberships,
    });
    expect(summary(downgrade)).toEqual({
      ...NOTHING,
      roleChanges: [{ groupId: 'g1', from: 'developer', to: 'guest' }],
    });
    const never = plan(context(groups, links, { removal: 'never' }), { external: claim([]), memberships });
    expect(summary(never)).toEqual(NOTHING);
    const scim = plan(context(groups, links), {
      external: claim([]),
      memberships: [member('g1', 'guest', 'scim')],
    });
    expect(summary(scim).removals).toEqual([{ groupId: 'g1', role: 'guest' }]);
    const manual = plan(context(groups, links), {
      external: claim([]),
      memberships: [member('g1', 'guest', 'manual')],
    });
    expect(summary(manual)).toEqual(NOTHING);
  });

  it('removes nothing when the claim is incomplete, and keeps the last owner', () => {
    const overage = plan(context(groups, links), { external: claim([], 'overage'), memberships });
    expect(overage.removals).toEqual([]);
    expect(summary(overage).kept).toEqual([{ groupId: 'g1', role: 'developer' }]);
    const owner = plan(context(groups, links), {
      external: claim([]),
      memberships: [member('g1', 'owner', 'sync')],
    });
    expect(owner.removals).toEqual([]);
  });
});

describe('planSync: members no link justifies (removal policy)', () => {
  const groups = [group('g', 'Ops')];
  const links = [link('l-1', 'g', 'Ops', 'developer')];

  it('enforce removes them, whatever the source', () => {
    const ctx = context(groups, links, { removal: 'enforce' });
    for (const source of ['manual', 'sync', 'scim'] as const) {
      const result = plan(ctx, {
        external: claim(['Other']),
        memberships: [member('g', 'developer', source)],
      });
      expect(summary(result)).toEqual({ ...NOTHING, removals: [{ groupId: 'g', role: 'developer' }] });
      expect(result.removals[0].reason).toBe(
        'Removed from "Ops": no external group of this user is linked to it (removal policy: enforce).',
      );
    }
  });

  it('default-role gives them the default role and never removes', () => {
    const ctx = context(groups, links, { removal: 'default-role', defaultRole: 'reporter' });
    const result = plan(ctx, { external: claim([]), memberships: [member('g', 'maintainer', 'manual')] });
    expect(summary(result)).toEqual({
      ...NOTHING,
      roleChanges: [{ groupId: 'g', from: 'maintainer', to: 'reporter' }],
    });
    expect(result.roleChanges[0].linkIds).toEqual([]);
    expect(result.roleChanges[0].reason).toBe(
      'Role in "Ops" changed from maintainer to reporter: no external group of this user is linked to it (removal policy: default-role gives the default role, reporter).',
    );
    expect(summary(plan(ctx, { external: claim([]), memberships: [member('g', 'reporter')] }))).toEqual(
      NOTHING,
    );
  });

  it('default-role raises a member below the default role to it', () => {
    const ctx = context(groups, links, { removal: 'default-role', defaultRole: 'reporter' });
    const result = plan(ctx, { external: claim([]), memberships: [member('g', 'guest')] });
    expect(summary(result).roleChanges).toEqual([{ groupId: 'g', from: 'guest', to: 'reporter' }]);
  });

  it('synced-only removes memberships from sync or SCIM and keeps manual ones, listed in kept', () => {
    const ctx = context(groups, links, { removal: 'synced-only' });
    for (const source of ['sync', 'scim'] as const) {
      const result = plan(ctx, { external: claim([]), memberships: [member('g', 'developer', source)] });
      expect(summary(result)).toEqual({ ...NOTHING, removals: [{ groupId: 'g', role: 'developer' }] });
    }
    const manual = plan(ctx, { external: claim([]), memberships: [member('g', 'developer', 'manual')] });
    expect(summary(manual)).toEqual({ ...NOTHING, kept: [{ groupId: 'g', role: 'developer' }] });
    expect(manual.kept[0].reason).toBe(
      'Kept in "Ops" as developer (not removed): no external group of this user is linked to it (removal policy: synced-only), but the membership was added by hand, and the removal policy synced-only never removes or downgrades those.',
    );
    expect(planHasChanges(manual)).toBe(false);
  });

  it('synced-only never downgrades a manual membership but upgrades it, keeping it manual', () => {
    const ctx = context(groups, [link('l-1', 'g', 'Low', 'guest'), link('l-2', 'g', 'High', 'owner')], {
      removal: 'synced-only',
    });
    const downgrade = plan(ctx, {
      external: claim(['Low']),
      memberships: [member('g', 'developer', 'manual')],
    });
    expect(summary(downgrade)).toEqual({ ...NOTHING, kept: [{ groupId: 'g', role: 'developer' }] });
    expect(downgrade.kept[0].reason).toMatch(/not downgraded to guest.*added by hand/);

    const memberships = [member('g', 'developer', 'manual')];
    const upgrade = plan(ctx, { external: claim(['High']), memberships });
    expect(summary(upgrade).roleChanges).toEqual([{ groupId: 'g', from: 'developer', to: 'owner' }]);
    expect(applyPlanToMemberships(memberships, upgrade)).toEqual([member('g', 'owner', 'manual')]);
  });

  it('synced-only still downgrades a synced membership to what its links say', () => {
    const ctx = context(groups, [link('l-1', 'g', 'Low', 'guest')], { removal: 'synced-only' });
    const result = plan(ctx, { external: claim(['Low']), memberships: [member('g', 'developer', 'sync')] });
    expect(summary(result).roleChanges).toEqual([{ groupId: 'g', from: 'developer', to: 'guest' }]);
  });

  it('never keeps them as they are (and it is not a protection, so kept stays empty)', () => {
    const ctx = context(groups, links, { removal: 'never' });
    const result = plan(ctx, { external: claim([]), memberships: [member('g', 'developer', 'sync')] });
    expect(summary(result)).toEqual(NOTHING);
  });

  it('never still adds and updates roles from links', () => {
    const ctx = context(groups, [link('l-1', 'g', 'Ops', 'guest')], { removal: 'never' });
    const result = plan(ctx, { external: claim(['Ops']), memberships: [member('g', 'developer')] });
    expect(summary(result).roleChanges).toEqual([{ groupId: 'g', from: 'developer', to: 'guest' }]);
  });

  it('a role change keeps the source of the membership', () => {
    const ctx = context(groups, [link('l-1', 'g', 'Ops', 'owner')]);
    const memberships = [member('g', 'guest', 'manual'), member('other', 'guest', 'scim')];
    const result = plan(ctx, { external: claim(['Ops']), memberships });
    expect(applyPlanToMemberships(memberships, result)).toEqual([
      member('g', 'owner', 'manual'),
      member('other', 'guest', 'scim'),
    ]);
  });
});

describe('planSync: last owner', () => {
  const groups = [group('g', 'Ops')];
  const links = [link('l-1', 'g', 'Ops', 'guest')];

  it('is never removed; the plan says why', () => {
    const ctx = context(groups, links);
    const result = plan(ctx, {
      external: claim([]),
      memberships: [member('g', 'owner')],
      ownerCounts: new Map([['g', 1]]),
    });
    expect(summary(result)).toEqual({ ...NOTHING, kept: [{ groupId: 'g', role: 'owner' }] });
    expect(result.kept[0].reason).toBe(
      `Kept in "Ops" as owner (not removed): no external group of this user is linked to it (removal policy: enforce), but the user is its last owner: kept as last owner although the IdP no longer grants it (workspace setting keepLastOwner).`,
    );
  });

  it('two owners planned one after the other against one count (countDownOwners between): the second is kept', () => {
    const ctx = context(groups, links);
    const owners = new Map([['g', 2]]);
    const first = plan(ctx, {
      external: claim([]),
      memberships: [member('g', 'owner')],
      ownerCounts: owners,
    });
    countDownOwners(owners, first);
    const second = plan(ctx, {
      external: claim([]),
      memberships: [member('g', 'owner')],
      ownerCounts: owners,
    });
    expect(summary(first).removals).toEqual([{ groupId: 'g', role: 'owner' }]);
    expect(summary(second)).toEqual({ ...NOTHING, kept: [{ groupId: 'g', role: 'owner' }] });
  });

  it('a missing owner count counts as one: without counts no owner is removed', () => {
    const ctx = context(groups, links);
    expect(
      summary(plan(ctx, { external: claim([]), memberships: [member('g', 'owner')] })).kept,
    ).toHaveLength(1);
    expect(
      summary(plan(ctx, { external: claim([]), memberships: [member('g', 'owner')], ownerCounts: new Map() }))
        .kept,
    ).toHaveLength(1);
  });

  it('is never downgraded by a link or by the default-role policy', () => {
    const byLink = plan(context(groups, links), {
      external: claim(['Ops']),
      memberships: [member('g', 'owner')],
      ownerCounts: new Map([['g', 1]]),
    });
    expect(summary(byLink)).toEqual({ ...NOTHING, kept: [{ groupId: 'g', role: 'owner' }] });
    expect(byLink.kept[0].reason).toMatch(
      /^Kept in "Ops" as owner \(not downgraded to guest\): external group "Ops" is linked to it as guest, but the user is its last owner/,
    );

    const byDefault = plan(context(groups, links, { removal: 'default-role' }), {
      external: claim([]),
      memberships: [member('g', 'owner')],
      ownerCounts: new Map([['g', 1]]),
    });
    expect(summary(byDefault)).toEqual({ ...NOTHING, kept: [{ groupId: 'g', role: 'owner' }] });
  });

  it('an owner who is not the last one is removed or downgraded as usual', () => {
    const ctx = context(groups, links);
    const ownerCounts = new Map([['g', 2]]);
    expect(
      summary(plan(ctx, { external: claim([]), memberships: [member('g', 'owner')], ownerCounts })).removals,
    ).toHaveLength(1);
    expect(
      summary(plan(ctx, { external: claim(['Ops']), memberships: [member('g', 'owner')], ownerCounts }))
        .roleChanges,
    ).toEqual([{ groupId: 'g', from: 'owner', to: 'guest' }]);
  });
});

describe('planSync: incomplete claims', () => {
  const groups = [group('g1', 'Ops'), group('g2', 'Dev'), group('g3', 'New')];
  const links = [
    link('l-1', 'g1', 'Ops', 'maintainer'),
    link('l-2', 'g2', 'Dev', 'guest'),
    link('l-3', 'g3', 'New', 'developer'),
  ];

  it.each([
    ['overage', 'the group claim was truncated (overage'],
    ['missing', 'the group claim was missing'],
  ] as const)('%s: adds and upgrades happen, removals and downgrades do not', (status, phrase) => {
    const ctx = context([...groups, group('g4', 'Up')], [...links, link('l-4', 'g4', 'Up', 'owner')]);
    const result = plan(ctx, {
      external: claim(status === 'overage' ? ['Dev', 'New', 'Up'] : [], status),
      memberships: [member('g1', 'developer'), member('g2', 'owner'), member('g4', 'guest')],
      ownerCounts: new Map([['g2', 5]]),
    });
    if (status === 'overage') {
      expect(summary(result)).toEqual({
        adds: [{ groupId: 'g3', role: 'developer' }],
        roleChanges: [{ groupId: 'g4', from: 'guest', to: 'owner' }],
        removals: [],
        kept: [
          { groupId: 'g2', role: 'owner' },
          { groupId: 'g1', role: 'developer' },
        ],
      });
    } else {
      expect(summary(result)).toEqual({
        ...NOTHING,
        kept: [
          { groupId: 'g2', role: 'owner' },
          { groupId: 'g1', role: 'developer' },
          { groupId: 'g4', role: 'guest' },
        ],
      });
    }
    for (const kept of result.kept) expect(kept.reason).toContain(phrase);
    expect(result.complete).toBe(false);
    expect(result.claimStatus).toBe(status);
  });

  it('default-role does not downgrade on an incomplete claim', () => {
    const ctx = context(groups, links, { removal: 'default-role' });
    const result = plan(ctx, { external: claim([], 'overage'), memberships: [member('g1', 'maintainer')] });
    expect(summary(result)).toEqual({ ...NOTHING, kept: [{ groupId: 'g1', role: 'maintainer' }] });
  });

  it('an absent claim removes under missingClaim "empty", because the list is then complete', () => {
    const policy = resolvePolicy({ missingClaim: 'empty' });
    const ctx = buildSyncContext({ idpId: IDP, policy, groups, links });
    const external = normalizeClaims({ attributes: {} }, policy);
    expect(summary(plan(ctx, { external, memberships: [member('g1', 'developer')] })).removals).toEqual([
      { groupId: 'g1', role: 'developer' },
    ]);
  });

  it('an absent claim under missingClaim "keep" (default) removes nobody', () => {
    const policy = resolvePolicy({});
    const ctx = buildSyncContext({ idpId: IDP, policy, groups, links });
    const external = normalizeClaims({ attributes: {} }, policy);
    const result = plan(ctx, { external, memberships: [member('g1', 'developer')] });
    expect(summary(result)).toEqual({ ...NOTHING, kept: [{ groupId: 'g1', role: 'developer' }] });
  });
});

describe('planSync: admin', () => {
  const ctx = context([group('g', 'Ops')], [link('l-1', 'g', 'Ops', 'guest')], { adminGroups: ['Admins'] });

  it('a user in an admin group becomes admin, even if the group does not exist locally', () => {
    const result = plan(ctx, { external: claim(['Admins']) });
    expect(result.admin).toEqual({
      from: false,
      to: true,
      reason: 'Made a workspace admin: external group "Admins" is an admin group of this sign-in method.',
    });
    expect(planHasChanges(result)).toBe(true);
  });

  it('an admin who is still in an admin group is left alone', () => {
    expect(
      plan(ctx, { user: user({ isAdmin: true, adminSource: 'sync' }), external: claim(['Admins']) }).admin,
    ).toEqual({ from: true, to: true });
  });

  it('admin granted by sync is revoked by sync when the user left every admin group', () => {
    const result = plan(ctx, {
      user: user({ isAdmin: true, adminSource: 'sync' }),
      external: claim(['Ops']),
    });
    expect(result.admin).toMatchObject({ from: true, to: false });
    expect(result.admin.reason).toMatch(/revoked/);
  });

  it('admin granted by sync is revoked even when no admin groups are configured any more', () => {
    const noAdminGroups = context([group('g', 'Ops')], []);
    expect(
      plan(noAdminGroups, { user: user({ isAdmin: true, adminSource: 'sync' }), external: claim([]) }).admin,
    ).toMatchObject({
      from: true,
      to: false,
    });
  });

  it('admin granted by hand (or of unknown origin) is never revoked by sync', () => {
    expect(
      plan(ctx, { user: user({ isAdmin: true, adminSource: 'manual' }), external: claim([]) }).admin,
    ).toEqual({ from: true, to: true });
    expect(
      plan(ctx, { user: user({ isAdmin: true, adminSource: null }), external: claim([]) }).admin,
    ).toEqual({ from: true, to: true });
  });

  it('admin granted by sync is not revoked on an incomplete claim', () => {
    const result = plan(ctx, {
      user: user({ isAdmin: true, adminSource: 'sync' }),
      external: claim([], 'overage'),
    });
    expect(result.admin).toMatchObject({ from: true, to: true });
    expect(result.admin.reason).toContain('truncated (overage');
  });

  it('admin groups are compared like every other group name (case-insensitive here)', () => {
    const folded = context([], [], { adminGroups: [' ADMINS '], caseSensitive: false });
    expect(plan(folded, { external: claim(['admins']) }).admin.to).toBe(true);
  });

  it('a new user in an admin group starts as non-admin and is made admin', () => {
    expect(plan(ctx, { user: null, external: claim(['Admins']) }).admin).toMatchObject({
      from: false,
      to: true,
    });
  });
});

describe('planSync: signup', () => {
  const groups = [group('g', 'Ops')];
  const links = [link('l-1', 'g', 'Ops', 'developer')];

  it('creates the user and plans memberships as for an empty list', () => {
    const ctx = context(groups, links);
    const result = plan(ctx, {
      user: null,
      memberships: [member('g', 'owner', 'manual')],
      external: claim(['Ops']),
    });
    expect(result.signup).toBe('create');
    expect(summary(result)).toEqual({ ...NOTHING, adds: [{ groupId: 'g', role: 'developer' }] });
    expect(result.admin).toEqual({ from: false, to: false });
  });

  it('is denied when JIT is off, whatever the groups', () => {
    for (const enabled of [true, false]) {
      const result = plan(context(groups, links, { jit: false, enabled }), {
        user: null,
        external: claim(['Ops']),
      });
      expect(result.signup).toBe('denied');
      expect(result.denialReason).toBe(
        'automatic account creation is turned off for this sign-in method; ask your administrator to create your account',
      );
      expect(summary(result)).toEqual(NOTHING);
    }
  });

  it('JIT off does not affect existing users', () => {
    const result = plan(context(groups, links, { jit: false }), { external: claim(['Ops']) });
    expect(result.signup).toBe('existing');
    expect(result.adds).toHaveLength(1);
  });

  it('is denied when signup requires a group and no external group matches', () => {
    const ctx = context(groups, links, { prohibitSignupIfNotInGroup: true, adminGroups: ['Admins'] });
    const result = plan(ctx, { user: null, external: claim(['Elsewhere', 'Admins']) });
    expect(result.signup).toBe('denied');
    expect(result.denialReason).toBe('your account is not in any group of this workspace');
    expect(summary(result)).toEqual(NOTHING);
    expect(result.admin).toEqual({ from: false, to: false });
  });

  it('is denied on an incomplete claim that matches nothing, and says membership could not be confirmed', () => {
    const ctx = context(groups, links, { prohibitSignupIfNotInGroup: true });
    const overage = plan(ctx, { user: null, external: claim([], 'overage') });
    expect(overage.signup).toBe('denied');
    expect(overage.denialReason).toMatch(
      /^your account is not in any group of this workspace; the group claim was truncated .*could not be confirmed$/,
    );
    const missing = plan(ctx, { user: null, external: claim([], 'missing') });
    expect(missing.denialReason).toMatch(/the group claim was missing/);
  });

  it('is allowed when an external group matches a link', () => {
    const ctx = context(groups, links, { prohibitSignupIfNotInGroup: true });
    const result = plan(ctx, { user: null, external: claim(['Ops']) });
    expect(result.signup).toBe('create');
    expect(result.adds).toHaveLength(1);
  });

  it('is allowed when an external group has a local group name (name matching)', () => {
    const ctx = context([group('g', 'Research')], [], {
      prohibitSignupIfNotInGroup: true,
      matchByName: true,
    });
    expect(plan(ctx, { user: null, external: claim(['Research']) }).signup).toBe('create');
    expect(plan(ctx, { user: null, external: claim(['Other']) }).signup).toBe('denied');
  });

  it('does not deny existing users, nor anyone when group sync is disabled', () => {
    const ctx = context(groups, links, { prohibitSignupIfNotInGroup: true });
    expect(plan(ctx, { external: claim([]) }).signup).toBe('existing');
    const disabled = context(groups, links, { prohibitSignupIfNotInGroup: true, enabled: false });
    expect(plan(disabled, { user: null, external: claim([]) }).signup).toBe('create');
  });
});

describe('planSync: name matching (ClearML style)', () => {
  const groups = [group('g1', 'Research'), group('g2', 'Ops'), group('g3', 'Handmade')];

  it('maps an external group equal to a local group name with the default role', () => {
    const ctx = context(groups, [], { matchByName: true, defaultRole: 'developer' });
    const result = plan(ctx, { external: claim(['Research', 'Unknown']) });
    expect(summary(result)).toEqual({ ...NOTHING, adds: [{ groupId: 'g1', role: 'developer' }] });
    expect(result.adds[0].linkIds).toEqual([]);
    expect(result.adds[0].reason).toBe(
      'Added to "Research" as developer: external group "Research" has its name, and name matching gives the default role, developer.',
    );
    expect(result.matchedExternalGroups).toEqual(['Research']);
  });

  it('takes the higher of the name match and links', () => {
    const ctx = context(groups, [link('l-1', 'g1', 'Leads', 'owner'), link('l-2', 'g2', 'Ops', 'guest')], {
      matchByName: true,
      defaultRole: 'reporter',
    });
    const result = plan(ctx, { external: claim(['Research', 'Leads', 'Ops']) });
    expect(summary(result).adds).toEqual([
      { groupId: 'g2', role: 'reporter' },
      { groupId: 'g1', role: 'owner' },
    ]);
    expect(result.adds[1].linkIds).toEqual(['l-1']);
  });

  it('compares names case-insensitively when asked', () => {
    const ctx = context(groups, [], { matchByName: true, caseSensitive: false });
    expect(plan(ctx, { external: claim(['research']) }).adds.map((add) => add.groupId)).toEqual(['g1']);
  });

  it('manages every group of the tenant, so unmatched memberships follow the removal policy', () => {
    const ctx = context(groups, [], { matchByName: true });
    const result = plan(ctx, {
      external: claim(['Research']),
      memberships: [member('g3', 'developer', 'manual')],
    });
    expect(summary(result).removals).toEqual([{ groupId: 'g3', role: 'developer' }]);
    expect(result.removals[0].reason).toBe(
      'Removed from "Handmade": no external group of this user is linked to it or has its name (removal policy: enforce).',
    );
  });
});

describe('planSync: group sync disabled', () => {
  it('plans no group or admin change at all', () => {
    const ctx = context([group('g', 'Ops')], [link('l-1', 'g', 'Ops', 'owner')], {
      enabled: false,
      adminGroups: ['Admins'],
    });
    const existing = plan(ctx, {
      user: user({ isAdmin: true, adminSource: 'sync' }),
      external: claim(['Ops']),
      memberships: [member('g', 'guest')],
    });
    expect(summary(existing)).toEqual(NOTHING);
    expect(existing.admin).toEqual({ from: true, to: true });
    expect(planHasChanges(existing)).toBe(false);

    const fresh = plan(ctx, { user: null, external: claim(['Ops', 'Admins']) });
    expect(fresh.signup).toBe('create');
    expect(summary(fresh)).toEqual(NOTHING);
    expect(fresh.admin).toEqual({ from: false, to: false });
  });
});

describe('planSync: output', () => {
  it('sorts every list by group name, then id', () => {
    const groups = [group('g3', 'beta'), group('g1', 'Alpha'), group('g2', 'beta'), group('g0', 'Zulu')];
    const ctx = context(
      groups,
      groups.map((g) => link(`l-${g.id}`, g.id, 'All', 'guest')),
    );
    const result = plan(ctx, { external: claim(['All']) });
    expect(result.adds.map((add) => add.groupId)).toEqual(['g1', 'g0', 'g2', 'g3']);
    const removals = plan(ctx, {
      external: claim([]),
      memberships: ['g3', 'g2', 'g1', 'g0'].map((id) => member(id, 'guest')),
    });
    expect(removals.removals.map((removal) => removal.groupId)).toEqual(['g1', 'g0', 'g2', 'g3']);
  });

  it('reports the claim as it was normalized', () => {
    const ctx = context([group('g', 'Ops')], [link('l-1', 'g', 'Ops', 'guest')]);
    const result = plan(ctx, { external: claim(['Ops', 'Else']) });
    expect(result).toMatchObject({
      complete: true,
      claimStatus: 'present',
      externalGroups: ['Ops', 'Else'],
      matchedExternalGroups: ['Ops'],
    });
  });

  it('planHasChanges sees each kind of change', () => {
    const ctx = context([group('g', 'Ops')], [link('l-1', 'g', 'Ops', 'guest')]);
    expect(planHasChanges(plan(ctx, { external: claim(['Ops']) }))).toBe(true);
    expect(
      planHasChanges(
        plan(ctx, {
          external: claim(['Ops']),
          memberships: [member('g', 'owner')],
          ownerCounts: new Map([['g', 2]]),
        }),
      ),
    ).toBe(true);
    expect(planHasChanges(plan(ctx, { external: claim([]), memberships: [member('g', 'guest')] }))).toBe(
      true,
    );
    expect(planHasChanges(plan(ctx, { user: null, external: claim([]) }))).toBe(true);
    expect(planHasChanges(plan(ctx, { external: claim(['Ops']), memberships: [member('g', 'guest')] }))).toBe(
      false,
    );
  });
});

describe('applyPlanToMemberships', () => {
  it('removes, re-roles and adds; new memberships come from sync', () => {
    const ctx = context(
      [group('g1', 'A'), group('g2', 'B'), group('g3', 'C')],
      [
        link('l-1', 'g1', 'A', 'owner'),
        link('l-3', 'g3', 'C', 'guest'),
        link('l-2', 'g2', 'unused', 'guest'),
      ],
    );
    const memberships = [
      member('g1', 'guest', 'scim'),
      member('g2', 'developer'),
      member('free', 'owner', 'manual'),
    ];
    const result = plan(ctx, { external: claim(['A', 'C']), memberships });
    expect(applyPlanToMemberships(memberships, result)).toEqual([
      member('g1', 'owner', 'scim'),
      member('free', 'owner', 'manual'),
      member('g3', 'guest', 'sync'),
    ]);
  });

  it('changes nothing for a denied plan', () => {
    const ctx = context([group('g', 'Ops')], [], { jit: false });
    const memberships = [member('g', 'guest')];
    expect(applyPlanToMemberships(memberships, plan(ctx, { user: null, external: claim([]) }))).toEqual(
      memberships,
    );
  });
});

describe('planSync: idempotence', () => {
  const groups = [group('g1', 'Ops'), group('g2', 'Dev'), group('g3', 'Handmade')];
  const links = [
    link('l-1', 'g1', 'Ops', 'maintainer'),
    link('l-2', 'g2', 'Dev', 'guest'),
    link('l-3', 'g2', 'Leads', 'owner'),
  ];
  const scenarios: {
    name: string;
    policy: Partial<GroupSyncPolicy>;
    input: Parameters<typeof plan>[1];
    firstChanges?: boolean;
  }[] = [
    { name: 'adds', policy: {}, input: { external: claim(['Ops', 'Leads']) } },
    {
      name: 'removals and role changes',
      policy: {},
      input: {
        external: claim(['Dev']),
        memberships: [member('g1', 'developer'), member('g2', 'owner')],
        ownerCounts: new Map([['g2', 3]]),
      },
    },
    {
      name: 'default role',
      policy: { removal: 'default-role' },
      input: {
        external: claim([]),
        memberships: [member('g1', 'owner'), member('g2', 'guest')],
        ownerCounts: new Map([['g1', 2]]),
      },
    },
    {
      name: 'synced-only',
      policy: { removal: 'synced-only' },
      input: {
        external: claim(['Leads']),
        memberships: [member('g1', 'developer', 'sync'), member('g2', 'guest', 'manual')],
      },
    },
    {
      name: 'synced-only, manual kept',
      policy: { removal: 'synced-only' },
      input: {
        external: claim(['Dev']),
        memberships: [
          member('g1', 'owner', 'manual'),
          member('g2', 'owner', 'manual'),
          member('g3', 'guest', 'manual'),
        ],
      },
      firstChanges: false,
    },
    {
      name: 'last owner',
      policy: {},
      input: { external: claim(['Dev']), memberships: [member('g1', 'owner')] },
    },
    {
      name: 'overage',
      policy: {},
      input: { external: claim(['Ops'], 'overage'), memberships: [member('g2', 'developer')] },
    },
    { name: 'admin grant', policy: { adminGroups: ['Ops'] }, input: { external: claim(['Ops']) } },
    {
      name: 'admin revoke',
      policy: { adminGroups: ['Ops'] },
      input: { user: user({ isAdmin: true, adminSource: 'sync' }), external: claim([]) },
    },
    {
      name: 'signup',
      policy: { matchByName: true },
      input: { user: null, external: claim(['Handmade', 'Dev']) },
    },
  ];

  it.each(scenarios)(
    '$name: a second plan after applying the first changes nothing',
    ({ policy, input, firstChanges = true }) => {
      const ctx = context(groups, links, policy);
      const first = plan(ctx, input);
      expect(planHasChanges(first)).toBe(firstChanges);
      const second = planAgain(ctx, first, input);
      expect(planHasChanges(second)).toBe(false);
      expect(second.signup).toBe('existing');
    },
  );
});
