import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server speaking the two Microsoft Graph endpoints groupsync uses: the v2.0 token
 * endpoint (client credentials) and paged `transitiveMemberOf/microsoft.graph.group`. Behaviour per
 * test: `groupsByUser`, `pageSize`, and `fail` to break a given step.
 */
export interface FakeGraphOptions {
  clientId: string;
  clientSecret: string;
  groupsByUser: Record<string, { id: string; displayName: string }[]>;
  pageSize?: number;
  fail?: { token?: number; page?: { number: number; status: number }; hangOnPage?: number };
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
      const all = options.groupsByUser[decodeURIComponent(match[1])];
      if (!all) return json(404, { error: { code: 'Request_ResourceNotFound' } });
      const size = options.pageSize ?? 100;
      const page = Number(url.searchParams.get('page') ?? '1');
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
