import type { PatternHit } from './link-match';
import {
  adminKeptReason,
  captureMissReason,
  DEFAULT_STAYS,
  deniedNotInGroup,
  describeJustification,
  describePattern,
  describeOrphaned,
  describeUnjustified,
  incompleteClaimProtection,
  keptReason,
  lastOwnerClearedReason,
} from './reasons';
import { resolvePolicy } from './policy';
import type { EngineLink } from './types';

// The sentences an admin and a person read (preview, audit, sign-in page): pinned word for word.
const link = (externalGroup: string, role: EngineLink['role'], label: string | null = null): EngineLink => ({
  id: externalGroup,
  groupId: 'g',
  idpId: null,
  externalGroup,
  role,
  label,
});

describe('plan sentences', () => {
  it('a refused signup says why, and names an incomplete list of every kind', () => {
    const base = 'your account is not in any group of this workspace';
    expect(deniedNotInGroup({ groups: [], status: 'present', complete: true })).toBe(base);
    expect(deniedNotInGroup({ groups: [], status: 'present', complete: false })).toBe(
      `${base}; the group list is incomplete, so membership could not be confirmed`,
    );
    expect(deniedNotInGroup({ groups: [], status: 'missing', complete: false })).toBe(
      `${base}; the group claim was missing from the sign-in, so membership could not be confirmed`,
    );
    expect(incompleteClaimProtection('overage')).toBe(
      'the group claim was truncated (overage: the identity provider left groups out), and an incomplete group list never removes or downgrades anyone',
    );
  });

  it('one reason reads as a sentence; several are listed, joined with commas and "and"', () => {
    const one = {
      role: 'developer' as const,
      links: [link('Dev', 'developer')],
      nameMatches: [],
      defaultRole: 'guest' as const,
      fromDefault: false,
    };
    expect(describeJustification(one)).toBe('external group "Dev" is linked to it as developer');
    const byName = {
      role: 'guest' as const,
      links: [],
      nameMatches: ['dev'],
      defaultRole: 'guest' as const,
      fromDefault: false,
    };
    expect(describeJustification(byName)).toBe(
      'external group "dev" has its name, and name matching gives the default role, guest',
    );
    const three = {
      role: 'owner' as const,
      links: [link('Leads', 'owner', 'Team leads'), link('Dev', 'developer')],
      nameMatches: ['dev'],
      defaultRole: 'guest' as const,
      fromDefault: false,
    };
    expect(describeJustification(three)).toBe(
      'external groups "Leads" ("Team leads") (linked as owner), "Dev" (linked as developer) and "dev" (same name, default role guest) match it; the highest role, owner, wins',
    );
    const two = { ...three, links: [link('Leads', 'owner')], nameMatches: [] };
    two.links.push(link('Dev', 'developer'));
    expect(describeJustification(two)).toBe(
      'external groups "Leads" (linked as owner) and "Dev" (linked as developer) match it; the highest role, owner, wins',
    );
  });

  it('an unjustified membership names the removal policy and, under synced-only, where it came from', () => {
    const policy = (removal: 'enforce' | 'never' | 'synced-only' | 'default-role', matchByName = false) =>
      resolvePolicy({ removal, matchByName, defaultRole: 'guest' });
    const noLink = 'no external group of this user is linked to it';
    expect(describeUnjustified(policy('enforce'), 'sync')).toBe(`${noLink} (removal policy: enforce)`);
    expect(describeUnjustified(policy('never'), 'sync')).toBe(`${noLink} (removal policy: never)`);
    expect(describeUnjustified(policy('enforce', true), 'sync')).toBe(
      'no external group of this user is linked to it or has its name (removal policy: enforce)',
    );
    expect(describeUnjustified(policy('default-role'), 'sync')).toBe(
      `${noLink} (removal policy: default-role gives the default role, guest)`,
    );
    expect(describeUnjustified(policy('synced-only'), 'manual')).toBe(
      `${noLink} (removal policy: synced-only)`,
    );
    expect(describeUnjustified(policy('synced-only'), 'sync')).toBe(
      `${noLink} (removal policy: synced-only, and this membership came from sync)`,
    );
    expect(describeUnjustified(policy('synced-only'), 'scim')).toBe(
      `${noLink} (removal policy: synced-only, and this membership came from SCIM)`,
    );
  });

  it('an orphaned membership says its group lost every link, and where it came from', () => {
    const policy = resolvePolicy({ removal: 'enforce' });
    expect(describeOrphaned(policy, 'sync')).toBe(
      'the group has no group links any more and this membership came from sync (removal policy: enforce)',
    );
    expect(describeOrphaned(policy, 'scim')).toBe(
      'the group has no group links any more and this membership came from SCIM (removal policy: enforce)',
    );
  });
});

