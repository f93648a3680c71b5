import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

/** The CSRF token of the current session (operator or workspace admin); sent with unsafe methods. */
let csrfToken: string | null = null;
export const setCsrfToken = (token: string | null) => {
  csrfToken = token;
};

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const csrf: Middleware = {
  onRequest({ request }) {
    if (!SAFE.has(request.method) && csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
};

/** The typed client: paths, parameters and bodies come from the service's OpenAPI document. */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(csrf);

interface FieldProblem {
  field: string;
  problems: string[];
}

/** The API's one error shape, kept whole so forms can show each problem where it belongs. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly correlationId?: string,
  ) {
    super(message);
  }

  /** Problems of one field from a validation_failed answer. */
  fieldProblems(field: string): string[] {
    if (!Array.isArray(this.details)) return [];
    return (this.details as FieldProblem[])
      .filter((d) => d.field === field || d.field.startsWith(`${field}.`))
      .flatMap((d) => d.problems);
  }
}

/**
 * Answers without a response schema in the document are typed by the caller (types.ts); every
 * non-2xx answer becomes an ApiError.
 */
type Answer = { data?: unknown; error?: unknown; response: Response };
export async function unwrap<T>(call: Answer | Promise<Answer>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) {
    const e = (error ?? {}) as { code?: string; message?: string; details?: unknown; correlationId?: string };
    throw new ApiError(
      response.status,
      e.code ?? `http_${response.status}`,
      e.message ?? response.statusText,
      e.details,
      e.correlationId,
    );
  }
  return data as T;
}
