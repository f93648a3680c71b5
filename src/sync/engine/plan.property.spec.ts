// Properties over random tenants: whatever the groups, links, memberships, owners, claims and policy,
// sync is idempotent, never takes access away on an incomplete claim, never touches unmanaged groups,
// and a denied signup plans nothing. A naive reference model checks the enforce policy end to end.
import fc from 'fast-check';
import { applyPlanToMemberships } from './apply';
import { normalizeClaims, normalizeGroupName } from './normalize';
import { buildSyncContext, planHasChanges, planSync, type SyncContext, type SyncPlan } from './plan';
import { resolvePolicy } from './policy';
import { ROLES, roleRank, roleRanksWith, type RoleRanks } from './roles';
import type {
  EngineGroup,
  EngineLink,
  EngineMembership,
  EngineUser,
  ExternalGroups,
  GroupSyncPolicy,
  MembershipSource,
  Role,
} from './types';

const IDP = 'idp-1';
const MAX_GROUPS = 20;
/** Names that collide under case folding, trimming and DN extraction, so matching rules are exercised. */
const NAMES = [
  'Dev',
  'dev',
  ' dev ',
  'Ops',
  'OPS',
  'Sales',
  'CN=Dev,OU=x',
  'CN=Ops\\, EMEA,OU=x',
  'Ops, EMEA',
  'Admins',
  'x1',
];
const SOURCES: MembershipSource[] = ['manual', 'sync', 'scim'];

/** Custom roles of the tenant; each world ranks them anew between and below the built-ins. */
const CUSTOM_ROLES = ['viewer', 'auditor', 'lead'];
const roleArb = fc.constantFrom<Role>(...ROLES, ...CUSTOM_ROLES);
const customRanksArb = fc.uniqueArray(
  fc.integer({ min: 1, max: 49 }).filter((rank) => rank % 10 !== 0),
  { minLength: CUSTOM_ROLES.length, maxLength: CUSTOM_ROLES.length },
);

const policyArb: fc.Arbitrary<GroupSyncPolicy> = fc
  .record({
    enabled: fc.boolean(),
    caseSensitive: fc.boolean(),
    dnCommonName: fc.boolean(),
    matchByName: fc.boolean(),
    defaultRole: roleArb,
    removal: fc.constantFrom('enforce', 'default-role', 'synced-only', 'never' as const),
    adminGroups: fc.subarray(NAMES, { maxLength: 2 }),
    prohibitSignupIfNotInGroup: fc.boolean(),
    missingClaim: fc.constantFrom('keep', 'empty' as const),
    jit: fc.boolean(),
    removalGraceHours: fc.constantFrom(0, 0, 24),
  })
  .map((partial) => resolvePolicy(partial));

interface World {
  policy: GroupSyncPolicy;
  /** The tenant's ladder: the built-ins and CUSTOM_ROLES at random ranks. */
  roles: RoleRanks;
  groups: EngineGroup[];
  links: EngineLink[];
  user: EngineUser | null;
  memberships: EngineMembership[];
  /** Owners of each group besides this user; the user's own ownership is added from its memberships. */
  otherOwners: number[];
  withOwnerCounts: boolean;
  external: ExternalGroups;
}

const groupIdAt = (index: number, groupCount: number) =>
  index < groupCount ? `g${index}` : `g-unknown-${index}`;

