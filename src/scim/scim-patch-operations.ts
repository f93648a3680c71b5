import type { ScimPatchOperation } from 'scim-patch';
import { invalidValue, scimError } from './scim-error';
import { SCIM } from './scim-schema';
import { canonicalAttribute, canonicalSubAttribute } from './scim-user-resource';

/** One operation of a PatchOp body: op lower-cased, path trimmed (null when absent), value as sent. */
export interface PatchOperation {
  op: 'add' | 'remove' | 'replace';
  path: string | null;
  value: unknown;
}

const lowerKeys = (obj: object) =>
  Object.fromEntries(Object.entries(obj).map(([k, v]) => [k.toLowerCase(), v])) as Record<string, unknown>;

/**
 * The one PATCH parser of both resources (RFC 7644 3.5.2): a non-empty `Operations` array of
 * objects with an op of add, replace or remove and an optional string path. Member and attribute
 * names are matched case-insensitively, as clients spell them differently.
 */
export function readPatchOperations(body: unknown): PatchOperation[] {
  const b = body && typeof body === 'object' && !Array.isArray(body) ? lowerKeys(body) : {};
  if (!Array.isArray(b.operations) || b.operations.length === 0)
    throw scimError('invalidSyntax', 'a PatchOp body with a non-empty Operations array is required');
  return b.operations.map((raw: unknown, i: number): PatchOperation => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw))
      throw scimError('invalidSyntax', `Operations[${i}] must be an object`);
    const o = lowerKeys(raw);
    const op = typeof o.op === 'string' ? o.op.toLowerCase() : '';
    if (op !== 'add' && op !== 'remove' && op !== 'replace')
      throw scimError('invalidSyntax', `Operations[${i}].op must be add, replace or remove`);
    if (o.path !== undefined && typeof o.path !== 'string')
      throw scimError('invalidPath', `Operations[${i}].path must be a string`);
    return { op, path: (o.path as string | undefined)?.trim() || null, value: o.value };
  });
}

/** The Operations of a User PatchOp body, with op names and attribute names in the case the patcher expects. */
export function patchOperations(body: unknown): ScimPatchOperation[] {
  return readPatchOperations(body)
    .map(({ op: name, path, value }, i) => {
      if (name === 'remove' && !path) throw scimError('noTarget', `Operations[${i}]: remove needs a path`);
      const canonicalPath = path ? canonicalizePath(path) : undefined;
      if (name !== 'remove' && value === undefined)
        throw invalidValue(`Operations[${i}]: ${name} needs a value`);
      if (canonicalPath || !value || typeof value !== 'object' || Array.isArray(value))
        return [{ op: name, ...(canonicalPath ? { path: canonicalPath } : {}), value } as ScimPatchOperation];
      // Path-less: one value object whose keys may be paths. Plain and dotted keys stay together (the
      // patcher handles them); filtered keys (`emails[type eq "work"].value`) become their own operations.
      const entries = Object.entries(value as Record<string, unknown>).map(
        ([k, v]) => [canonicalizePath(k), v] as const,
      );
      const plain = entries.filter(([k]) => !k.includes('['));
      return [
        ...(plain.length ? [{ op: name, value: Object.fromEntries(plain) } as ScimPatchOperation] : []),
        ...entries
          .filter(([k]) => k.includes('['))
          .map(([k, v]) => ({ op: name, path: k, value: v }) as ScimPatchOperation),
      ];
    })
    .flat();
}

/** `Name.GivenName` -> `name.givenName`: every plain segment in the case the schema has it. */
function canonicalizePath(path: string): string {
  if (path.toLowerCase().startsWith(`${SCIM.enterpriseUser.toLowerCase()}:`))
    return `${SCIM.enterpriseUser}:${canonicalSubAttribute(path.slice(SCIM.enterpriseUser.length + 1))}`;
  if (path.toLowerCase().startsWith(`${SCIM.user.toLowerCase()}:`))
    return canonicalizePath(path.slice(SCIM.user.length + 1));
  const match = /^([A-Za-z0-9_$-]+)(\[[^\]]*\])?(?:\.([A-Za-z0-9_$-]+))?$/.exec(path);
  if (!match) return path;
  const [, head, filter, sub] = match;
  return `${canonicalAttribute(head)}${filter ?? ''}${sub ? `.${canonicalSubAttribute(sub)}` : ''}`;
}
