/**
 * What never reaches a log line: credentials in headers (API keys, operator and SCIM bearers,
 * session cookies, the CSRF token) and sign-in secrets in query strings (OIDC code and state, SAML
 * messages, tokens). pino applies `REDACTED_PATHS`; request URLs, queries and redirect locations go
 * through `redactUrl`.
 */
export const CENSOR = '[redacted]';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
];

/**
 * Query parameters whose values a log may show; every other value is replaced. An allow-list, as for
 * headers: secrets arrive as `code`, `api_key`, `client_assertion`, `SAMLart`, `x_token`, ... and a
 * deny-list misses the next one. (Names are kept, so a log still shows what was asked.)
 */
const LOGGED_PARAMS = new Set(
  [
    // admin API paging and filters
    'limit',
    'cursor',
    'offset',
    'action',
    'userId',
    'correlationId',
    'since',
    'until',
    'email',
    'dryRun',
    'force',
    // SCIM queries
    'filter',
    'startIndex',
    'count',
    'attributes',
    'excludedAttributes',
    'sortBy',
    'sortOrder',
    // sign-in flows: where to go and what the IdP said, never what proves it
    'returnTo',
    'iss',
    'error',
    'error_description',
    'error_uri',
    'client_id',
    'response_type',
    'response_mode',
    'scope',
    'redirect_uri',
    'code_challenge_method',
    'prompt',
    'SigAlg',
  ].map((name) => name.toLowerCase()),
);

const isSecret = (name: string) => !LOGGED_PARAMS.has(name.toLowerCase());

/** The URL with the values of secret query parameters replaced; path and other parameters kept. */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const query = url
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = decodeSafely(eq < 0 ? pair : pair.slice(0, eq));
      return eq >= 0 && isSecret(name) ? `${pair.slice(0, eq)}=${CENSOR}` : pair;
    })
    .join('&');
  return `${url.slice(0, at)}?${query}`;
}

export function redactQuery(query: unknown): unknown {
  if (!query || typeof query !== 'object') return query;
  return Object.fromEntries(
    Object.entries(query as Record<string, unknown>).map(([k, v]) => [k, isSecret(k) ? CENSOR : v]),
  );
}

/**
 * Request headers a log may show. An allow-list: credentials arrive under many names (X-Auth-Token,
 * X-XSRF-Token, vendor headers), and a deny-list misses the next one.
 */
const LOGGED_HEADERS = new Set([
  'host',
  'user-agent',
  'accept',
  'accept-encoding',
  'accept-language',
  'content-type',
  'content-length',
  'origin',
  'referer',
  'x-correlation-id',
  'x-request-id',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
]);

function redactHeaders(headers: unknown): unknown {
  if (!headers || typeof headers !== 'object') return headers;
  return Object.fromEntries(
    Object.entries(headers as Record<string, unknown>).map(([name, value]) => {
      const lower = name.toLowerCase();
      if (!LOGGED_HEADERS.has(lower)) return [name, CENSOR];
      return [name, lower === 'referer' && typeof value === 'string' ? redactUrl(value) : value];
    }),
  );
}

/** pino-http's request serializer, applied after the standard one. */
export function redactRequest<T extends { url?: string; query?: unknown; headers?: unknown }>(req: T): T {
  return {
    ...req,
    url: req.url && redactUrl(req.url),
    query: redactQuery(req.query),
    headers: redactHeaders(req.headers),
  };
}

/** pino-http's response serializer: a redirect's Location carries the same secrets (OIDC state, SAMLRequest). */
export function redactResponse<T extends { headers?: Record<string, unknown> }>(res: T): T {
  const location = res.headers?.location;
  if (typeof location !== 'string') return res;
  return { ...res, headers: { ...res.headers, location: redactUrl(location) } };
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
