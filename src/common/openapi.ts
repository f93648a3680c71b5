import { OPERATIONS, SCIM_OPERATIONS, SSO_OPERATIONS, type OperationDoc } from './openapi-operations';
import { RESPONSE_SCHEMAS } from './openapi-schemas';

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

interface DocOperation extends Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  requestBody?: unknown;
  responses?: Record<string, { description?: string; content?: Record<string, { schema: unknown }> }>;
}
interface Document {
  paths: Record<string, Record<string, DocOperation>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input (validation_failed lists each field)',
  401: 'No or bad credential',
  403: 'A credential of another tenant, or not allowed (csrf_failed, not an admin)',
  404: 'Not found',
  409: 'Conflict (duplicate, last owner, subgroups)',
  415: 'Not JSON',
  429: 'Too many requests or failed credentials; Retry-After says when to try again',
  503: 'Not ready: the database is unreachable or not migrated',
};

function schemaOf(spec: string): unknown {
  if (spec.includes('|')) return { oneOf: spec.split('|').map(schemaOf) };
  if (spec.startsWith('[')) return { type: 'array', items: schemaOf(spec.slice(1, -1)) };
  if (spec === 'html' || spec === 'xml' || spec === 'text') return { type: 'string' };
  return { $ref: `#/components/schemas/${spec}` };
}

function fill(op: DocOperation, doc: OperationDoc, errorSchema: string, errors: number[], mediaType: string) {
  op.summary ??= doc.summary;
  if (doc.description) op.description ??= doc.description;
  op.responses ??= {};
  for (const [code, answer] of Object.entries(doc.ok)) {
    const current = op.responses[code] ?? {};
    if (!current.content && answer.schema)
      current.content = { [answer.mediaType ?? mediaType]: { schema: schemaOf(answer.schema) } };
    if (!current.description) current.description = answer.description;
    op.responses[code] = current;
  }
  for (const code of [...errors, ...(doc.errors ?? [])].sort()) {
    const content = { [mediaType]: { schema: { $ref: `#/components/schemas/${errorSchema}` } } };
    // A handler's decorator may name the error in words only: the body is still the error schema.
    const declared = op.responses[code];
    if (declared) declared.content ??= content;
    else op.responses[code] = { description: ERROR_TEXT[code] ?? 'Error', content };
  }
}

/**
 * Summaries, answer schemas and error answers for every operation (openapi-operations.ts), the
 * shared ErrorResponse schema, and the SSO and SCIM routes.
 */
export function completeDocument<T extends { paths: Record<string, object> }>(document: T): T {
  const doc = document as unknown as Document;
  doc.components ??= {};
  doc.components.schemas = { ...doc.components.schemas, ...RESPONSE_SCHEMAS };
  doc.components.securitySchemes = {
    ...doc.components.securitySchemes,
    scim: { type: 'http', scheme: 'bearer', description: 'A SCIM token of the tenant' },
    session: { type: 'apiKey', in: 'cookie', name: 'gs_session', description: 'The SSO session of a tenant' },
  };
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const entry = OPERATIONS[`${method.toUpperCase()} ${path}`];
      const hasParams = path.includes('{');
      const errors = path.startsWith('/health') ? [503] : [400, 401, 403, 429, ...(hasParams ? [404] : [])];
      fill(op, entry ?? { summary: '', ok: {} }, 'ErrorResponse', errors, 'application/json');
      if (!op.summary) delete op.summary; // the completeness test names it
    }
  }
  const add = (
    table: Record<string, OperationDoc & { parameters?: string[]; body?: string }>,
    tag: string,
    errorSchema: string,
    errors: number[],
    mediaType: string,
    security: Record<string, string[]>[],
  ) => {
    for (const [key, entry] of Object.entries(table)) {
      const [method, path] = key.split(' ');
      const op: DocOperation = {
        tags: [tag],
        security,
        parameters: (entry.parameters ?? []).map((name) => ({
          name,
          in: 'query',
          required: false,
          schema: { type: 'string' },
        })),
        ...(entry.body
          ? {
              requestBody: {
                required: true,
                content: { [entry.body]: { schema: { type: 'object', additionalProperties: true } } },
              },
            }
          : {}),
      };
      fill(op, entry, errorSchema, [...errors, ...(path.split('{').length > 2 ? [404] : [])], mediaType);
      doc.paths[path] = { ...doc.paths[path], [method.toLowerCase()]: op };
    }
  };
  add(SSO_OPERATIONS, 'sso', 'ErrorResponse', [400, 401, 429], 'application/json', [{}]);
  add(SCIM_OPERATIONS, 'scim', 'ScimError', [400, 401, 403], 'application/scim+json', [{ scim: [] }]);
  return document;
}
