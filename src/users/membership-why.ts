import {
  compilePattern,
  describePattern,
  matchTypeOf,
  normalizeGroupName,
  roleRank,
  type CompiledPattern,
  type GroupSyncPolicy,
  type MatchType,
  type RegexCompiler,
  type Role,
  type RoleRanks,
} from '../sync/engine';

/**
 * "Why is this user in this group with this role": pure, from rows the service loaded. Sync and
 * SCIM memberships are explained by the links that match what the IdP last told us (the same
 * normal form the engine compares in); manual ones by the administrator's grant.
 */
export interface WhyIdp {
  id: string;
  slug: string;
  /** Stored whole (resolved against the defaults when read). */
  groupSync: GroupSyncPolicy;
}
export interface WhyLink {
  id: string;
  groupId: string;
  idpId: string | null;
  externalGroup: string;
  label: string | null;
  role: Role;
  matchType?: MatchType;
  targetFromCapture?: boolean;
}
export interface WhyExternal {
  idpId: string;
  externalGroup: string;
  source: 'claim' | 'scim';
  seenAt: Date;
}
export interface WhyMembership {
  groupId: string;
  groupName: string;
  role: Role;
  source: 'manual' | 'sync' | 'scim';
}
export interface WhyMatch {
  linkId: string | null;
  /** The link's externalGroup (its pattern, for a glob or regex link), or the local group's name when matched by name. */
  externalGroup: string;
  /** 'name' when matched by name. */
  matchType: MatchType | 'name';
  /** The pattern's own words: `the regex "^team-(.+)$" (capture "blue" names the group)`; null for exact and name matches. */
  pattern: string | null;
  label: string | null;
  role: Role;
  idp: string;
  /** 'claim': sent in the sign-in claims; 'scim': pushed as a SCIM group membership. */
  via: 'claim' | 'scim';
  /** The value the IdP sent, as stored (already normalized). */
  value: string;
  seenAt: string;
}
export interface MembershipWhy {
  matches: WhyMatch[];
  /** The highest role the matches give (what sync would set), or null when nothing matches. */
  linkRole: Role | null;
  why: string;
  roleWhy: string;
}

export function explainMemberships(
  memberships: WhyMembership[],
  links: WhyLink[],
  externals: WhyExternal[],
  idps: WhyIdp[],
  groupNames: Map<string, string>,
  ranks: RoleRanks,
  compileRegex: RegexCompiler,
): Map<string, MembershipWhy> {
  const idpById = new Map(idps.map((i) => [i.id, { ...i, policy: i.groupSync }]));
  const patterns = new PatternLinks(links, compileRegex);
  const linksByGroup = new Map<string, WhyLink[]>();
  for (const l of links) linksByGroup.set(l.groupId, [...(linksByGroup.get(l.groupId) ?? []), l]);
  // What each IdP sent, by normalized value, so each link is one lookup per IdP.
  const sent = new Map<string, Map<string, WhyExternal[]>>();
  for (const x of externals) {
    const idp = idpById.get(x.idpId);
    if (!idp) continue;
    const key = normalizeGroupName(x.externalGroup, idp.policy);
    const byValue = sent.get(x.idpId) ?? sent.set(x.idpId, new Map()).get(x.idpId)!;
    byValue.set(key, [...(byValue.get(key) ?? []), x]);
  }
  const result = new Map<string, MembershipWhy>();
  for (const m of memberships) {
    const matches: WhyMatch[] = [];
    for (const idp of idpById.values()) {
      const byValue = sent.get(idp.id);
      if (!byValue || !idp.policy.enabled) continue;
      for (const link of linksByGroup.get(m.groupId) ?? []) {
        if (link.idpId !== null && link.idpId !== idp.id) continue;
        if (matchTypeOf(link) !== 'exact') continue;
        for (const x of byValue.get(normalizeGroupName(link.externalGroup, idp.policy)) ?? [])
          matches.push(toMatch(link, link.externalGroup, link.role, idp.slug, x, null));
      }
      const name = groupNames.get(m.groupId) ?? m.groupName;
      matches.push(...patternMatches(patterns.of(idp), m.groupId, name, byValue, idp.slug));
      if (idp.policy.matchByName) {
        for (const x of byValue.get(normalizeGroupName(name, idp.policy)) ?? [])
          matches.push(toMatch(null, name, idp.policy.defaultRole, idp.slug, x, null));
      }
    }
    const linkRole = matches.reduce<Role | null>(
      (best, x) => (best === null || roleRank(x.role, ranks) > roleRank(best, ranks) ? x.role : best),
      null,
    );
    result.set(m.groupId, {
      matches,
      linkRole,
      why: whySentence(m, matches),
      roleWhy: roleSentence(m, matches, linkRole),
    });
  }
  return result;
}

