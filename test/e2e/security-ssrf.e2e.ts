import { createServer, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import request from 'supertest';
import { configureOutbound, OutboundPolicy } from '../../src/common/guarded-fetch';
import { IdentityProvider } from '../../src/identity-providers/identity-provider.entity';
import { expectErrorShape, newApiKey, newTenant } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { startTestOidcProvider, TestOidcProvider } from '../support/test-oidc-provider';

// App start-up and the test IdPs are CPU work: on a loaded machine they outlast Jest's default 5 s.
jest.setTimeout(60_000);

/**
 * Server-side request forgery through a tenant's IdP settings: a tenant API key sets an OIDC issuer
 * (or endpoints, or Graph URLs) on an internal address, and the anonymous login URL makes the
 * service fetch it. The "internal service" here is a real HTTP server on loopback that answers a
 * valid discovery document and counts every TCP connection it gets.
 */
describe('SSRF: IdP URLs on internal addresses (ALLOW_PRIVATE_NETWORK off)', () => {
  let t: TestApp;
  let internal: Server;
  let port: number;
  let closedPort: number;
  let connections: string[];
  let previous: OutboundPolicy;
  let tenant: string;
  let key: Awaited<ReturnType<typeof newApiKey>>;

  beforeAll(async () => {
    connections = [];
    internal = createServer((req, res) => {
      const base = `http://${req.headers.host}`;
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          issuer: base,
          authorization_endpoint: `${base}/authorize`,
          token_endpoint: `${base}/token`,
          jwks_uri: `${base}/jwks`,
        }),
      );
    });
    internal.on('connection', (socket: Socket) => connections.push(socket.remoteAddress ?? '?'));
    // '::' takes IPv4 loopback (as ::ffff:127.0.0.1) and IPv6 loopback alike.
    await new Promise<void>((r) => internal.listen(0, '::', r));
    port = (internal.address() as AddressInfo).port;
    const spare = createServer();
    await new Promise<void>((r) => spare.listen(0, '127.0.0.1', r));
    closedPort = (spare.address() as AddressInfo).port;
    await new Promise((r) => spare.close(r));

    t = await startTestApp({ ALLOW_PRIVATE_NETWORK: 'false' });
    // A name only the guard's resolver knows, pointing at loopback (as a hostile DNS record would).
    previous = configureOutbound({
      allowPrivateNetwork: false,
      resolve: async (host) => {
        if (host === 'idp.internal.test') return [{ address: '127.0.0.1', family: 4 }];
        throw new Error(`ENOTFOUND ${host}`);
      },
    });
    tenant = (await newTenant(t)).slug;
    key = await newApiKey(t, tenant);
  });
  afterAll(async () => {
    configureOutbound(previous);
    await t.close();
    await new Promise((r) => internal.close(r));
  });

  const literalUrls = () => [
    `http://127.0.0.1:${port}`,
    'http://10.0.0.8',
    'http://169.254.169.254/latest/meta-data',
    `http://[::1]:${port}`,
    `http://[::ffff:127.0.0.1]:${port}`,
    `http://localhost:${port}`,
  ];

  it('refuses a tenant key writing an issuer, endpoint or Graph URL on a literal internal address (400 naming the field, nothing written)', async () => {
    const idps = () => t.dataSource.getRepository(IdentityProvider).countBy({});
    const before = await idps();
    for (const issuer of literalUrls()) {
      const res = await key
        .as('post', `/api/v1/tenants/${tenant}/identity-providers`)
        .send({ slug: 'inside', type: 'oidc', issuer, clientId: 'c', clientSecret: 's' });
      expect([issuer, res.status]).toEqual([issuer, 400]);
      expectErrorShape(res.body, 400, 'invalid_identity_provider');
      expect(res.body.details).toEqual({ field: 'issuer' });
      expect(res.body.message).toMatch(/^issuer points at a (loopback|private|link-local) address/);
    }
    const explicit = await key.as('post', `/api/v1/tenants/${tenant}/identity-providers`).send({
      slug: 'inside',
      type: 'oidc',
      authorizationUrl: 'https://idp.example.com/authorize',
      tokenUrl: 'https://idp.example.com/token',
      jwksUrl: `http://[::ffff:a9fe:a9fe]/keys`,
      clientId: 'c',
      clientSecret: 's',
    });
    expect(explicit.status).toBe(400);
    expect(explicit.body.details).toEqual({ field: 'jwksUrl' });
    const graph = await key.as('post', `/api/v1/tenants/${tenant}/identity-providers`).send({
      slug: 'inside',
      type: 'oidc',
      issuer: 'https://idp.example.com',
      clientId: 'c',
      clientSecret: 's',
      graph: { directoryId: 'contoso', baseUrl: 'http://192.168.1.20' },
    });
    expect(graph.status).toBe(400);
    expect(graph.body.details).toEqual({ field: 'graph.baseUrl' });
    await key
      .as('post', `/api/v1/tenants/${tenant}/identity-providers`)
      .send({
        slug: 'public',
        type: 'oidc',
        issuer: 'https://idp.example.com',
        clientId: 'c',
        clientSecret: 's',
      })
      .expect(201);
    const patch = await key
      .as('patch', `/api/v1/tenants/${tenant}/identity-providers/public`)
      .send({ graph: { directoryId: 'contoso', tokenUrl: 'http://100.64.0.1/token' } });
    expect(patch.status).toBe(400);
    expect(patch.body.details).toEqual({ field: 'graph.tokenUrl' });
    expect(await idps()).toBe(before + 1);
    expect(connections).toEqual([]);
  });

  /** An IdP stored with an internal URL (created while allowed, or before this check existed). */
  const storedIdp = async (slug: string, issuer: string) => {
    await key
      .as('post', `/api/v1/tenants/${tenant}/identity-providers`)
      .send({ slug, type: 'oidc', issuer: 'https://idp.example.com', clientId: 'c', clientSecret: 's' })
      .expect(201);
    const repo = t.dataSource.getRepository(IdentityProvider);
    const idp = await repo.findOneByOrFail({ slug });
    await repo.update({ id: idp.id }, { config: { ...idp.config, issuer }, updatedAt: new Date() });
  };

  it('never connects to an internal issuer from the anonymous login URL, and the audit cannot tell open ports from closed ones', async () => {
    const targets: [string, string][] = [
      ['loopback', `http://127.0.0.1:${port}`],
      ['loopback-closed', `http://127.0.0.1:${closedPort}`],
      ['localhost', `http://localhost:${port}`],
      ['ipv6-loopback', `http://[::1]:${port}`],
      ['mapped', `https://[::ffff:127.0.0.1]:${port}`],
      ['mapped-hex', `https://[::ffff:7f00:1]:${port}`],
      ['private', 'https://10.0.0.8'],
      ['metadata', 'https://169.254.169.254'],
      ['dns-to-loopback', `https://idp.internal.test:${port}`],
    ];
    for (const [slug, issuer] of targets) {
      await storedIdp(slug, issuer);
      const res = await request(t.http).get(`/sso/${tenant}/${slug}/login`);
      expect([slug, res.status]).toEqual([slug, 401]);
      expect(res.text).toContain('Could not reach the identity provider');
      expect(res.text).not.toContain(String(port));
    }
    expect(connections).toEqual([]);
    const audit = await key
      .as('get', `/api/v1/tenants/${tenant}/audit-events?action=sso.sign_in_refused&limit=50`)
      .expect(200);
    const details = (audit.body.items as { details: Record<string, unknown> }[]).map((e) => {
      // Per-IdP bookkeeping of the aggregated refusal (item 6) aside, the records must be identical.
      const { idp: _idp, aggregated: _a, count: _c, firstAt: _f, lastAt: _l, ...rest } = e.details;
      return JSON.stringify(rest);
    });
    expect(details).toHaveLength(targets.length);
    // One and the same record for a refused address, an open port and a closed one.
    expect(new Set(details).size).toBe(1);
    expect(JSON.parse(details[0])).toEqual({
      code: 'oidc_idp_unreachable',
      reason: 'could not reach the identity provider',
      detail: 'network error or not an OpenID provider (the service log has the detail)',
    });
  });
});

