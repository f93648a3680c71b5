import fc from 'fast-check';
import { compileRegex } from '../pattern-regex';
import { compilePattern } from './link-match';
import { globPrefix, globToRegex, matchGlob } from './glob';
import { buildSyncContext, planSync, type SyncPlan } from './plan';
import { resolvePolicy } from './policy';
import type { EngineGroup, EngineLink, EngineMembership, GroupSyncPolicy } from './types';

const IDP = 'idp-1';
const group = (id: string, name: string): EngineGroup => ({ id, name, parentId: null });
const GROUPS = [
  group('g-eng', 'Engineering'),
  group('g-blue', 'Blue'),
  group('g-red', 'Red'),
  group('g-ops', 'Ops'),
];
const glob = (id: string, groupId: string, pattern: string, role = 'developer'): EngineLink => ({
  id,
  groupId,
  idpId: IDP,
  externalGroup: pattern,
  role,
  matchType: 'glob',
});
const regex = (
  id: string,
  groupId: string,
  pattern: string,
  role = 'developer',
  capture = false,
): EngineLink => ({
  id,
  groupId,
  idpId: IDP,
  externalGroup: pattern,
  role,
  matchType: 'regex',
  targetFromCapture: capture,
});

function plan(
  links: EngineLink[],
  groups: string[],
  memberships: EngineMembership[] = [],
  policy: Partial<GroupSyncPolicy> = {},
): SyncPlan {
  const ctx = buildSyncContext({
    idpId: IDP,
    policy: resolvePolicy(policy),
    groups: GROUPS,
    links,
    compileRegex,
  });
  return planSync(ctx, {
    user: { id: 'u', isAdmin: false, adminSource: null },
    memberships,
    external: { groups, status: 'present', complete: true },
    now: 0,
  });
}

