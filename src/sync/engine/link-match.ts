// Pattern links: a link may match external groups by glob (`eng-*`) or by an anchored regular
// expression, and a regex link may take its target group from its first capture. Pure: the regular
// expression engine (a linear-time one) is handed in by the caller, as a RegexCompiler.
import type { EngineGroup, EngineLink, MatchType } from './types';
import { globPrefix, globToRegex, matchGlob } from './glob';

/** A compiled, anchored regular expression. Compiled outside the engine, by a linear-time engine. */
export interface RegexMatcher {
  /** The captures of a whole-string match (index 0 is the whole value), or null. */
  match(value: string): readonly (string | null)[] | null;
  /** False when no match can make capture 1 equal `name` (case-insensitively): groups never reachable. */
  captureCanBe(name: string): boolean;
  /** Text every match starts with (lower case when compiled ignoring case); '' when none is known. */
  readonly literalPrefix: string;
}

export type RegexCompiler = (source: string, ignoreCase: boolean) => RegexMatcher;

/** How one pattern link answers for one external group: no match, or a match with its capture. */
export interface PatternHit {
  link: EngineLink;
  /** The normalized external group that matched. */
  claim: string;
  /** Capture 1 of a regex (null for a glob or a regex without capture). */
  capture: string | null;
}

/** A pattern link compiled for one IdP's case rule. */
export interface CompiledPattern {
  readonly link: EngineLink;
  readonly prefix: string;
  /** The pattern as a regular expression (a glob translated), null when no compiler was given. */
  readonly regexSource: string | null;
  test(claim: string): PatternHit | null;
  /** Capture links only: may the capture name this group? */
  reaches(group: EngineGroup): boolean;
}

export function matchTypeOf(link: EngineLink): MatchType {
  return link.matchType ?? 'exact';
}

/**
 * Compiles a glob or regex link. `ignoreCase` follows the IdP's caseSensitive setting, as exact links do;
 * the claims it is tested on are already normalized (lower case when ignoring case).
 */
export function compilePattern(
  link: EngineLink,
  ignoreCase: boolean,
  compileRegex: RegexCompiler | undefined,
): CompiledPattern {
  const source = link.externalGroup.trim();
  if (matchTypeOf(link) === 'glob') {
    const glob = ignoreCase ? source.toLowerCase() : source;
    // On the linear-time engine when there is one (always, outside unit tests): the two-pointer
    // matcher takes pattern x name steps on a crafted pair (`*aaa...ab`), which a workspace could
    // multiply by 100 links and every claim of a sign-in or preview into seconds of blocked server.
    let regexSource: string | null = null;
    let regex: RegexMatcher | null = null;
    if (compileRegex !== undefined) {
      regexSource = globToRegex(glob);
      regex = compileRegex(regexSource, false); // `glob` is already lower case when ignoring case
    }
    const matches = (claim: string) =>
      regex === null ? matchGlob(glob, claim) : regex.match(claim) !== null;
    return {
      link,
      prefix: globPrefix(glob),
      regexSource,
      test: (claim) => (matches(claim) ? { link, claim, capture: null } : null),
      reaches: () => false,
    };
  }
  if (compileRegex === undefined) throw new Error('A regex link needs a regular expression compiler');
  const regex = compileRegex(source, ignoreCase);
  return {
    link,
    prefix: regex.literalPrefix,
    regexSource: source,
    test(claim) {
      const groups = regex.match(claim);
      if (groups === null) return null;
      return { link, claim, capture: groups[1] ?? null };
    },
    reaches: (group) => link.targetFromCapture === true && regex.captureCanBe(group.name),
  };
}

/** Regex links without a literal prefix are tested together first: one alternation per this many. */
const SET_SIZE = 10;

/**
 * The pattern links of one IdP, tested against each external group. Only links whose literal prefix
 * starts the claim run their matcher, so most claims cost a string comparison per pattern link.
 * Regex links without a prefix would each run on every claim: they are also compiled together, as
 * one alternation per SET_SIZE links, and only a claim that matches the alternation tries each.
 */
export class PatternIndex {
  private readonly prefixed: CompiledPattern[] = [];
  /** The prefixed links (globs without a prefix under '') by the first character of their prefix. */
  private readonly byFirst = new Map<string, CompiledPattern[]>();
  private readonly unprefixed: CompiledPattern[] = [];
  private sets: { test: RegexMatcher; members: CompiledPattern[] }[] = [];

  add(pattern: CompiledPattern): void {
    if (pattern.prefix === '' && pattern.regexSource !== null) return void this.unprefixed.push(pattern);
    this.prefixed.push(pattern);
    const first = pattern.prefix.charAt(0);
    const bucket = this.byFirst.get(first);
    if (bucket === undefined) this.byFirst.set(first, [pattern]);
    else bucket.push(pattern);
  }

  /** Builds the alternations once every link is added. */
  seal(compileRegex: RegexCompiler | undefined, ignoreCase: boolean): void {
    // Stryker disable next-line ConditionalExpression: `false` calls the missing compiler in the try below, whose catch leaves no sets either
    if (compileRegex === undefined) return;
    for (let i = 0; i < this.unprefixed.length; i += SET_SIZE) {
      const members = this.unprefixed.slice(i, i + SET_SIZE);
      const source = members.map((p) => `(?:${p.regexSource})`).join('|');
      try {
        this.sets.push({ test: compileRegex(source, ignoreCase), members });
      } catch {
        this.sets = []; // e.g. two links use the same capture name: test each link alone
        return;
      }
    }
  }

  get size(): number {
    return this.prefixed.length + this.unprefixed.length;
  }

  /** Every pattern link that could tie something to the group (a capture link that may name it included). */
  anyTargets(group: EngineGroup): boolean {
    return [...this.prefixed, ...this.unprefixed].some((p) =>
      p.link.targetFromCapture === true ? p.reaches(group) : p.link.groupId === group.id,
    );
  }

  hits(claim: string): PatternHit[] {
    const hits: PatternHit[] = [];
    for (const first of claim === '' ? [''] : ['', claim.charAt(0)])
      for (const pattern of this.byFirst.get(first) ?? []) {
        if (!claim.startsWith(pattern.prefix)) continue;
        const hit = pattern.test(claim);
        if (hit !== null) hits.push(hit);
      }
    if (this.sets.length === 0) this.testEach(this.unprefixed, claim, hits);
    else
      for (const set of this.sets)
        if (set.test.match(claim) !== null) this.testEach(set.members, claim, hits);
    return hits;
  }

  private testEach(patterns: readonly CompiledPattern[], claim: string, hits: PatternHit[]): void {
    for (const pattern of patterns) {
      const hit = pattern.test(claim);
      if (hit !== null) hits.push(hit);
    }
  }
}

/** The groups a capture names: local groups by their case-folded name (names unique per tenant, not per case). */
export function groupsByFoldedName(groups: readonly EngineGroup[]): Map<string, EngineGroup[]> {
  const byName = new Map<string, EngineGroup[]>();
  for (const group of groups) {
    const key = group.name.toLowerCase();
    const list = byName.get(key);
    if (list === undefined) byName.set(key, [group]);
    else list.push(group);
  }
  return byName;
}
