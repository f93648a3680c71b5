import { parse, type Compare, type Filter } from 'scim2-parse-filter';
import { isUnstorable } from '../common/safe-input';

// Reading a SCIM filter into a tree: a small pre-lexer in front of `scim2-parse-filter` handles what
// the library gets wrong: it takes every string and number literal out of the text (the library
// mangles backslash escapes and fails on `-1 and ...`), accepts `True`/`FALSE`, and rewrites
// `attr[filter].sub op value` so both conditions apply to the same element. scim-filter.ts compiles.

export class ScimFilterError extends Error {
  override readonly name = 'ScimFilterError';
}

export type Operand = Compare['compValue'];

const MAX_FILTER_LENGTH = 4096;
/** Bounds the parser's recursion and keeps the SQL well under SQLite's expression depth limit. */
export const MAX_NESTING = 32;

const COMPARISON_OPERATORS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le', 'pr']);
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?$/;
const WORD_END = /[\s"()[\]]/;

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'literal'; index: number }
  | { kind: '(' | ')' | '[' }
  | { kind: ']'; subAttribute?: string };

/** The filter's tree, with its string and number literals by index; throws ScimFilterError when malformed or too long. */
export function parseFilter(filter: string): { tree: Filter; literals: Operand[] } {
  if (filter.length > MAX_FILTER_LENGTH) {
    throw new ScimFilterError(`the filter is longer than ${MAX_FILTER_LENGTH} characters`);
  }
  const literals: Operand[] = [];
  const parserInput = render(tokenize(filter, literals));
  let tree: Filter;
  try {
    tree = parse(parserInput);
  } catch (error) {
    throw new ScimFilterError(`the filter is not valid SCIM: ${(error as Error).message}`);
  }
  // The parser can return a tree with holes for some malformed input (`a eq true not (b pr)`).
  if (!wellFormed(tree)) throw new ScimFilterError('the filter is not valid SCIM');
  return { tree, literals };
}

/**
 * Every node one the compiler knows. The parser also takes any word between two comparisons as
 * their logical operator (`a eq 1 __proto__ b pr` gives op "__proto__"): such a tree is refused here.
 */
function wellFormed(node: unknown): boolean {
  if (!node || typeof node !== 'object' || typeof (node as { op?: unknown }).op !== 'string') return false;
  const n = node as {
    op: string;
    filters?: unknown;
    filter?: unknown;
    valFilter?: unknown;
    attrPath?: unknown;
  };
  if (n.op === 'and' || n.op === 'or') return Array.isArray(n.filters) && n.filters.every(wellFormed);
  if (n.op === 'not') return wellFormed(n.filter);
  if (n.op === '[]') return typeof n.attrPath === 'string' && wellFormed(n.valFilter);
  return COMPARISON_OPERATORS.has(n.op) && typeof n.attrPath === 'string';
}

/** Splits the filter into tokens, moving string and number literals into `literals`. */
function tokenize(filter: string, literals: Operand[]): Token[] {
  const tokens: Token[] = [];
  const literal = (value: Operand): Token => ({ kind: 'literal', index: literals.push(value) - 1 });
  let depth = 0;
  let i = 0;
  while (i < filter.length) {
    const char = filter[i];
    if (/\s/.test(char)) {
      i++;
    } else if (char === '"') {
      const end = endOfString(filter, i);
      tokens.push(literal(decodeString(filter.slice(i, end))));
      i = end;
    } else if (char === '(' || char === '[') {
      if (++depth > MAX_NESTING) throw new ScimFilterError('the filter is nested too deeply');
      tokens.push({ kind: char });
      i++;
    } else if (char === ')') {
      depth = Math.max(0, depth - 1);
      tokens.push({ kind: char });
      i++;
    } else if (char === ']') {
      depth = Math.max(0, depth - 1);
      i++;
      if (filter[i] !== '.') {
        tokens.push({ kind: char });
        continue;
      }
      const end = endOfWord(filter, i + 1);
      const subAttribute = filter.slice(i + 1, end);
      if (!subAttribute) {
        throw new ScimFilterError('the filter is not valid SCIM: "]." must be followed by a name');
      }
      tokens.push({ kind: char, subAttribute });
      i = end;
    } else {
      const end = endOfWord(filter, i);
      const word = filter.slice(i, end);
      const lower = word.toLowerCase();
      const isKeywordLiteral = lower === 'true' || lower === 'false' || lower === 'null';
      if (JSON_NUMBER.test(word)) tokens.push(literal(Number(word)));
      else tokens.push({ kind: 'word', text: isKeywordLiteral ? lower : word });
      i = end;
    }
  }
  return tokens;
}

function endOfWord(filter: string, start: number): number {
  let end = start;
  while (end < filter.length && !WORD_END.test(filter[end])) end++;
  return end;
}

function endOfString(filter: string, start: number): number {
  for (let i = start + 1; i < filter.length; i++) {
    if (filter[i] === '\\') i++;
    else if (filter[i] === '"') return i + 1;
  }
  throw new ScimFilterError('the filter is not valid SCIM: a string is not closed');
}

function decodeString(quoted: string): string {
  let value: string;
  try {
    value = JSON.parse(quoted) as string;
  } catch {
    throw new ScimFilterError(
      'the filter is not valid SCIM: a string has an invalid escape or control character',
    );
  }
  // The request's input check sees `\u0000` as six plain characters: the decoded literal is checked here.
  if (isUnstorable(value))
    throw new ScimFilterError(
      'the filter is not valid SCIM: a string holds a NUL character or a lone surrogate',
    );
  return value;
}

/**
 * Rebuilds the text for the parser, literals as `"<index>"` placeholders. `attr[f].sub op v` means
 * one element satisfies both, which the library would split into two independent conditions, so it
 * becomes `attr[(f) and sub op v]`.
 */
function render(tokens: Token[]): string {
  const out: string[] = [];
  const bracketStarts: number[] = [];
  const text = (token: Token): string =>
    token.kind === 'word' ? token.text : token.kind === 'literal' ? `"${token.index}"` : token.kind;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === '[') {
      out.push('[');
      bracketStarts.push(out.length);
      continue;
    }
    if (token.kind !== ']') {
      out.push(text(token));
      continue;
    }
    const start = bracketStarts.pop();
    // An unmatched ']' goes through as is for the parser to reject.
    if (token.subAttribute === undefined || start === undefined) {
      out.push(']');
      continue;
    }
    const operator = tokens[i + 1];
    if (operator?.kind !== 'word' || !COMPARISON_OPERATORS.has(operator.text.toLowerCase())) {
      throw new ScimFilterError(
        `the filter is not valid SCIM: "].${token.subAttribute}" must be followed by a comparison`,
      );
    }
    out.splice(start, 0, '(');
    out.push(')', 'and', token.subAttribute, operator.text);
    i++;
    const operand = tokens[i + 1];
    if (operator.text.toLowerCase() !== 'pr' && operand) {
      out.push(text(operand));
      i++;
    }
    out.push(']');
  }
  return out.join(' ');
}
