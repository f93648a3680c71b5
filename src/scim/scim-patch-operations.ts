import type { ScimPatchOperation } from 'scim-patch';
import { invalidValue, scimError } from './scim-error';
import { SCIM } from './scim-schema';
import { canonicalAttribute, canonicalSubAttribute } from './scim-user-resource';

/** The Operations of a PatchOp body, with op names and attribute names in the case the patcher expects. */
export function patchOperations(body: unknown): ScimPatchOperation[] {
  const operations =
    (body as { Operations?: unknown } | null)?.Operations ??
    (body as { operations?: unknown } | null)?.operations;
  if (!Array.isArray(operations) || operations.length === 0)
    throw scimError('invalidSyntax', 'a PatchOp body with a non-empty Operations array is required');
  return operations
    .map((raw, i) => {
      if (!raw || typeof raw !== 'object')
        throw scimError('invalidSyntax', `Operations[${i}] must be an object`);
      const { op, path, value } = raw as { op?: unknown; path?: unknown; value?: unknown };
      const name = typeof op === 'string' ? op.toLowerCase() : '';
      if (!['add', 'replace', 'remove'].includes(name))
        throw scimError('invalidSyntax', `Operations[${i}].op must be add, replace or remove`);
      if (path !== undefined && typeof path !== 'string')
        throw scimError('invalidPath', `Operations[${i}].path must be a string`);
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
