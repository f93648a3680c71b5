/**
 * Checks on untrusted input that every route needs, whatever its DTO: no property name that reaches
 * an object's prototype, a bounded nesting depth, and strings that both databases can store.
 * Pure functions; the HTTP middleware that applies them is input-guard.ts.
 */

/** Property names that lead from any object to Object.prototype or a constructor. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/** JSON bodies nest at most this deep (objects and arrays): real clients stay far below it. */
export const MAX_JSON_DEPTH = 64;

// Quoted literals in SCIM paths and filters (`emails[value eq "constructor"]`) are data, not names.
const QUOTED = /"(?:[^"\\]|\\.)*"/g;
const SEGMENT = /[A-Za-z0-9_$-]+/g;
// NUL (PostgreSQL text refuses it) and UTF-16 surrogates without their pair (jsonb refuses them).
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The forbidden segment of a key or attribute path (`__proto__.x`, `name.constructor`,
 * `urn:...:User:prototype`, `emails[constructor eq "x"]`), compared case-insensitively, else null.
 */
export function forbiddenSegment(path: string): string | null {
  for (const [segment] of path.replace(QUOTED, '""').matchAll(SEGMENT))
    if (FORBIDDEN_SEGMENTS.has(segment.toLowerCase())) return segment;
  return null;
}

/** True when a string holds a NUL character or a lone surrogate. */
export const isUnstorable = (text: string): boolean => UNSTORABLE.test(text);

export type InputProblem =
  | { kind: 'too_deep'; at: string }
  | { kind: 'forbidden_key'; at: string; segment: string }
  | { kind: 'unstorable'; at: string };

/**
 * The first problem in a parsed JSON value: nesting deeper than `maxDepth`, a key with a forbidden
 * segment, or a key or string that cannot be stored. Iterative, so a hostile depth cannot exhaust
 * the stack; `at` names the place (`body.name.__proto__`).
 */
export function findInputProblem(
  value: unknown,
  root = 'body',
  maxDepth = MAX_JSON_DEPTH,
): InputProblem | null {
  const stack: [unknown, string, number][] = [[value, root, 0]];
  while (stack.length) {
    const [node, at, depth] = stack.pop()!;
    if (typeof node === 'string') {
      if (isUnstorable(node)) return { kind: 'unstorable', at };
      continue;
    }
    if (!node || typeof node !== 'object') continue;
    if (depth >= maxDepth) return { kind: 'too_deep', at };
    if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push([item, `${at}[${i}]`, depth + 1]));
      continue;
    }
    // Own keys only, and no getter runs: JSON.parse makes `__proto__` an ordinary own key.
    for (const key of Object.keys(node)) {
      const where = `${at}.${key}`;
      const segment = forbiddenSegment(key);
      if (segment) return { kind: 'forbidden_key', at: where, segment };
      if (isUnstorable(key)) return { kind: 'unstorable', at: where };
      stack.push([(node as Record<string, unknown>)[key], where, depth + 1]);
    }
  }
  return null;
}

/**
 * The prototype of `inertCopy`'s objects: frozen, not Object.prototype, with only the two methods
 * libraries call on values (fast-deep-equal compares `valueOf`; string conversion uses `toString`).
 * No `__proto__` accessor and no `constructor`, so no key path leads out of the copy.
 */
const INERT_PROTOTYPE: object = Object.freeze(
  Object.create(null, {
    valueOf: { value: Object.prototype.valueOf },
    toString: { value: Object.prototype.toString },
  }),
);

/**
 * A deep copy of a JSON value for libraries that walk untrusted keys (`obj[key] ??= {}`): its
 * objects inherit from a frozen prototype that is not Object.prototype, so on them no key leads
 * anywhere but to the copy's own data.
 */
export function inertCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => inertCopy(v)) as T;
  if (!value || typeof value !== 'object' || value instanceof Date) return value;
  const copy = Object.create(INERT_PROTOTYPE) as Record<string, unknown>;
  for (const key of Object.keys(value)) copy[key] = inertCopy((value as Record<string, unknown>)[key]);
  return copy as T;
}

/** Object.prototype's own keys when this module loaded (the process's clean state). */
const PROTOTYPE_BASELINE = new Set<string | symbol>(Reflect.ownKeys(Object.prototype));

/**
 * Properties someone added to Object.prototype since start-up: enumerable ones (what a pollution
 * through `obj[key] = value` leaves) and non-enumerable ones (Object.defineProperty). A clean process
 * has none, so any entry means a prototype pollution happened (or a library misbehaves) and the
 * process must not serve.
 */
export function prototypePollution(): string[] {
  const found = new Set<string>();
  for (const key in Object.prototype) found.add(key);
  for (const key of Reflect.ownKeys(Object.prototype))
    if (!PROTOTYPE_BASELINE.has(key)) found.add(String(key));
  return [...found];
}

/** Throws one clear sentence when Object.prototype carries added properties (see above). */
export function assertCleanPrototype(): void {
  const polluted = prototypePollution();
  if (polluted.length)
    throw new Error(
      `Object.prototype has unexpected properties (${polluted.slice(0, 5).join(', ')}): ` +
        'a prototype pollution happened; refusing to serve',
    );
}
