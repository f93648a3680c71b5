import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { classifyAddress } from './network-address';
import {
  configureOutbound,
  guardedFetch,
  GuardedRequestInit,
  OutboundError,
  OutboundPolicy,
  UNREACHABLE_MESSAGE,
} from './guarded-fetch';

/**
 * Real HTTP servers on loopback. "public.example" does not exist in DNS: the test resolver gives it
 * 127.0.0.2, and the test classifier calls 127.0.0.2 public, so it stands in for a public IdP;
 * 127.0.0.1 plays the internal service an attacker wants to reach.
 */
describe('guardedFetch (server-side requests to tenant URLs)', () => {
  let publicServer: Server;
  let internalServer: Server;
  let publicPort: number;
  let internalPort: number;
  let internalHits: string[];
  let nextRedirect: string | null;
  let previous: OutboundPolicy;

  const listen = (server: Server, host: string) =>
    new Promise<number>((resolve) =>
      server.listen(0, host, () => resolve((server.address() as AddressInfo).port)),
    );

  const resolveCalls: string[] = [];
  const testPolicy = (over: Partial<OutboundPolicy> = {}): Partial<OutboundPolicy> => ({
    resolve: async (host) => {
      resolveCalls.push(host);
      if (host === 'public.example') return [{ address: '127.0.0.2', family: 4 }];
      if (host === 'split.example')
        return [
          { address: '127.0.0.2', family: 4 },
          { address: '10.0.0.7', family: 4 },
        ];
      if (host === 'localhost') return [{ address: '127.0.0.1', family: 4 }];
      throw new Error(`ENOTFOUND ${host}`);
    },
    classify: (address) => (address === '127.0.0.2' ? null : classifyAddress(address)),
    ...over,
  });

  beforeAll(async () => {
    publicServer = createServer((req, res) => {
      if (nextRedirect) res.writeHead(302, { location: nextRedirect }).end();
      else
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ host: req.headers.host }));
    });
    internalServer = createServer((req, res) => {
      internalHits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"secret":"metadata"}');
    });
    publicPort = await listen(publicServer, '127.0.0.2');
    internalPort = await listen(internalServer, '127.0.0.1');
    previous = configureOutbound({});
  });
  afterAll(async () => {
    configureOutbound(previous);
    await new Promise((r) => publicServer.close(r));
    await new Promise((r) => internalServer.close(r));
  });
  beforeEach(() => {
    internalHits = [];
    nextRedirect = null;
    resolveCalls.length = 0;
    configureOutbound(testPolicy());
  });

  const refused = async (url: string, init?: GuardedRequestInit) => {
    const error = await guardedFetch(url, init).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OutboundError);
    expect((error as Error).message).toBe(UNREACHABLE_MESSAGE);
  };

  it.each([
    'http://127.0.0.1:PORT/secret',
    'http://[::1]:PORT/secret',
    'http://[::ffff:127.0.0.1]:PORT/secret',
    'http://[::ffff:7f00:1]:PORT/secret',
    'http://0x7f000001:PORT/secret',
    'http://localhost:PORT/secret',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1:PORT/',
    'http://split.example:PORT/',
    'ftp://public.example/',
  ])('refuses %s without connecting', async (template) => {
    await refused(template.replace('PORT', String(internalPort)));
    expect(internalHits).toEqual([]);
  });

  it('reaches a public name at the address it checked (the name exists only in the guard resolver)', async () => {
    const response = await guardedFetch(
      `http://public.example:${publicPort}/.well-known/openid-configuration`,
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ host: `public.example:${publicPort}` });
    expect(response.url).toBe(`http://public.example:${publicPort}/.well-known/openid-configuration`);
  });

  it.each([
    ['an internal address', () => `http://127.0.0.1:${internalPort}/secret`],
    ['a name resolving to loopback', () => `http://localhost:${internalPort}/secret`],
    ['the metadata service', () => 'http://169.254.169.254/latest/meta-data/'],
  ])('re-checks a redirect from a public host to %s', async (_what, target) => {
    nextRedirect = target();
    await refused(`http://public.example:${publicPort}/start`);
    expect(internalHits).toEqual([]);
  });

  it('resolves once per hop and connects to that address (no rebinding window)', async () => {
    let calls = 0;
    configureOutbound(
      testPolicy({
        resolve: async () => {
          calls++;
          // A rebinding DNS answers "public" first and "internal" afterwards.
          return [{ address: calls === 1 ? '127.0.0.2' : '127.0.0.1', family: 4 }];
        },
      }),
    );
    const response = await guardedFetch(`http://rebind.example:${publicPort}/`);
    expect(response.status).toBe(200);
    expect(calls).toBe(1);
    expect(internalHits).toEqual([]);
  });

  it('answers a closed port, a refused address and an unknown name with the same error', async () => {
    const spare = createServer();
    const closedPort = await listen(spare, '127.0.0.2');
    await new Promise((r) => spare.close(r));
    await refused(`http://public.example:${closedPort}/`);
    await refused('http://nowhere.example/');
    await refused(`http://127.0.0.1:${internalPort}/`);
  });

  it('returns a redirect unfollowed when asked to (openid-client uses redirect: manual)', async () => {
    nextRedirect = `http://127.0.0.1:${internalPort}/secret`;
    const response = await guardedFetch(`http://public.example:${publicPort}/`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(internalHits).toEqual([]);
  });

  it('with ALLOW_PRIVATE_NETWORK the operator may reach local servers, redirects included', async () => {
    configureOutbound(testPolicy({ allowPrivateNetwork: true }));
    expect((await guardedFetch(`http://127.0.0.1:${internalPort}/direct`)).status).toBe(200);
    nextRedirect = `http://localhost:${internalPort}/via-redirect`;
    expect(await (await guardedFetch(`http://public.example:${publicPort}/`)).json()).toEqual({
      secret: 'metadata',
    });
    expect(internalHits).toEqual(['/direct', '/via-redirect']);
  });

  it('sends a form body and method like fetch does', async () => {
    configureOutbound(testPolicy({ allowPrivateNetwork: true }));
    const echo = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ method: req.method, type: req.headers['content-type'], text })),
      );
    });
    const port = await listen(echo, '127.0.0.1');
    try {
      const answer = await guardedFetch(`http://127.0.0.1:${port}/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
      });
      expect(await answer.json()).toEqual({
        method: 'POST',
        type: 'application/x-www-form-urlencoded;charset=UTF-8',
        text: 'grant_type=client_credentials',
      });
    } finally {
      await new Promise((r) => echo.close(r));
    }
  });
});