function toMatch(
  link: WhyLink | null,
  externalGroup: string,
  role: Role,
  idp: string,
  x: WhyExternal,
  pattern: string | null,
): WhyMatch {
  return {
    linkId: link?.id ?? null,
    externalGroup,
    matchType: link === null ? 'name' : matchTypeOf(link),
    pattern,
    label: link?.label ?? null,
    role,
    idp,
    via: x.source,
    value: x.externalGroup,
    seenAt: x.seenAt.toISOString(),
  };
}

/** The glob and regex links of the tenant, compiled once per case rule. */
class PatternLinks {
  private readonly compiled = new Map<boolean, CompiledPattern[]>();
  constructor(
    private readonly links: WhyLink[],
    private readonly compileRegex: RegexCompiler,
  ) {}

  of(idp: WhyIdp & { id: string }): CompiledPattern[] {
    const ignoreCase = !idp.groupSync.caseSensitive;
    let list = this.compiled.get(ignoreCase);
    if (list === undefined) {
      list = this.links
        .filter((l) => matchTypeOf(l) !== 'exact')
        .map((l) => compilePattern(l, ignoreCase, this.compileRegex));
      this.compiled.set(ignoreCase, list);
    }
    return list.filter((p) => p.link.idpId === null || p.link.idpId === idp.id);
  }
}

/** Pattern links whose pattern matches a value the IdP sent, and whose target is this group. */
function patternMatches(
  patterns: CompiledPattern[],
  groupId: string,
  groupName: string,
  byValue: Map<string, WhyExternal[]>,
  idp: string,
): WhyMatch[] {
  const found: WhyMatch[] = [];
  for (const pattern of patterns) {
    const link = pattern.link as WhyLink;
    if (!link.targetFromCapture && link.groupId !== groupId) continue;
    for (const [value, sent] of byValue) {
      const hit = pattern.test(value);
      if (hit === null) continue;
      if (link.targetFromCapture && (hit.capture ?? '').toLowerCase() !== groupName.toLowerCase()) continue;
      for (const x of sent)
        found.push(toMatch(link, link.externalGroup, link.role, idp, x, describePattern(hit)));
    }
  }
  return found;
}

const describe = (x: WhyMatch) =>
  `${x.via === 'scim' ? 'SCIM group' : 'group claim'} "${x.value}" from ${x.idp} matched ` +
  (x.pattern !== null
    ? x.pattern
    : x.linkId
      ? `the link to "${x.label ? `${x.label} (${x.externalGroup})` : x.externalGroup}"`
      : `the group's name`);

function whySentence(m: WhyMembership, matches: WhyMatch[]): string {
  if (m.source === 'manual')
    return matches.length
      ? `Added or changed by an administrator; sync leaves it alone (also, ${describe(matches[0])})`
      : 'Added or changed by an administrator';
  const by = m.source === 'scim' ? 'Pushed by SCIM' : 'Granted by sync at sign-in';
  if (matches.length === 0)
    return `${by}; no link matches what the IdP last sent any more (the next sync of this user decides)`;
  return `${by}: ${matches.map(describe).join('; ')}`;
}

function roleSentence(m: WhyMembership, matches: WhyMatch[], linkRole: Role | null): string {
  if (m.source === 'manual') return `${m.role}: set by an administrator`;
  if (linkRole === null) return `${m.role}: kept from the last sync`;
  const top = matches.filter((x) => x.role === linkRole);
  const from = top.length === 1 ? 'the link' : `${top.length} links`;
  if (linkRole === m.role)
    return `${m.role}: the highest role of the matching links (${from} with ${linkRole})`;
  return `${m.role}: the matching links give ${linkRole}; the role differs until the next sync of this user (or a rule kept it: last owner, removal policy)`;
}
