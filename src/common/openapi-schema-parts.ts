// The building blocks of the OpenAPI response schemas (openapi-schemas.ts and its siblings).
export type Schema = Record<string, unknown>;

export const s = { type: 'string' };
export const ns = { type: 'string', nullable: true };
export const time = { type: 'string', format: 'date-time' };
export const ntime = { type: 'string', format: 'date-time', nullable: true };
export const int = { type: 'integer' };
export const bool = { type: 'boolean' };
export const uuid = { type: 'string', format: 'uuid' };
export const anyObject = { type: 'object', nullable: true, additionalProperties: true };
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const arrayOf = (items: Schema) => ({ type: 'array', items });
/** A built-in role (guest, reporter, developer, maintainer, owner) or one of the tenant's custom roles. */
export const role = {
  type: 'string',
  description: 'A role of the tenant: a built-in one (guest .. owner) or a custom one (GET .../roles)',
};
export const source = { type: 'string', enum: ['manual', 'sync', 'scim'] };

/** An object whose listed properties are all required (nullable ones say so). */
export const obj = (properties: Record<string, Schema>, optional: string[] = []): Schema => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
});
export const page = (item: string, description: string) => ({
  ...obj({
    items: arrayOf(ref(item)),
    nextCursor: { ...ns, description: 'Pass as ?cursor= for the next page; null at the end' },
  }),
  description,
});

export const reasoned = (extra: Record<string, Schema>) => obj({ ...extra, reason: s });
