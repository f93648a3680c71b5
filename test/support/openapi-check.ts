/**
 * A small checker for the subset of OpenAPI 3.0 schemas the document uses (type, nullable, enum,
 * properties, required, items, $ref, oneOf, allOf): enough to hold live answers to their schemas
 * without a validator dependency. Returns the problems, each with its JSON path.
 */
type Schema = Record<string, unknown>;

export function checkAgainst(
  value: unknown,
  schema: Schema,
  schemas: Record<string, Schema>,
  path = '$',
): string[] {
  if (typeof schema.$ref === 'string')
    return checkAgainst(value, schemas[schema.$ref.split('/').pop()!], schemas, path);
  if (Array.isArray(schema.allOf))
    return (schema.allOf as Schema[]).flatMap((s) => checkAgainst(value, s, schemas, path));
  if (Array.isArray(schema.oneOf)) {
    const fits = (schema.oneOf as Schema[]).filter((s) => checkAgainst(value, s, schemas, path).length === 0);
    return fits.length >= 1 ? [] : [`${path}: matches none of oneOf`];
  }
  if (value === null) return schema.nullable ? [] : [`${path}: null but not nullable`];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    return [`${path}: ${String(value)} not in enum`];
  const type = schema.type as string | undefined;
  if (type === 'array') {
    if (!Array.isArray(value)) return [`${path}: not an array`];
    return value.flatMap((v, i) => checkAgainst(v, (schema.items as Schema) ?? {}, schemas, `${path}[${i}]`));
  }
  if (type === 'object') {
    if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: not an object`];
    const record = value as Record<string, unknown>;
    const props = (schema.properties as Record<string, Schema>) ?? {};
    const problems = ((schema.required as string[]) ?? [])
      .filter((k) => !(k in record))
      .map((k) => `${path}.${k}: missing`);
    for (const [k, v] of Object.entries(record)) {
      if (props[k]) problems.push(...checkAgainst(v, props[k], schemas, `${path}.${k}`));
      else if (schema.additionalProperties === undefined && Object.keys(props).length > 0)
        problems.push(`${path}.${k}: not in the schema`);
    }
    return problems;
  }
  if (type === 'integer') return Number.isInteger(value) ? [] : [`${path}: not an integer`];
  if (type === 'number') return typeof value === 'number' ? [] : [`${path}: not a number`];
  if (type === 'string' || type === 'boolean') return typeof value === type ? [] : [`${path}: not a ${type}`];
  return [];
}
