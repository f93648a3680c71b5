// The regular expressions of regex group links run on RE2JS, a JavaScript port of RE2: matching takes
// time linear in the input whatever the pattern, so no tenant can stall a sign-in with a pattern
// like `(a+)+$` (docs/sync.md, "Pattern links", has the measurements and the reason for the choice).
import { RE2JS } from 're2js';
import type { RegexMatcher } from './engine';

/** Longest pattern (glob or regex) a link may hold. */
export const MAX_PATTERN_LENGTH = 200;
/** Glob and regex links per tenant: every claim of every sign-in is tested against each of an IdP's. */
export const MAX_PATTERN_LINKS_PER_TENANT = 100;
/** The largest compiled program accepted (RE2 instructions): matching costs input length x this. */
const MAX_PROGRAM_SIZE = 2000;
/** Counted repetitions (`{n,m}`) above this are refused: they multiply the program. */
const MAX_REPEAT = 100;

/** Why a regex link's pattern cannot be saved, or null when it can. */
export function regexProblem(source: string, targetFromCapture: boolean): string | null {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(anchored(source));
  } catch (error) {
    // RE2 has no backreferences and no lookaround: those are refused here, with RE2's own words.
    return `not a valid regular expression (RE2 syntax: no backreferences or lookaround): ${(error as Error).message}`;
  }
  for (const match of source.matchAll(/\{(\d+)(?:,(\d*))?\}/g))
    if (Number(match[1]) > MAX_REPEAT || Number(match[2] || 0) > MAX_REPEAT)
      return `repetition counts above ${MAX_REPEAT} are not accepted ("${match[0]}")`;
  if (compiled.programSize() > MAX_PROGRAM_SIZE)
    return `the pattern compiles to ${compiled.programSize()} instructions; at most ${MAX_PROGRAM_SIZE} are accepted`;
  if (targetFromCapture && (compiled.groupCount() < 1 || firstCapture(source) === null))
    return 'a link that takes its group from the capture needs a capturing group, e.g. ^team-(.+)$';
  return null;
}

/** The engine's RegexCompiler: anchored (^...$ implied), linear time. The pattern was validated at save. */
export function compileRegex(source: string, ignoreCase: boolean): RegexMatcher {
  const flags = ignoreCase ? RE2JS.CASE_INSENSITIVE : 0;
  const whole = RE2JS.compile(anchored(source), flags);
  const capture = firstCapture(source);
  const captureOnly = capture === null ? null : RE2JS.compile(anchored(capture), RE2JS.CASE_INSENSITIVE);
  const prefix = literalPrefix(source);
  return {
    // matches() (no captures) is several times cheaper than exec(): most claims fail it and stop there.
    match: (value) => (whole.matches(value) ? whole.exec(value) : null),
    captureCanBe: (name) => captureOnly !== null && captureOnly.testExact(name),
    literalPrefix: ignoreCase ? prefix.toLowerCase() : prefix,
  };
}

/** Implied anchors: `eng-.*` means the whole name, as `^eng-.*$` does. */
function anchored(source: string): string {
  return `^(?:${source})$`;
}

const LITERAL = /[A-Za-z0-9 _\-:/@,=;'"%&#~!<>]/;

/**
 * Text every match must start with, read conservatively: literal characters after an optional `^`,
 * up to the first operator (a character a quantifier may drop is left out); '' when any top-level
 * alternation exists or the pattern starts with a group, class or flag.
 */
export function literalPrefix(source: string): string {
  if (hasTopLevelAlternation(source)) return '';
  let i = source.startsWith('^') ? 1 : 0;
  let prefix = '';
  while (i < source.length) {
    const c = source[i];
    let literal: string | null = null;
    let width = 1;
    if (c === '\\' && i + 1 < source.length && /[^A-Za-z0-9]/.test(source[i + 1])) {
      literal = source[i + 1];
      width = 2;
    } else if (LITERAL.test(c)) literal = c;
    if (literal === null) break;
    const next = source[i + width];
    if (next === '*' || next === '?' || next === '{') break; // may repeat zero times
    prefix += literal;
    if (next === '+') break;
    i += width;
  }
  return prefix;
}

function hasTopLevelAlternation(source: string): boolean {
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '[') i = classEnd(source, i);
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

/** Index of the `]` closing the class opened at `start` (RE2: a `]` first in the class is literal). */
function classEnd(source: string, start: number): number {
  let i = start + 1;
  if (source[i] === '^') i++;
  if (source[i] === ']') i++;
  for (; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === '[' && source[i + 1] === ':') i = source.indexOf(':]', i + 2) + 1 || i;
    else if (source[i] === ']') return i;
  }
  return source.length;
}

/** The source of capture 1 (the first `(` that captures: plain or named), or null. */
export function firstCapture(source: string): string | null {
  let start = -1;
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '[') i = classEnd(source, i);
    else if (c === '(') {
      if (start === -1 && captures(source, i)) {
        start = innerStart(source, i);
        depth = 0;
      }
      depth++;
    } else if (c === ')') {
      depth--;
      if (start !== -1 && depth === 0) return source.slice(start, i);
    }
  }
  return null;
}

function captures(source: string, open: number): boolean {
  if (source[open + 1] !== '?') return true;
  return (
    source.startsWith('?P<', open + 1) ||
    (source[open + 2] === '<' && /[A-Za-z_]/.test(source[open + 3] ?? ''))
  );
}

function innerStart(source: string, open: number): number {
  if (source[open + 1] !== '?') return open + 1;
  return source.indexOf('>', open) + 1;
}
