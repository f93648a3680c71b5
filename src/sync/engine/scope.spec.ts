import { compileRegex } from '../pattern-regex';
import { buildSyncContext, planSync, type SyncPlan } from './plan';
import { resolvePolicy } from './policy';
import { externalGroupsLinkedTo, onlyGroup } from './scope';
import type { EngineGroup, EngineLink } from './types';

const groups: EngineGroup[] = [
  { id: 'dev', name: 'Developers', parentId: null },
  { id: 'ops', name: 'Ops', parentId: null },
];
const link = (
  id: string,
  groupId: string,
  externalGroup: string,
  idpId: string | null = 'idp',
): EngineLink => ({
  id,
  groupId,
  idpId,
  externalGroup,
  role: 'developer',
});

describe('a plan narrowed to one group', () => {
  it('keeps only that group in every list and leaves admin rights as they are', () => {
    const item = (groupId: string) => ({
      groupId,
      groupName: groupId,
      role: 'developer' as const,
      reason: groupId,
    });
    const plan = {
      adds: [item('dev'), item('ops')],
      roleChanges: [
        { ...item('ops'), from: 'developer' },
        { ...item('dev'), from: 'owner' },
      ],
      removals: [item('ops'), item('dev')],
      kept: [item('dev'), item('ops')],
      removalsScheduled: [item('ops'), item('dev')],
      removalsCancelled: [item('dev'), item('ops')],
      lastOwnerMarked: [item('ops')],
      lastOwnerCleared: [item('dev')],
      admin: { from: true, to: false, reason: 'revoked' },
      complete: true,
    } as unknown as SyncPlan;
    const narrowed = onlyGroup(plan, 'dev');
    expect(narrowed.adds).toEqual([item('dev')]);
    expect(narrowed.roleChanges).toEqual([{ ...item('dev'), from: 'owner' }]);
    expect(narrowed.removals).toEqual([item('dev')]);
    expect(narrowed.kept).toEqual([item('dev')]);
    expect(narrowed.removalsScheduled).toEqual([item('dev')]);
    expect(narrowed.removalsCancelled).toEqual([item('dev')]);
    expect(narrowed.lastOwnerMarked).toEqual([]);
    expect(narrowed.lastOwnerCleared).toEqual([item('dev')]);
    expect(narrowed.admin).toEqual({ from: true, to: true });
    expect(narrowed.complete).toBe(true);
    // the plan it came from is not changed
    expect(plan.adds).toHaveLength(2);
  });

  it('narrows a real plan to the group asked for', () => {
    const context = buildSyncContext({
      idpId: 'idp',
      policy: resolvePolicy(),
      groups,
      links: [link('l1', 'dev', 'eng'), link('l2', 'ops', 'sre')],
    });
    const plan = planSync(context, {
      now: 0,
      user: null,
      memberships: [],
      external: { groups: ['eng', 'sre'], status: 'present', complete: true },
      ownerCounts: new Map(),
    });
    expect(onlyGroup(plan, 'ops').adds.map((a) => a.groupId)).toEqual(['ops']);
  });
});

describe('the external groups tied to one group', () => {
  it("lists the normalized (trimmed) external groups of this IdP's and tenant-wide links, not other groups' or IdPs'", () => {
    const context = buildSyncContext({
      idpId: 'idp',
      policy: resolvePolicy(),
      groups,
      links: [
        link('l1', 'dev', ' Engineering '),
        link('l2', 'dev', 'Everyone', null),
        link('l3', 'ops', 'SRE'),
        link('l4', 'dev', 'Other IdP group', 'other'),
      ],
    });
    expect(externalGroupsLinkedTo(context, 'dev')).toEqual(['Engineering', 'Everyone']);
    expect(externalGroupsLinkedTo(context, 'ops')).toEqual(['SRE']);
    expect(externalGroupsLinkedTo(context, 'none')).toEqual([]);
  });

  it("adds the group's own name when matching by name", () => {
    const context = buildSyncContext({
      idpId: 'idp',
      policy: resolvePolicy({ matchByName: true }),
      groups,
      links: [link('l1', 'dev', 'eng')],
    });
    expect(externalGroupsLinkedTo(context, 'dev')).toEqual(['eng', 'Developers']);
    expect(externalGroupsLinkedTo(context, 'ops')).toEqual(['Ops']);
  });

  it('an external group or a name shared by several groups is tied to each of them', () => {
    const context = buildSyncContext({
      idpId: 'idp',
      policy: resolvePolicy({ matchByName: true }),
      groups: [...groups, { id: 'dev2', name: 'Developers', parentId: 'ops' }],
      links: [link('l1', 'dev', 'shared'), link('l2', 'ops', 'shared')],
    });
    expect(externalGroupsLinkedTo(context, 'ops')).toEqual(['shared', 'Ops']);
    expect(externalGroupsLinkedTo(context, 'dev2')).toEqual(['Developers']);
  });

  it('none to list when a glob or regex link ties the group (any external group may concern it)', () => {
    const context = buildSyncContext({
      idpId: 'idp',
      policy: resolvePolicy(),
      groups,
      links: [{ ...link('l1', 'dev', 'eng-*'), matchType: 'glob' }, link('l2', 'ops', 'sre')],
      compileRegex,
    });
    expect(externalGroupsLinkedTo(context, 'dev')).toBeNull();
    expect(externalGroupsLinkedTo(context, 'ops')).toEqual(['sre']);
    // A group the context does not know is tied to nothing, whatever the pattern links.
    expect(externalGroupsLinkedTo(context, 'none')).toEqual([]);
  });

  it('a capture link ties the groups its capture may name, not the group it is listed under', () => {
    const capture: EngineLink = {
      ...link('c1', 'dev', '^team-(o.*)$'),
      matchType: 'regex',
      targetFromCapture: true,
    };
    const context = buildSyncContext({
      idpId: 'idp',
      policy: resolvePolicy(),
      groups,
      links: [capture],
      compileRegex,
    });
    expect(externalGroupsLinkedTo(context, 'ops')).toBeNull();
    expect(externalGroupsLinkedTo(context, 'dev')).toEqual([]);
  });
});
