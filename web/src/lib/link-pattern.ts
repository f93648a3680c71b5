// The link form's live check: which example group names a link would match, computed in the
// browser with the same rules as the server (glob: `*` and `?`; regex: RE2, anchored, linear time).
import { RE2JS } from 're2js';
import { globToRegex } from '../../../src/sync/engine/glob';

export type MatchType = 'exact' | 'glob' | 'regex';

/** One line per match type, shown under the selector. */
export const MATCH_TYPE_HELP: Record<MatchType, string> = {
  exact: 'The IdP group name or object id, exactly as the IdP sends it.',
  glob: 'A name pattern: * stands for any run of characters, ? for one (eng-* matches eng-backend).',
  regex:
    'A regular expression (RE2) for the whole name; with "group from capture", (…) names the target group.',
};

export interface ExampleResult {
  example: string;
  matches: boolean;
  /** Capture 1 of a regex match: with "group from capture", the name of the target group. */
  capture: string | null;
}

/** Example group names from the text box: one per line or comma-separated, trimmed, blanks dropped. */
export function parseExamples(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Whether a glob matches a name: the server's own translation, run on RE2 as the server does. */
export function globMatches(pattern: string, value: string): boolean {
  return RE2JS.compile(`^${globToRegex(pattern)}$`).matches(value);
}

/**
 * Each example against the pattern, ignoring case (the IdP's caseSensitive setting decides on the
 * server; most IdPs are set to ignore it). An invalid regex gives its error instead.
 */
export function checkExamples(
  matchType: MatchType,
  pattern: string,
  examples: string[],
): { results: ExampleResult[]; error: string | null } {
  const source = pattern.trim();
  if (matchType !== 'regex') {
    const p = source.toLowerCase();
    const test = (e: string) =>
      matchType === 'glob' ? globMatches(p, e.toLowerCase()) : p === e.toLowerCase();
    return { results: examples.map((e) => ({ example: e, matches: test(e), capture: null })), error: null };
  }
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(`^(?:${source})$`, RE2JS.CASE_INSENSITIVE);
  } catch (e) {
    return { results: [], error: (e as Error).message };
  }
  const results = examples.map((example) => {
    const groups = regex.exec(example);
    return {
      example,
      matches: groups !== null,
      capture: groups && groups.length > 1 ? (groups[1] ?? null) : null,
    };
  });
  return { results, error: null };
}
