// buildSyncContext passes the IdP's case rule to every kind of pattern link: a capture link, and
// regex links without a literal prefix (tested together as one alternation), not only plain ones.
import { compileRegex } from '../pattern-regex';
import { buildSyncContext, planSync } from './plan';
import { resolvePolicy } from './policy';
import type { EngineLink } from './types';

const IDP = 'idp-1';
const GROUPS = [
  { id: 'g-eng', name: 'Eng', parentId: null },
  { id: 'g-blue', name: 'Blue', parentId: null },
];
const regex = (id: string, externalGroup: string, extra: Partial<EngineLink> = {}): EngineLink => ({
  id,
  groupId: 'g-eng',
  idpId: IDP,
  externalGroup,
  role: 'developer',
  matchType: 'regex',
  ...extra,
});

/** The groups a user with these (normalized) claims is added to. */
function addedTo(links: EngineLink[], claims: string[], caseSensitive: boolean): string[] {
  const ctx = buildSyncContext({
    idpId: IDP,
    policy: resolvePolicy({ caseSensitive }),
    groups: GROUPS,
    links,
    compileRegex,
  });
  const plan = planSync(ctx, {
    user: { id: 'u', isAdmin: false, adminSource: null },
    memberships: [],
    external: { groups: claims, status: 'present', complete: true },
    now: 0,
  });
  return plan.adds.map((add) => add.groupId);
}

describe('the case rule of pattern links', () => {
  it('a capture link ignores case when the IdP does, and only then', () => {
    const links = [regex('c1', '^TEAM-(.+)$', { targetFromCapture: true })];
    expect(addedTo(links, ['team-blue'], false)).toEqual(['g-blue']);
    expect(addedTo(links, ['team-blue'], true)).toEqual([]);
    expect(addedTo(links, ['TEAM-blue'], true)).toEqual(['g-blue']);
  });

  it('regex links without a literal prefix ignore case when the IdP does, and only then', () => {
    const links = [regex('r1', '(DEV|OPS)-.*'), regex('r2', '.*-ADMINS', { groupId: 'g-blue' })];
    expect(addedTo(links, ['dev-a', 'x-admins'], false)).toEqual(['g-blue', 'g-eng']);
    expect(addedTo(links, ['dev-a', 'x-admins'], true)).toEqual([]);
    expect(addedTo(links, ['DEV-a'], true)).toEqual(['g-eng']);
  });

  it("another IdP's capture link grants nothing to this IdP's users", () => {
    const links = [regex('c1', '^team-(.+)$', { targetFromCapture: true, idpId: 'idp-2' })];
    expect(addedTo(links, ['team-blue'], true)).toEqual([]);
    expect(addedTo([{ ...links[0], idpId: null }], ['team-blue'], true)).toEqual(['g-blue']);
  });
});