const worldArb: fc.Arbitrary<World> = fc
  .record({
    policy: policyArb,
    customRanks: customRanksArb,
    groupNames: fc.array(fc.constantFrom(...NAMES), { maxLength: MAX_GROUPS }),
    links: fc.array(
      fc.record({
        groupIndex: fc.nat(MAX_GROUPS),
        idpId: fc.constantFrom<string | null>(IDP, 'idp-other', null),
        externalGroup: fc.constantFrom(...NAMES),
        role: roleArb,
      }),
      { maxLength: 40 },
    ),
    user: fc.option(
      fc.record({
        isAdmin: fc.boolean(),
        adminSource: fc.constantFrom<EngineUser['adminSource']>('manual', 'sync', null),
      }),
      { nil: null },
    ),
    memberships: fc.uniqueArray(
      fc.record({ groupIndex: fc.nat(MAX_GROUPS + 1), role: roleArb, source: fc.constantFrom(...SOURCES) }),
      {
        selector: (membership) => membership.groupIndex,
        maxLength: MAX_GROUPS + 2,
      },
    ),
    otherOwners: fc.array(fc.nat(2), { minLength: MAX_GROUPS + 2, maxLength: MAX_GROUPS + 2 }),
    withOwnerCounts: fc.boolean(),
    claimValues: fc.array(fc.constantFrom(...NAMES), { maxLength: 6 }),
    claimState: fc.constantFrom('present', 'absent', 'overage' as const),
  })
  .map((raw): World => {
    const groupCount = raw.groupNames.length;
    const groups = raw.groupNames.map((name, index) => ({ id: `g${index}`, name, parentId: null }));
    const links = raw.links.map((link, index) => ({
      id: `l${index}`,
      groupId: link.groupIndex < groupCount ? `g${link.groupIndex}` : 'g-deleted',
      idpId: link.idpId,
      externalGroup: link.externalGroup,
      role: link.role,
      label: index % 3 === 0 ? `label ${index}` : null,
    }));
    const memberships = raw.memberships.map((membership) => ({
      groupId: groupIdAt(membership.groupIndex, groupCount),
      role: membership.role,
      source: membership.source,
    }));
    const attributes: Record<string, unknown> =
      raw.claimState === 'absent' ? {} : { groups: raw.claimValues };
    const external = normalizeClaims({ attributes, overage: raw.claimState === 'overage' }, raw.policy);
    const user = raw.user === null ? null : { id: 'u1', ...raw.user };
    return {
      policy: raw.policy,
      roles: roleRanksWith(CUSTOM_ROLES.map((name, i) => ({ name, rank: raw.customRanks[i] }))),
      groups,
      links,
      user,
      memberships,
      otherOwners: raw.otherOwners,
      withOwnerCounts: raw.withOwnerCounts,
      external,
    };
  });

function ownerCountsFor(
  world: World,
  memberships: readonly EngineMembership[],
): ReadonlyMap<string, number> | undefined {
  if (!world.withOwnerCounts) return undefined;
  const counts = new Map<string, number>();
  for (let index = 0; index <= MAX_GROUPS + 1; index++)
    counts.set(groupIdAt(index, world.groups.length), world.otherOwners[index]);
  for (const membership of memberships) {
    if (membership.role === 'owner')
      counts.set(membership.groupId, (counts.get(membership.groupId) ?? 0) + 1);
  }
  return counts;
}

function contextFor(world: World): SyncContext {
  return buildSyncContext({
    idpId: IDP,
    policy: world.policy,
    groups: world.groups,
    links: world.links,
    roles: world.roles,
  });
}

function firstPlan(world: World): SyncPlan {
  return planSync(contextFor(world), {
    user: world.user,
    memberships: world.memberships,
    external: world.external,
    ownerCounts: ownerCountsFor(world, world.user === null ? [] : world.memberships),
    now: 0,
  });
}

/** Managed groups computed the slow, obvious way, independently of buildSyncContext. */
function managedGroupIds(world: World): Set<string> {
  const existing = world.groups.map((group) => group.id);
  if (world.policy.enabled && world.policy.matchByName) return new Set(existing);
  const managed = new Set(
    world.links
      .filter((link) => (link.idpId === IDP || link.idpId === null) && existing.includes(link.groupId))
      .map((link) => link.groupId),
  );
  // A sync- or SCIM-made membership in a group that lost all its links is sync's to take back.
  const linked = new Set(world.links.map((link) => link.groupId));
  for (const m of world.user === null ? [] : world.memberships) {
    if (m.source !== 'manual' && !linked.has(m.groupId) && existing.includes(m.groupId))
      managed.add(m.groupId);
  }
  return managed;
}

function touchedGroupIds(plan: SyncPlan): string[] {
  return [...plan.adds, ...plan.roleChanges, ...plan.removals, ...plan.kept].map((change) => change.groupId);
}

const RUNS = { numRuns: 400 };

