import { forbiddenSegment } from '../common/safe-input';
import { scimError } from './scim-error';

const PATH_QUERIES = ['filter', 'attributes', 'excludedAttributes', 'sortBy'];

/** A bad filter is `invalidFilter` (RFC 7644 3.4.2.2), any other path `invalidPath`. */
const refuse = (where: string, segment: string) =>
  scimError(
    where === 'filter' ? 'invalidFilter' : 'invalidPath',
    `${where}: "${segment}" is not an attribute name and is not allowed in a path`,
  );

/**
 * SCIM names attributes in string values too (PATCH `path`, `filter`, `attributes`): none of them
 * may name a prototype (`__proto__.x`, `constructor.prototype.x`) before a patcher or filter walks
 * it. Keys of every body are refused the same way by the global input guard.
 */
export function refuseForbiddenPaths(body: unknown, query: Record<string, unknown>): void {
  for (const name of PATH_QUERIES) {
    const value = query[name];
    const found = typeof value === 'string' ? forbiddenSegment(value) : null;
    if (found) throw refuse(name, found);
  }
  if (!body || typeof body !== 'object') return;
  const operations = Object.entries(body).find(([k]) => k.toLowerCase() === 'operations')?.[1];
  if (!Array.isArray(operations)) return;
  operations.forEach((operation: unknown, i) => {
    if (!operation || typeof operation !== 'object') return;
    for (const [key, value] of Object.entries(operation))
      if (key.toLowerCase() === 'path' && typeof value === 'string') {
        const found = forbiddenSegment(value);
        if (found) throw refuse(`Operations[${i}].path`, found);
      }
  });
}
