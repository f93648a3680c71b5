// Glob patterns of pattern links (`eng-*`): `*` any run of characters, `?` one character, everything
// else literal. Pure and import-free: the engine and the admin UI's live check (web/src/lib/link-pattern.ts)
// both use this one file, so the browser preview and the server can never disagree on a glob.

/**
 * `*` any run of characters, `?` one character; everything else literal. Iterative with one saved
 * star position (no recursion, no regular expression): at most pattern x value steps, never exponential.
 */
export function matchGlob(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let resume = 0;
  while (v < value.length) {
    const c = pattern.charAt(p); // '' past the end of the pattern: equal to no character of the value
    if (c === '?' || (c !== '*' && c === value[v])) {
      p++;
      v++;
    } else if (c === '*') {
      star = p++;
      resume = v;
    } else if (star !== -1) {
      p = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (pattern.charAt(p) === '*') p++;
  return p === pattern.length;
}

/** The same set of names as a regular expression (RE2 syntax; `?` is one character, `*` any run). */
export function globToRegex(glob: string): string {
  const parts = [...glob].map((c) =>
    c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|?*+()[\]{}]/, '\\$&'),
  );
  return `(?s:${parts.join('')})`;
}

/** The literal text before the first wildcard. */
export function globPrefix(glob: string): string {
  const wildcard = glob.search(/[*?]/);
  return wildcard === -1 ? glob : glob.slice(0, wildcard);
}