describe('planSync properties', () => {
  it('(a) is idempotent: applying the plan and planning again changes nothing', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const plan = firstPlan(world);
        if (plan.signup === 'denied') return;
        const memberships = applyPlanToMemberships(world.user === null ? [] : world.memberships, plan);
        const previous = world.user ?? { id: 'u1', isAdmin: false, adminSource: null };
        const adminChanged = plan.admin.from !== plan.admin.to;
        const user: EngineUser = {
          ...previous,
          isAdmin: plan.admin.to,
          adminSource: adminChanged ? (plan.admin.to ? 'sync' : null) : previous.adminSource,
        };
        const again = planSync(contextFor(world), {
          user,
          memberships,
          external: world.external,
          ownerCounts: ownerCountsFor(world, memberships),
          now: 0,
        });
        expect(again.signup).toBe('existing');
        expect(planHasChanges(again)).toBe(false);
        expect(again.kept).toEqual(
          plan.kept.filter((kept) => memberships.some((m) => m.groupId === kept.groupId)),
        );
      }),
      RUNS,
    );
  });

  it('(b) with an incomplete claim nobody is removed or downgraded, and no admin is revoked', () => {
    fc.assert(
      fc.property(
        worldArb.filter((world) => !world.external.complete),
        (world) => {
          const plan = firstPlan(world);
          expect(plan.complete).toBe(false);
          expect(plan.removals).toEqual([]);
          for (const change of plan.roleChanges)
            expect(roleRank(change.to, world.roles)).toBeGreaterThan(roleRank(change.from, world.roles));
          if (world.user?.isAdmin) expect(plan.admin.to).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('(c) groups that are not managed are never touched', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const plan = firstPlan(world);
        const managed = managedGroupIds(world);
        for (const groupId of touchedGroupIds(plan)) expect(managed.has(groupId)).toBe(true);
        const before = world.user === null ? [] : world.memberships;
        const after = applyPlanToMemberships(before, plan);
        const unmanaged = (memberships: EngineMembership[]) =>
          memberships.filter((m) => !managed.has(m.groupId));
        expect(unmanaged(after)).toEqual(unmanaged(before));
      }),
      RUNS,
    );
  });

  it('(d) a denied signup plans nothing', () => {
    fc.assert(
      fc.property(
        worldArb.filter((world) => world.user === null),
        (world) => {
          const plan = firstPlan(world);
          if (plan.signup !== 'denied') return;
          expect(plan.denialReason).toEqual(expect.any(String));
          expect(touchedGroupIds(plan)).toEqual([]);
          expect(plan.admin).toEqual({ from: false, to: false });
        },
      ),
      RUNS,
    );
  });

  it('(e) with sync disabled nothing changes but the signup', () => {
    fc.assert(
      fc.property(
        worldArb.map((world) => ({ ...world, policy: { ...world.policy, enabled: false } })),
        (world) => {
          const plan = firstPlan(world);
          expect(touchedGroupIds(plan)).toEqual([]);
          expect(plan.admin.to).toBe(plan.admin.from);
        },
      ),
      RUNS,
    );
  });

  it('(f) under enforce with a complete claim and no last owners, the result is exactly the linked roles', () => {
    fc.assert(
      fc.property(
        worldArb
          .map((world) => ({
            ...world,
            policy: { ...world.policy, enabled: true, removal: 'enforce' as const, removalGraceHours: 0 },
            withOwnerCounts: true,
          }))
          .map((world) => ({ ...world, otherOwners: world.otherOwners.map((count) => count + 1) }))
          .filter((world) => world.user !== null && world.external.complete),
        (world) => {
          const plan = firstPlan(world);
          const after = applyPlanToMemberships(world.memberships, plan);
          const managed = managedGroupIds(world);
          const actual = new Map(after.filter((m) => managed.has(m.groupId)).map((m) => [m.groupId, m.role]));
          expect(actual).toEqual(naiveDesiredRoles(world));
          for (const change of [...plan.adds, ...plan.roleChanges, ...plan.removals]) {
            expect(change.reason).toContain(`"${change.groupName}"`);
          }
        },
      ),
      RUNS,
    );
  });
  it('(g) a grace period postpones exactly the removals it would make, and removes nothing at first', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const withGrace = { ...world, policy: { ...world.policy, removalGraceHours: 24 } };
        const without = { ...world, policy: { ...world.policy, removalGraceHours: 0 } };
        const postponed = firstPlan(withGrace);
        const immediate = firstPlan(without);
        expect(postponed.removals).toEqual([]);
        expect(postponed.removalsScheduled.map((r) => [r.groupId, r.role])).toEqual(
          immediate.removals.map((r) => [r.groupId, r.role]),
        );
        expect(postponed.adds).toEqual(immediate.adds);
        expect(postponed.roleChanges).toEqual(immediate.roleChanges);
      }),
      RUNS,
    );
  });
});

/** The rules of desired roles, written as plainly as possible (quadratic, fine for a test). */
function naiveDesiredRoles(world: World): Map<string, Role> {
  const { policy } = world;
  const normalize = (name: string) => normalizeGroupName(name, policy);
  const desired = new Map<string, Role>();
  const want = (groupId: string, role: Role) => {
    const current = desired.get(groupId);
    if (current === undefined || roleRank(role, world.roles) > roleRank(current, world.roles))
      desired.set(groupId, role);
  };
  for (const link of world.links) {
    const applies = link.idpId === IDP || link.idpId === null;
    const exists = world.groups.some((group) => group.id === link.groupId);
    if (applies && exists && world.external.groups.includes(normalize(link.externalGroup)))
      want(link.groupId, link.role);
  }
  if (policy.matchByName) {
    for (const group of world.groups) {
      if (world.external.groups.includes(normalize(group.name))) want(group.id, policy.defaultRole);
    }
  }
  return desired;
}