describe('pattern link sentences', () => {
  const hit = (over: Partial<EngineLink>, claim = 'eng-web', capture: string | null = null): PatternHit => ({
    link: { ...link('eng-*', 'developer'), matchType: 'glob', ...over },
    claim,
    capture,
  });

  it('names the kind of pattern, its label, and the capture that names the group', () => {
    expect(describePattern(hit({}))).toBe('the glob "eng-*"');
    expect(describePattern(hit({ label: 'Engineers' }))).toBe('the glob "eng-*" ("Engineers")');
    expect(describePattern(hit({ externalGroup: '^eng-(.+)$', matchType: 'regex' }))).toBe(
      'the regex "^eng-(.+)$"',
    );
    const capture = { externalGroup: '^team-(.+)$', matchType: 'regex' as const, targetFromCapture: true };
    expect(describePattern(hit(capture, 'team-blue', 'blue'))).toBe(
      'the regex "^team-(.+)$" (capture "blue" names the group)',
    );
    // A capture link whose capture is absent still reads as a sentence.
    expect(describePattern(hit(capture, 'team-', null))).toBe(
      'the regex "^team-(.+)$" (capture "" names the group)',
    );
  });

  it('one pattern match reads as a sentence; with other reasons it is listed', () => {
    const glob = hit({ role: 'maintainer' });
    const byPattern = {
      role: 'maintainer' as const,
      links: [],
      patternMatches: [glob],
      nameMatches: [],
      defaultRole: 'guest' as const,
      fromDefault: false,
    };
    expect(describeJustification(byPattern)).toBe(
      'external group "eng-web" matches the glob "eng-*", linked to it as maintainer',
    );
    expect(describeJustification({ ...byPattern, links: [link('Dev', 'developer')] })).toBe(
      'external groups "Dev" (linked as developer) and "eng-web" (matches the glob "eng-*", linked as maintainer) match it; the highest role, maintainer, wins',
    );
  });

  it('a capture that names no group, or several, says so', () => {
    const capture = hit(
      { externalGroup: '^team-(.+)$', matchType: 'regex', targetFromCapture: true },
      'team-blue',
      'blue',
    );
    const pattern = 'External group "team-blue" matches the regex "^team-(.+)$"';
    expect(captureMissReason(capture, 0)).toBe(
      `${pattern}, but no group of this workspace is named "blue": no membership (sync never creates groups).`,
    );
    expect(captureMissReason(capture, 2)).toBe(
      `${pattern}, but 2 groups are named "blue" (ignoring case): no membership until one is renamed.`,
    );
    expect(captureMissReason({ ...capture, capture: null }, 0)).toBe(
      `${pattern}, but no group of this workspace is named "": no membership (sync never creates groups).`,
    );
  });
});

describe('sentences no plan spec reads word for word', () => {
  it('an admin right kept on an incomplete list, a cleared last-owner mark, a kept default', () => {
    expect(adminKeptReason('missing')).toBe(
      'Still a workspace admin: no external group of this user is an admin group, but the group claim was missing from the sign-in, so admin rights granted by sync are not revoked.',
    );
    expect(lastOwnerClearedReason('Ops')).toBe(
      'No longer kept in "Ops" only as its last owner: the IdP grants the role again, another owner appeared, or the role changed.',
    );
    expect(DEFAULT_STAYS).toBe(
      'it is a default membership of this sign-in method, kept after the user matched a link (removeDefaultsOnMatch is off)',
    );
  });

  it('a kept member says what was stopped: a removal or a downgrade', () => {
    expect(keptReason('Ops', 'owner', null, 'why', 'protected')).toBe(
      'Kept in "Ops" as owner (not removed): why, but protected.',
    );
    expect(keptReason('Ops', 'owner', 'guest', 'why', 'protected')).toBe(
      'Kept in "Ops" as owner (not downgraded to guest): why, but protected.',
    );
  });

  it('the default-membership reason is given only when nothing else justifies the role', () => {
    const sources = {
      role: 'developer' as const,
      links: [link('Dev', 'developer')],
      nameMatches: [],
      defaultRole: 'guest' as const,
      fromDefault: true,
    };
    expect(describeJustification(sources)).toBe('external group "Dev" is linked to it as developer');
    expect(describeJustification({ ...sources, links: [] })).toBe(
      'it is a default membership of this sign-in method, given to users whose groups match no link',
    );
  });
});
