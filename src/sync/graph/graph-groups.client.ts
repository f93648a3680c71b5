import { guardedFetch, OutboundError } from '../../common/guarded-fetch';

/**
 * Completes a truncated Entra ID group claim ("overage") from Microsoft Graph: a client-credentials
 * token, then every page of `/v1.0/users/{id}/transitiveMemberOf/microsoft.graph.group`. Only a
 * complete answer counts; any error, timeout or missing page gives `complete: false` with the reason,
 * so the sync adds but never removes. Plain fetch, no SDK: two endpoints, both configurable, so tests
 * (and sovereign clouds) point it elsewhere.
 */
export interface GraphSettings {
  /** Entra directory (tenant) id or domain, used in the default token URL. */
  directoryId: string;
  clientId: string;
  clientSecret: string;
  /** Default: https://login.microsoftonline.com/{directoryId}/oauth2/v2.0/token */
  tokenUrl?: string;
  /** Default: https://graph.microsoft.com */
  baseUrl?: string;
  /** Per request. Default 5 s. */
  timeoutMs?: number;
  /** Safety stop. Default 50 pages (50 x 999 groups). */
  maxPages?: number;
}

export type GraphGroupsResult =
  { complete: true; groups: { id: string; displayName: string | null }[]; pages: number } | GraphFailure;

/** Why a lookup gave no complete list; `notFound`: the first page answered 404, `retryAfterSeconds`: 429. */
interface GraphFailure {
  complete: false;
  reason: string;
  notFound?: true;
  retryAfterSeconds?: number;
}

interface GraphPage {
  value?: { id?: unknown; displayName?: unknown }[];
  '@odata.nextLink'?: unknown;
}

/** The settings with their defaults applied. */
function resolved(settings: GraphSettings) {
  return {
    timeoutMs: settings.timeoutMs ?? 5000,
    maxPages: settings.maxPages ?? 50,
    tokenUrl:
      settings.tokenUrl ??
      `https://login.microsoftonline.com/${encodeURIComponent(settings.directoryId)}/oauth2/v2.0/token`,
    baseUrl: (settings.baseUrl ?? 'https://graph.microsoft.com').replace(/\/+$/, ''),
  };
}

export async function fetchTransitiveGroups(
  settings: GraphSettings,
  userObjectId: string,
): Promise<GraphGroupsResult> {
  const token = await fetchGraphToken(settings);
  if (!token.ok) return { complete: false, reason: token.reason };
  return fetchGroupsWithToken(settings, token.token, userObjectId);
}

/** A client-credentials token for Graph; one serves a whole run of lookups. */
export async function fetchGraphToken(
  settings: GraphSettings,
): Promise<{ ok: true; token: string } | { ok: false; reason: string }> {
  const { timeoutMs, tokenUrl, baseUrl } = resolved(settings);
  try {
    const tokenResponse = await guardedFetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: settings.clientId,
        client_secret: settings.clientSecret,
        scope: `${baseUrl}/.default`,
      }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!tokenResponse.ok)
      return { ok: false, reason: `Graph token endpoint answered ${tokenResponse.status}` };
    const token = ((await tokenResponse.json()) as { access_token?: unknown }).access_token;
    if (typeof token !== 'string' || token === '')
      return { ok: false, reason: 'Graph token endpoint returned no access_token' };
    return { ok: true, token };
  } catch (error) {
    return { ok: false, reason: failureReason(error) };
  }
}

/** Every page of the user's transitive group memberships, or why not. */
export async function fetchGroupsWithToken(
  settings: GraphSettings,
  token: string,
  userObjectId: string,
): Promise<GraphGroupsResult> {
  const { timeoutMs, maxPages, baseUrl } = resolved(settings);
  try {
    const groups: { id: string; displayName: string | null }[] = [];
    let url: string | null =
      `${baseUrl}/v1.0/users/${encodeURIComponent(userObjectId)}/transitiveMemberOf/microsoft.graph.group?$select=id,displayName&$top=999`;
    let pages = 0;
    while (url) {
      if (pages >= maxPages)
        return { complete: false, reason: `Graph paging stopped after ${maxPages} pages` };
      const response = await guardedFetch(url, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(timeoutMs),
      });
      pages++;
      if (!response.ok) return pageFailure(response, pages);
      const page = (await response.json()) as GraphPage;
      if (!Array.isArray(page.value))
        return { complete: false, reason: `Graph page ${pages} has no value array` };
      for (const item of page.value) {
        if (typeof item.id !== 'string')
          return { complete: false, reason: `Graph page ${pages} has a group without id` };
        groups.push({
          id: item.id,
          displayName: typeof item.displayName === 'string' ? item.displayName : null,
        });
      }
      const next = page['@odata.nextLink'];
      url = typeof next === 'string' && next !== '' ? next : null;
      // The bearer token goes only where the operator pointed Graph, not wherever a page says.
      if (url && !sameOrigin(url, baseUrl))
        return { complete: false, reason: `Graph page ${pages} links to another server` };
    }
    return { complete: true, groups, pages };
  } catch (error) {
    return { complete: false, reason: failureReason(error) };
  }
}

/**
 * Whether Graph says the user object does not exist: `GET /users/{id}` answering 404 with Graph's
 * `Request_ResourceNotFound`. Anything else (a 404 without that code, a network error) is not proof.
 */
export async function graphUserGone(
  settings: GraphSettings,
  token: string,
  userObjectId: string,
): Promise<boolean> {
  const { timeoutMs, baseUrl } = resolved(settings);
  try {
    const response = await guardedFetch(
      `${baseUrl}/v1.0/users/${encodeURIComponent(userObjectId)}?$select=id`,
      { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) },
    );
    if (response.status !== 404) return false;
    const body = (await response.json().catch(() => null)) as { error?: { code?: unknown } } | null;
    return body?.error?.code === 'Request_ResourceNotFound';
  } catch {
    return false;
  }
}

function pageFailure(response: Response, page: number): GraphFailure {
  const failure: GraphFailure = {
    complete: false,
    reason: `Graph answered ${response.status} on page ${page}`,
  };
  if (response.status === 404 && page === 1) failure.notFound = true;
  if (response.status === 429) {
    const seconds = Number(response.headers.get('retry-after'));
    failure.retryAfterSeconds = Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 3600) : 60;
  }
  return failure;
}

// Network failures of every kind read alike (the audit must not map a network); the log has why.
function failureReason(error: unknown): string {
  return error instanceof OutboundError
    ? 'Microsoft Graph could not be reached'
    : `Graph request failed: ${(error as Error)?.message ?? String(error)}`;
}

function sameOrigin(url: string, base: string): boolean {
  try {
    return new URL(url).origin === new URL(base).origin;
  } catch {
    return false;
  }
}
