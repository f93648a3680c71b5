import request from 'supertest';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { User } from '../../src/users/user.entity';
import { newGroup, newGroupLink, newUser } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { startTestOidcProvider, TestOidcProvider } from '../support/test-oidc-provider';
import { FakeGraph, startFakeGraph } from '../support/fake-graph';

const TENANT = 'oidc-acme';
const callback = (idp: string) => `http://sso.test/sso/${TENANT}/${idp}/callback`;

/** A browser: keeps our app's cookies, and walks the provider's pages with the test provider's helper. */
class Browser {
  cookies = new Map<string, string>();
  constructor(private readonly t: TestApp) {}
  private header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  private keep(res: request.Response) {
    for (const line of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
      const [pair] = line.split(';');
      const [name, ...value] = pair.split('=');
      if (/Expires=Thu, 01 Jan 1970/i.test(line) || value.join('=') === '') this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.join('='));
    }
  }
  async get(path: string) {
    const res = await request(this.t.http).get(path).set('Cookie', this.header());
    this.keep(res);
    return res;
  }
  async post(path: string, headers: Record<string, string> = {}) {
    const res = await request(this.t.http).post(path).set('Cookie', this.header()).set(headers);
    this.keep(res);
    return res;
  }
  /** Login at our app, sign in at the provider as `account`, come back to our callback. */
  async signIn(op: TestOidcProvider, idp: string, account: string, returnTo?: string) {
    const start = await this.get(
      `/sso/${TENANT}/${idp}/login${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`,
    );
    expect(start.status).toBe(302);
    const back = await op.signIn(start.headers.location, account);
    return this.get(back.pathname + back.search);
  }
}

