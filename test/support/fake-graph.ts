import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server speaking the Microsoft Graph endpoints groupsync uses: the v2.0 token
 * endpoint (client credentials), paged `transitiveMemberOf/microsoft.graph.group` and `users/{id}`.
 * Behaviour per test: `groupsByUser` (a user not in it does not exist: 404 Request_ResourceNotFound),
 * `pageSize`, `fail` to break a given step for everyone, `failFor` for one user. The options object
 * is read at every request, so a test may change it between runs.
 */
export interface FakeGraphOptions {
  clientId: string;
  clientSecret: string;
  groupsByUser: Record<string, { id: string; displayName: string }[]>;
  pageSize?: number;
  fail?: { token?: number; page?: { number: number; status: number }; hangOnPage?: number };
  /** One user's lookups break: a status on a page (429 with Retry-After), or a page without `value`. */
  failFor?: Record<string, { page: number; status?: number; retryAfter?: number; noValue?: boolean }>;
  /** Next-page links point at this server instead (a Graph that tries to send the token elsewhere). */
  nextLinkBase?: string;
}

export interface FakeGraph {
  url: string;
  tokenUrl: string;
  requests: string[];
  close(): Promise<void>;
}

export async function startFakeGraph(options: FakeGraphOptions): Promise<FakeGraph> {
  const requests: string[] = [];
  const token = 'graph-test-token';
  let base = '';
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', base);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'POST' && url.pathname.endsWith('/oauth2/v2.0/token')) {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      if (options.fail?.token) return json(options.fail.token, { error: 'invalid_client' });
      const ok =
        form.get('grant_type') === 'client_credentials' &&
        form.get('client_id') === options.clientId &&
        form.get('client_secret') === options.clientSecret &&
        form.get('scope')?.endsWith('/.default');
      return ok
        ? json(200, { token_type: 'Bearer', expires_in: 3599, access_token: token })
        : json(401, { error: 'invalid_client' });
    }
    const match = /^\/v1\.0\/users\/([^/]+)\/transitiveMemberOf\/microsoft\.graph\.group$/.exec(url.pathname);
    if (req.method === 'GET' && match) {
      if (req.headers.authorization !== `Bearer ${token}`)
        return json(401, { error: { code: 'InvalidAuthenticationToken' } });
      const userId = decodeURIComponent(match[1]);
      const page = Number(url.searchParams.get('page') ?? '1');
      const broken = options.failFor?.[userId];
      if (broken?.page === page && broken.noValue) return json(200, { '@odata.context': 'x' });
      if (broken?.page === page) {
        if (broken.retryAfter) res.setHeader('retry-after', String(broken.retryAfter));
        return json(broken.status ?? 500, {
          error: { code: broken.status === 404 ? 'NotFound' : 'Throttled' },
        });
      }
      const all = options.groupsByUser[userId];
      if (!all) return json(404, { error: { code: 'Request_ResourceNotFound' } });
      const size = options.pageSize ?? 100;
      if (options.fail?.hangOnPage === page) return; // never answers
      if (options.fail?.page?.number === page)
        return json(options.fail.page.status, { error: { code: 'Authorization_RequestDenied' } });
      const value = all
        .slice((page - 1) * size, page * size)
        .map((g) => ({ '@odata.type': '#microsoft.graph.group', ...g }));
      const more = page * size < all.length;
      const next = new URL(`${url.pathname}${url.search}`, options.nextLinkBase ?? base);
      next.searchParams.set('page', String(page + 1));
      return json(200, {
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directoryObjects',
        value,
        ...(more ? { '@odata.nextLink': next.toString() } : {}),
      });
    }
    const user = /^\/v1\.0\/users\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && user) {
      if (req.headers.authorization !== `Bearer ${token}`)
        return json(401, { error: { code: 'InvalidAuthenticationToken' } });
      const id = decodeURIComponent(user[1]);
      return options.groupsByUser[id]
        ? json(200, { id })
        : json(404, { error: { code: 'Request_ResourceNotFound' } });
    }
    json(404, { error: { code: 'NotFound' } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    tokenUrl: `${base}/contoso-tenant/oauth2/v2.0/token`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
