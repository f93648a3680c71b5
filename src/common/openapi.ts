/**
 * Path parameters that no handler declares with @Param (the tenant comes from the guard through
 * @CurrentTenant) are missing from the document Nest generates; a client generated from it could
 * not fill in `{tenant}`. This adds every `{name}` of a path that an operation does not declare.
 */
interface Operation {
  parameters?: { name: string; in: string }[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

export function declarePathParameters<T extends { paths: Record<string, object> }>(document: T): T {
  for (const [path, item] of Object.entries(document.paths)) {
    const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (!op) continue;
      const declared = new Set((op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name));
      const missing = names.filter((n) => !declared.has(n));
      if (missing.length === 0) continue;
      op.parameters = [
        ...missing.map((name) => ({
          name,
          in: 'path',
          required: true,
          schema: { type: 'string' },
          ...(name === 'tenant' ? { description: 'The workspace (tenant) slug' } : {}),
        })),
        ...(op.parameters ?? []),
      ];
    }
  }
  return document;
}