describe('OIDC sign-in with group sync (real OpenID provider on 127.0.0.1)', () => {
  let t: TestApp;
  let op: TestOidcProvider;
  let slim: TestOidcProvider; // groups only in userinfo, PKCE not required
  const accounts: Record<string, Record<string, unknown>> = {
    ada: {
      email: 'ada@example.com',
      email_verified: true,
      name: 'Ada Lovelace',
      groups: ['Developers', 'Ops'],
    },
    bob: { email: 'bob@example.com', name: 'Bob', groups: ['Marketing'] },
    root: { email: 'root@example.com', name: 'Root', groups: ['Developers', 'platform-admins'] },
    eve: { email: 'eve@partner.example', name: 'Eve', groups: ['Developers'] },
    pre: { email: 'pre@example.com', name: 'Pre', groups: ['Developers'] },
    // Entra with too many groups: no groups claim, a pointer to Graph instead
    big: {
      email: 'big@example.com',
      name: 'Big',
      oid: 'oid-big',
      _claim_names: { groups: 'src1' },
      _claim_sources: { src1: { endpoint: 'https://graph.windows.net/x/users/oid-big/getMemberObjects' } },
    },
  };
  let graphOk: FakeGraph;
  let graphDown: FakeGraph;
  const idpIds: Record<string, string> = {};
  let eng: { id: string };
  let ops: { id: string };

  beforeAll(async () => {
    const redirects = ['ping', 'strict', 'closed', 'slim', 'broken', 'entra-ok', 'entra-down'].map(callback);
    const bigGroups = {
      'oid-big': [
        { id: 'gid-dev', displayName: 'Developers' },
        { id: 'gid-ops', displayName: 'Ops' },
        { id: 'gid-x', displayName: 'Other' },
      ],
    };
    graphOk = await startFakeGraph({
      clientId: 'groupsync',
      clientSecret: 'oidc-client-secret',
      groupsByUser: bigGroups,
      pageSize: 2,
    });
    graphDown = await startFakeGraph({
      clientId: 'groupsync',
      clientSecret: 'oidc-client-secret',
      groupsByUser: bigGroups,
      pageSize: 2,
      fail: { page: { number: 2, status: 503 } },
    });
    op = await startTestOidcProvider({
      clients: [{ client_id: 'groupsync', client_secret: 'oidc-client-secret', redirect_uris: redirects }],
      accounts,
    });
    slim = await startTestOidcProvider({
      clients: [{ client_id: 'groupsync', client_secret: 'oidc-client-secret', redirect_uris: redirects }],
      accounts,
      claimsInIdToken: false,
      pkceRequired: false,
    });
    t = await startTestApp();
    await t.op.post('/api/v1/tenants').send({ slug: TENANT, name: 'Acme' }).expect(201);
    const idp = async (slug: string, body: object) => {
      const res = await t.op
        .post(`/api/v1/tenants/${TENANT}/identity-providers`)
        .send({
          slug,
          type: 'oidc',
          clientId: 'groupsync',
          clientSecret: 'oidc-client-secret',
          scopes: ['openid', 'email', 'profile', 'groups'],
          ...body,
        })
        .expect(201);
      idpIds[slug] = res.body.id;
      expect(res.body.callbackUrl).toBe(callback(slug));
    };
    // Every connection of this tenant is the company's own: each vouches for example.com (an IdP that
    // does not may not create users in a domain another IdP verifies, docs/sync.md section 15).
    const company = { verifiedDomains: ['example.com'] };
    await idp('ping', { issuer: op.issuer, groupSync: { adminGroups: ['platform-admins'] }, ...company });
    await idp('strict', {
      issuer: op.issuer,
      groupSync: { prohibitSignupIfNotInGroup: true },
      allowedDomains: ['example.com'],
      ...company,
    });
    // a later IdP links pre-provisioned users only when the admin says so (docs/sync.md, account linking)
    await idp('closed', {
      issuer: op.issuer,
      groupSync: { jit: false },
      accountLinking: 'email',
      verifiedDomains: ['example.com'],
    });
    await idp('slim', { issuer: slim.issuer, pkce: false, groupsFrom: ['id_token', 'userinfo'], ...company });
    const discovery = (await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      string
    >;
    await idp('broken', {
      issuer: op.issuer,
      authorizationUrl: discovery.authorization_endpoint,
      tokenUrl: 'http://127.0.0.1:9/token',
      jwksUrl: discovery.jwks_uri,
    });
    for (const [slug, graph] of [
      ['entra-ok', graphOk],
      ['entra-down', graphDown],
    ] as const) {
      await idp(slug, {
        issuer: op.issuer,
        groupSync: { overage: 'graph' },
        graph: { directoryId: 'contoso-tenant', tokenUrl: graph.tokenUrl, baseUrl: graph.url },
        // Entra sends no email_verified: the admin vouches for the domain so both connections share Big
        accountLinking: 'email',
        verifiedDomains: ['example.com'],
      });
    }
    eng = await newGroup(t, TENANT, { name: 'Engineering' });
    ops = await newGroup(t, TENANT, { name: 'Operations' });
    await newGroupLink(t, TENANT, eng.id, { externalGroup: 'Developers', role: 'developer' });
    await newGroupLink(t, TENANT, ops.id, { externalGroup: 'Ops', role: 'maintainer' });
  });
  afterAll(async () => {
    await t.close();
    await op.close();
    await slim.close();
    await graphOk.close();
    await graphDown.close();
  });

  const users = () => t.dataSource.getRepository(User).count();
  // Refusals anyone can cause are folded per IdP, code and minute: count them by details.count.
  const refusals = async () =>
    (await t.dataSource.getRepository(AuditEvent).findBy({ action: 'sso.sign_in_refused' })).reduce(
      (n, e) => n + Number(e.details?.count ?? 1),
      0,
    );

  it('first sign-in creates the user with memberships and a session; /me shows them; logout ends it', async () => {
    const browser = new Browser(t);
    const done = await browser.signIn(op, 'ping', 'ada', '/welcome');
    expect(done.status).toBe(302);
    expect(done.headers.location).toBe('/welcome');
    const cookie = ([] as string[])
      .concat(done.headers['set-cookie'])
      .find((c) => c.startsWith(`gs_session_${TENANT}=`))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const me = await browser.get(`/sso/${TENANT}/me`);
    expect(me.status).toBe(200);
    expect(me.body.user).toEqual(
      expect.objectContaining({ email: 'ada@example.com', displayName: 'Ada Lovelace', isAdmin: false }),
    );
    expect(me.body.groups.map((g: { groupName: string; role: string }) => [g.groupName, g.role])).toEqual([
      ['Engineering', 'developer'],
      ['Operations', 'maintainer'],
    ]);
    await browser.post(`/sso/${TENANT}/logout`).then((r) => expect(r.status).toBe(204));
    expect((await browser.get(`/sso/${TENANT}/me`)).status).toBe(401);
  });

  it('groups changed at the IdP re-role and remove at the next sign-in', async () => {
    accounts.ada.groups = ['Developers'];
    const browser = new Browser(t);
    await browser.signIn(op, 'ping', 'ada');
    const me = await browser.get(`/sso/${TENANT}/me`);
    expect(me.body.groups.map((g: { groupName: string }) => g.groupName)).toEqual(['Engineering']);
    accounts.ada.groups = ['Developers', 'Ops'];
  });

  it('reads groups from userinfo when the ID token has none, without PKCE', async () => {
    const browser = new Browser(t);
    const start = await browser.get(`/sso/${TENANT}/slim/login`);
    expect(new URL(start.headers.location).searchParams.has('code_challenge')).toBe(false);
    const back = await slim.signIn(start.headers.location, 'pre');
    expect((await browser.get(back.pathname + back.search)).status).toBe(302);
    const me = await browser.get(`/sso/${TENANT}/me`);
    expect(me.body.groups.map((g: { groupName: string }) => g.groupName)).toEqual(['Engineering']);
  });

  it('admin groups make a tenant admin whose session may use the admin API, with CSRF for changes', async () => {
    const admin = new Browser(t);
    await admin.signIn(op, 'ping', 'root');
    const me = await admin.get(`/sso/${TENANT}/me`);
    expect(me.body.user.isAdmin).toBe(true);
    expect((await admin.get(`/api/v1/tenants/${TENANT}/groups`)).status).toBe(200);
    const noCsrf = await admin.post(`/api/v1/tenants/${TENANT}/api-keys`);
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.code).toBe('csrf_failed');
    const withCsrf = await request(t.http)
      .post(`/api/v1/tenants/${TENANT}/api-keys`)
      .set('Cookie', [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; '))
      .set('X-CSRF-Token', me.body.csrfToken)
      .send({ name: 'from the UI' });
    expect(withCsrf.status).toBe(201);
    expect((await admin.get(`/api/v1/tenants/other-tenant/groups`)).status).toBe(401); // the cookie is only this tenant's

    const member = new Browser(t);
    await member.signIn(op, 'ping', 'ada');
    const refused = await member.get(`/api/v1/tenants/${TENANT}/groups`);
    expect(refused.status).toBe(403);
  });

  it('denies signup when in no group of the workspace, or from another domain, and writes no user', async () => {
    const before = await users();
    const strictIdp = await t.op.get(`/api/v1/tenants/${TENANT}/identity-providers/strict`).expect(200);
    expect(strictIdp.body.allowedDomains).toEqual(['example.com']);
    const denied = await new Browser(t).signIn(op, 'strict', 'bob');
    expect(denied.status).toBe(403);
    expect(denied.text).toContain('Your account is not in any group of this workspace');
    expect(denied.text).toMatch(/reference: <code>[\w-]+<\/code>/);
    const partner = await new Browser(t).signIn(op, 'strict', 'eve');
    expect(partner.status).toBe(403);
    expect(partner.text).toContain('partner.example cannot sign up');
    expect(await users()).toBe(before);
  });

  it('with JIT off only existing (pre-provisioned) users sign in', async () => {
    const before = await users();
    expect((await new Browser(t).signIn(op, 'closed', 'bob')).status).toBe(403);
    expect(await users()).toBe(before);
    await newUser(t, TENANT, 'bob@example.com');
    const ok = await new Browser(t).signIn(op, 'closed', 'bob');
    expect(ok.status).toBe(302);
  });

  it('refuses a forged state, a replayed callback, another browser and a provider error, writing nothing but the audit', async () => {
    const before = await users();
    const refusedBefore = await refusals();
    const browser = new Browser(t);
    const start = await browser.get(`/sso/${TENANT}/ping/login`);
    const back = await op.signIn(start.headers.location, 'eve');
    const forged = new URL(back);
    forged.searchParams.set('state', 'forged');
    expect((await browser.get(forged.pathname + forged.search)).status).toBe(401);
    // the real callback from a browser without the login cookie
    const stranger = await new Browser(t).get(back.pathname + back.search);
    expect(stranger.status).toBe(401);
    expect(stranger.text).toContain('started in another browser');
    // the state was used up by that attempt: replaying it fails too
    expect((await browser.get(back.pathname + back.search)).status).toBe(401);
    const error = await browser.get(
      `/sso/${TENANT}/ping/callback?error=access_denied&error_description=nope`,
    );
    expect(error.status).toBe(403);
    expect(error.text).toContain('refused the sign-in (access_denied)');
    expect(await users()).toBe(before);
    expect(await refusals()).toBe(refusedBefore + 4);
  });

  it('refuses when the token endpoint is down, and for unknown IdPs', async () => {
    const down = await new Browser(t).signIn(op, 'broken', 'ada');
    expect(down.status).toBe(401);
    expect(down.text).toContain('did not complete the sign-in');
    expect((await new Browser(t).get(`/sso/${TENANT}/ghost/login`)).status).toBe(404);
    expect((await new Browser(t).get(`/sso/no-such-tenant/ping/login`)).status).toBe(404);
  });

  it('Entra overage: a complete Microsoft Graph answer syncs fully; a failing one removes nothing', async () => {
    const entra = await t.op.get(`/api/v1/tenants/${TENANT}/identity-providers/entra-ok`).expect(200);
    expect(entra.body.graph).toEqual(
      expect.objectContaining({ directoryId: 'contoso-tenant', hasClientSecret: false }),
    );
    expect(JSON.stringify(entra.body)).not.toContain('oidc-client-secret');
    // Big is in Engineering by hand-made sync membership and in a group Graph will not list
    const first = await new Browser(t).signIn(op, 'entra-ok', 'big');
    expect(first.status).toBe(302);
    const user = await t.dataSource.getRepository(User).findOneByOrFail({ email: 'big@example.com' });
    const groupsOf = async () =>
      (await t.op.get(`/api/v1/tenants/${TENANT}/users/${user.id}`).expect(200)).body.memberships.map(
        (m: { groupName: string }) => m.groupName,
      );
    expect(await groupsOf()).toEqual(['Engineering', 'Operations']);
    const summary = await t.dataSource
      .getRepository(AuditEvent)
      .findOneOrFail({ where: { action: 'sync.applied', userId: user.id }, order: { id: 'DESC' } });
    expect(summary.details).toEqual(
      expect.objectContaining({ complete: true, graph: { attempted: true, complete: true, groups: 3 } }),
    );

    // Big is put in Sales by hand; Sales is linked to a group Big is not in, so a complete list removes Big.
    const sales = await newGroup(t, TENANT, { name: 'Sales' });
    await newGroupLink(t, TENANT, sales.id, { externalGroup: 'SalesTeam', role: 'reporter' });
    await t.op
      .put(`/api/v1/tenants/${TENANT}/groups/${sales.id}/members/${user.id}`)
      .send({ role: 'reporter' })
      .expect(200);

    // Graph fails on its second page: the claim stays incomplete, so nothing is removed
    expect((await new Browser(t).signIn(op, 'entra-down', 'big')).status).toBe(302);
    expect(await groupsOf()).toEqual(['Engineering', 'Operations', 'Sales']);
    const failed = await t.dataSource
      .getRepository(AuditEvent)
      .findOneOrFail({ where: { action: 'sync.applied', userId: user.id }, order: { id: 'DESC' } });
    expect(failed.details).toEqual(
      expect.objectContaining({
        complete: false,
        claimStatus: 'overage',
        removals: 0,
        graph: { attempted: true, complete: false, reason: 'Graph answered 503 on page 2' },
      }),
    );
    // with Graph answering in full, the same sign-in removes Big from Sales
    expect((await new Browser(t).signIn(op, 'entra-ok', 'big')).status).toBe(302);
    expect(await groupsOf()).toEqual(['Engineering', 'Operations']);
  });

  it('never redirects to another site after sign-in', async () => {
    const done = await new Browser(t).signIn(op, 'ping', 'ada', 'https://evil.example/steal');
    expect(done.status).toBe(302);
    expect(done.headers.location).toBe(`/sso/${TENANT}/me`);
  });
});
