import { invalidValue } from './scim-error';
import { SCIM } from './scim-schema';

const ALWAYS = new Set(['id', 'schemas']);
const URN_PREFIXES = [SCIM.user, SCIM.group].map((u) => `${u.toLowerCase()}:`);

/** `attributes` / `excludedAttributes` as lower-cased paths ("emails", "name.givenname"), URN prefixes of core schemas removed. */
export function parseAttributeList(value: unknown, name: string): string[] | null {
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string')
    throw invalidValue(`${name} must be a comma-separated list of attribute names`);
  return value
    .split(',')
    .map((a) => a.trim().toLowerCase())
    .filter(Boolean)
    .map((a) => URN_PREFIXES.reduce((path, p) => (path.startsWith(p) ? path.slice(p.length) : path), a));
}

const findKey = (obj: Record<string, unknown>, lower: string) =>
  Object.keys(obj).find((k) => k.toLowerCase() === lower);

/**
 * RFC 7644 3.9: with `attributes`, only those (plus id and schemas) come back; with
 * `excludedAttributes`, everything else. Paths may name a sub-attribute ("name.givenName").
 */
export function project(
  resource: Record<string, unknown>,
  attributes: string[] | null,
  excluded: string[] | null,
): Record<string, unknown> {
  if (attributes) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(resource)) if (ALWAYS.has(key)) out[key] = resource[key];
    for (const path of attributes) {
      const [head, sub] = splitPath(resource, path);
      const key = findKey(resource, head);
      if (!key) continue;
      const value = resource[key];
      if (sub && value && typeof value === 'object' && !Array.isArray(value)) {
        const subKey = findKey(value as Record<string, unknown>, sub);
        if (!subKey) continue;
        const into = (out[key] ??= {}) as Record<string, unknown>;
        into[subKey] = (value as Record<string, unknown>)[subKey];
      } else out[key] = value;
    }
    return out;
  }
  if (excluded) {
    const out = { ...resource };
    for (const path of excluded) {
      const [head, sub] = splitPath(resource, path);
      const key = findKey(out, head);
      if (!key || ALWAYS.has(key)) continue;
      if (sub && out[key] && typeof out[key] === 'object' && !Array.isArray(out[key])) {
        const copy = { ...(out[key] as Record<string, unknown>) };
        const subKey = findKey(copy, sub);
        if (subKey) delete copy[subKey];
        out[key] = copy;
      } else delete out[key];
    }
    return out;
  }
  return resource;
}

/** "name.givenname" -> ["name", "givenname"]; an extension URN ("urn:...:user:department") -> [urn, "department"]. */
function splitPath(resource: Record<string, unknown>, path: string): [string, string | null] {
  const extension = Object.keys(resource).find(
    (k) => k.startsWith('urn:') && path.startsWith(`${k.toLowerCase()}:`),
  );
  if (extension) return [extension.toLowerCase(), path.slice(extension.length + 1)];
  if (path.startsWith('urn:')) return [path, null];
  const dot = path.indexOf('.');
  return dot === -1 ? [path, null] : [path.slice(0, dot), path.slice(dot + 1)];
}