describe('SSRF guard with ALLOW_PRIVATE_NETWORK=true (local IdPs in development and tests)', () => {
  let t: TestApp;
  let op: TestOidcProvider;

  beforeAll(async () => {
    op = await startTestOidcProvider({
      clients: [
        {
          client_id: 'groupsync',
          client_secret: 'oidc-client-secret',
          redirect_uris: ['http://sso.test/sso/local/loop/callback'],
        },
      ],
      accounts: { ada: { email: 'ada@example.com', email_verified: true, name: 'Ada' } },
    });
    t = await startTestApp({ ALLOW_PRIVATE_NETWORK: 'true' });
  });
  afterAll(async () => {
    await t.close();
    await op.close();
  });

  it('accepts an issuer on 127.0.0.1 and signs in through it', async () => {
    await newTenant(t, 'local');
    await t.op
      .post('/api/v1/tenants/local/identity-providers')
      .send({
        slug: 'loop',
        type: 'oidc',
        issuer: op.issuer,
        clientId: 'groupsync',
        clientSecret: 'oidc-client-secret',
      })
      .expect(201);
    const start = await request(t.http).get('/sso/local/loop/login');
    expect(start.status).toBe(302);
    expect(start.headers.location.startsWith(op.issuer)).toBe(true);
    const back = await op.signIn(start.headers.location, 'ada');
    const done = await request(t.http)
      .get(back.pathname + back.search)
      .set(
        'Cookie',
        ([] as string[]).concat(start.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]),
      );
    expect(done.status).toBe(302);
    expect(done.headers.location).toBe('/sso/local/me');
  });
});