describe('glob matching', () => {
  it.each([
    ['eng-*', 'eng-backend', true],
    ['eng-*', 'eng-', true],
    ['eng-*', 'xeng-a', false],
    ['eng-?', 'eng-a', true],
    ['eng-?', 'eng-ab', false],
    ['*-team', 'blue-team', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbY', false],
    ['*', '', true],
    ['a.b', 'aXb', false], // only * and ? are wildcards
    ['[ab]', 'a', false],
    ['*', '*x', true], // a * in the value is a plain character
    ['eng-*', 'eng-*-x', true],
  ])('%s against %s is %s', (pattern, value, expected) => {
    expect(matchGlob(pattern, value)).toBe(expected);
  });

  it.each([
    ['eng-*', 'eng-'],
    ['eng-?x', 'eng-'],
    ['*-team', ''],
    ['eng', 'eng'],
  ])('the literal prefix of %s is %j', (pattern, prefix) => {
    expect(globPrefix(pattern)).toBe(prefix);
  });

  it('agrees with a reference regular expression on random input', () => {
    const chars = fc.constantFrom('a', 'b', '*', '?');
    fc.assert(
      fc.property(
        fc.string({ unit: chars, maxLength: 8 }),
        fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 10 }),
        (p, v) => {
          const reference = new RegExp(`^${p.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
          expect(matchGlob(p, v)).toBe(reference.test(v));
        },
      ),
    );
  });

  it('as a regular expression on the linear-time engine it matches the same names', () => {
    const chars = fc.constantFrom('a', 'b', '*', '?', '.', '(', '[', '\\', '$', '{', '|', '+');
    fc.assert(
      fc.property(
        fc.string({ unit: chars, maxLength: 8 }),
        fc.string({ unit: fc.constantFrom('a', 'b', '.', '(', '\n', '\\', '$'), maxLength: 10 }),
        (p, v) => {
          expect(compileRegex(globToRegex(p), false).match(v) !== null).toBe(matchGlob(p, v));
        },
      ),
    );
  });

  it('a glob link runs on the regular expression engine it is given (never the quadratic matcher)', () => {
    const sources: string[] = [];
    const spy = (source: string, ignoreCase: boolean) => (
      sources.push(source),
      compileRegex(source, ignoreCase)
    );
    const compiled = compilePattern(glob('l', 'g-eng', '*Eng-?'), true, spy);
    expect(sources).toEqual(['(?s:.*eng-.)']);
    expect(compiled.test('x-eng-1')).not.toBeNull();
    expect(compiled.test('x-eng-12')).toBeNull();
  });

  it('a glob made to backtrack stays fast (no exponential blow-up)', () => {
    const pattern = `${'*a'.repeat(50)}b`;
    const value = 'a'.repeat(500);
    const t0 = process.hrtime.bigint();
    expect(matchGlob(pattern, value)).toBe(false);
    // generous: the bound is pattern x value steps (25,000 here), not 2^50
    expect(Number(process.hrtime.bigint() - t0) / 1e6).toBeLessThan(2000);
  });
});

describe('pattern links in a plan', () => {
  it('a glob link adds the member and its reason names the pattern and the claim', () => {
    const p = plan([glob('l1', 'g-eng', 'eng-*')], ['eng-backend', 'sales']);
    expect(p.adds).toEqual([
      expect.objectContaining({ groupId: 'g-eng', role: 'developer', linkIds: ['l1'] }),
    ]);
    expect(p.adds[0].reason).toBe(
      'Added to "Engineering" as developer: external group "eng-backend" matches the glob "eng-*", linked to it as developer.',
    );
    expect(p.matchedExternalGroups).toEqual(['eng-backend']);
  });

  it('follows caseSensitive as exact links do', () => {
    expect(plan([glob('l1', 'g-eng', 'Eng-*')], ['eng-a']).adds).toHaveLength(0);
    const folded = plan([glob('l1', 'g-eng', 'Eng-*')], ['eng-a'], [], { caseSensitive: false });
    expect(folded.adds).toHaveLength(1);
    const regexFolded = plan([regex('l1', 'g-eng', '^ENG-[a-z]+$')], ['eng-a'], [], { caseSensitive: false });
    expect(regexFolded.adds).toHaveLength(1);
  });

  it('a regex is anchored: it must match the whole name', () => {
    expect(plan([regex('l1', 'g-eng', 'eng')], ['eng-backend']).adds).toHaveLength(0);
    expect(plan([regex('l1', 'g-eng', 'eng-.*')], ['eng-backend']).adds).toHaveLength(1);
  });

  it('without pattern links a claim never reaches the pattern index (exact links only)', () => {
    const exact: EngineLink = {
      id: 'l0',
      groupId: 'g-eng',
      idpId: IDP,
      externalGroup: 'eng',
      role: 'developer',
    };
    const ctx = buildSyncContext({ idpId: IDP, policy: resolvePolicy(), groups: GROUPS, links: [exact] });
    const hits = jest.spyOn(ctx.patterns, 'hits');
    const p = planSync(ctx, {
      user: { id: 'u', isAdmin: false, adminSource: null },
      memberships: [],
      external: { groups: ['eng', 'ops'], status: 'present', complete: true },
      now: 0,
    });
    expect(p.adds.map((a) => a.groupId)).toEqual(['g-eng']);
    expect(hits).not.toHaveBeenCalled();
  });

  it('the highest role wins between an exact and a pattern link of one group', () => {
    const exact: EngineLink = {
      id: 'l0',
      groupId: 'g-eng',
      idpId: IDP,
      externalGroup: 'eng-backend',
      role: 'reporter',
    };
    const p = plan([exact, glob('l1', 'g-eng', 'eng-*', 'maintainer')], ['eng-backend']);
    expect(p.adds).toEqual([expect.objectContaining({ role: 'maintainer', linkIds: ['l0', 'l1'] })]);
    expect(p.adds[0].reason).toContain('the highest role, maintainer, wins');
  });

  it('a glob matching several claims gives one reason per link', () => {
    const p = plan([glob('l1', 'g-eng', 'eng-*')], ['eng-a', 'eng-b']);
    expect(p.adds[0].linkIds).toEqual(['l1']);
    expect(p.adds[0].reason).toContain('"eng-a"');
    expect(p.adds[0].reason).not.toContain('"eng-b"');
  });

  it('a capture link grants the group its capture names, ignoring case', () => {
    const p = plan([regex('c1', 'g-eng', '^team-(.+)$', 'developer', true)], ['team-blue']);
    expect(p.adds).toEqual([
      expect.objectContaining({ groupId: 'g-blue', role: 'developer', linkIds: ['c1'] }),
    ]);
    expect(p.adds[0].reason).toBe(
      'Added to "Blue" as developer: external group "team-blue" matches the regex "^team-(.+)$" (capture "blue" names the group), linked to it as developer.',
    );
  });

  it('a capture naming no group grants nothing, creates nothing, and says so', () => {
    const p = plan([regex('c1', 'g-eng', '^team-(.+)$', 'developer', true)], ['team-green']);
    expect(p.adds).toEqual([]);
    expect(p.matchedExternalGroups).toEqual([]);
    expect(p.captureMisses).toEqual([
      {
        externalGroup: 'team-green',
        linkId: 'c1',
        reason:
          'External group "team-green" matches the regex "^team-(.+)$", but no group of this workspace is named "green": no membership (sync never creates groups).',
      },
    ]);
  });

  it('an empty capture names no group', () => {
    const p = plan([regex('c1', 'g-eng', '^team-(.*)$', 'developer', true)], ['team-']);
    expect(p.adds).toEqual([]);
    expect(p.captureMisses).toEqual([
      {
        externalGroup: 'team-',
        linkId: 'c1',
        reason:
          'External group "team-" matches the regex "^team-(.*)$", but no group of this workspace is named "": no membership (sync never creates groups).',
      },
    ]);
  });

  it('a capture membership is removed when the claim goes; an admin-made one in a reachable group stays', () => {
    const links = [regex('c1', 'g-eng', '^team-(.+)$', 'developer', true)];
    const p = plan(
      links,
      [],
      [
        { groupId: 'g-blue', role: 'developer', source: 'sync' },
        { groupId: 'g-red', role: 'developer', source: 'manual' },
      ],
    );
    expect(p.removals.map((r) => r.groupId)).toEqual(['g-blue']);
  });

  it('groups a capture can never name are not touched', () => {
    const links = [regex('c1', 'g-eng', '^team-(b[a-z]+)$', 'developer', true)];
    // Red cannot be a capture of b[a-z]+, and another IdP's link keeps it out of the orphan rule.
    const other: EngineLink = {
      id: 'o1',
      groupId: 'g-red',
      idpId: 'idp-2',
      externalGroup: 'red',
      role: 'guest',
    };
    const p = plan(
      [...links, other],
      [],
      [
        { groupId: 'g-blue', role: 'developer', source: 'sync' },
        { groupId: 'g-red', role: 'guest', source: 'sync' },
      ],
    );
    expect(p.removals.map((r) => r.groupId)).toEqual(['g-blue']);
  });

  it("another IdP's capture link protects its groups from this IdP's orphan rule", () => {
    const foreign = { ...regex('c2', 'g-eng', '^team-(.+)$', 'developer', true), idpId: 'idp-2' };
    const p = plan([foreign], [], [{ groupId: 'g-blue', role: 'developer', source: 'sync' }]);
    expect(p.removals).toEqual([]);
  });

  it('is idempotent: a second run with the applied memberships plans nothing', () => {
    const links = [glob('l1', 'g-eng', 'eng-*'), regex('c1', 'g-eng', '^team-(.+)$', 'maintainer', true)];
    const first = plan(links, ['eng-x', 'team-red']);
    const memberships = first.adds.map((a) => ({
      groupId: a.groupId,
      role: a.role,
      source: 'sync' as const,
    }));
    const second = plan(links, ['eng-x', 'team-red'], memberships);
    expect([...second.adds, ...second.roleChanges, ...second.removals]).toEqual([]);
  });
});

describe('pattern links, properties', () => {
  const claimArb = fc.string({ unit: fc.constantFrom('e', 'n', 'g', '-', 'x'), minLength: 1, maxLength: 6 });
  const globArb = fc.string({
    unit: fc.constantFrom('e', 'n', '-', 'x', '*', '?'),
    minLength: 1,
    maxLength: 4,
  });
  const roleArb = fc.constantFrom('guest', 'developer', 'owner');
  const groupIdArb = fc.constantFrom(...GROUPS.map((g) => g.id));

  it('a glob link grants what exact links for each claim it matches would grant', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ groupId: groupIdArb, pattern: globArb, role: roleArb }), { maxLength: 4 }),
        fc.uniqueArray(claimArb, { maxLength: 8 }),
        (globs, claims) => {
          const patternLinks = globs.map((g, i) => glob(`p${i}`, g.groupId, g.pattern, g.role));
          const exactLinks: EngineLink[] = [];
          globs.forEach((g, i) =>
            claims
              .filter((c) => matchGlob(g.pattern, c))
              .forEach((c, j) =>
                exactLinks.push({
                  id: `e${i}-${j}`,
                  groupId: g.groupId,
                  idpId: IDP,
                  externalGroup: c,
                  role: g.role,
                }),
              ),
          );
          const strip = (p: SyncPlan) => p.adds.map((a) => [a.groupId, a.role]);
          expect(strip(plan(patternLinks, claims))).toEqual(strip(plan(exactLinks, claims)));
        },
      ),
    );
  });

  it('a capture link never touches a manual membership and never one in a group its capture cannot name', () => {
    const sourceArb = fc.constantFrom('manual' as const, 'sync' as const, 'scim' as const);
    fc.assert(
      fc.property(
        fc.array(fc.record({ groupId: groupIdArb, role: roleArb, source: sourceArb }), { maxLength: 4 }),
        fc.uniqueArray(fc.constantFrom('team-blue', 'team-red', 'team-ops', 'other'), { maxLength: 3 }),
        (rows, claims) => {
          const memberships = [...new Map(rows.map((r) => [r.groupId, r])).values()];
          // Every group has a link of another IdP, so the orphan rule (groups without links) stays out of it.
          const elsewhere = GROUPS.map((g): EngineLink => ({
            id: `x-${g.id}`,
            groupId: g.id,
            idpId: 'idp-2',
            externalGroup: 'x',
            role: 'guest',
          }));
          const capture = regex('c1', 'g-eng', '^team-(b[a-z]+|r[a-z]+)$', 'developer', true);
          const p = plan([capture, ...elsewhere], claims, memberships);
          for (const change of [...p.removals, ...p.roleChanges]) {
            const before = memberships.find((m) => m.groupId === change.groupId)!;
            expect(before.source).not.toBe('manual');
            expect(['g-blue', 'g-red']).toContain(change.groupId);
          }
        },
      ),
    );
  });
});
