import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { Membership } from '../../src/groups/membership.entity';
import { ValidationScheduler } from '../../src/sso/validation-scheduler';
import { User } from '../../src/users/user.entity';
import { newGroup, newGroupLink } from '../support/factories';
import { authnRequestId, createSamlIdp, TestSamlIdp } from '../support/saml-idp';
import { startTestApp, TestApp } from '../support/test-app';

const EMAIL = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress';
const STATUS = 'urn:oasis:names:tc:SAML:2.0:status:';
const b64 = (xml: string) => Buffer.from(xml).toString('base64');
const xmlOf = (base64: string) => Buffer.from(base64, 'base64').toString();

/** A tenant with one SAML IdP (samlify, signing real assertions) and one linked group. */
async function samlTenant(t: TestApp, tenant: string, idpSettings: object = {}) {
  const idp = createSamlIdp(`https://idp.example/${tenant}`);
  await t.op.post('/api/v1/tenants').send({ slug: tenant, name: tenant }).expect(201);
  await t.op
    .post(`/api/v1/tenants/${tenant}/identity-providers`)
    .send({
      slug: 'idp',
      type: 'saml',
      metadataXml: idp.metadataXml,
      groupSync: { claims: ['groups'] },
      ...idpSettings,
    })
    .expect(201);
  const group = await newGroup(t, tenant, { name: 'Engineering' });
  await newGroupLink(t, tenant, group.id, { externalGroup: 'eng', role: 'developer' });
  const spMetadata = (await request(t.http).get(`/sso/${tenant}/idp/metadata`).expect(200)).text;
  const acsUrl = `http://sso.test/sso/${tenant}/idp/acs`;
  return { idp, spMetadata, acsUrl, tenant };
}
type SamlTenant = Awaited<ReturnType<typeof samlTenant>> & { idp: TestSamlIdp };

describe('SAML sign-in under attack', () => {
  let t: TestApp;
  let a: SamlTenant;
  let ipCounter = 0;
  /** Each test speaks from its own client address (TRUST_PROXY), so limits never leak between tests. */
  const newAddress = () => `198.51.100.${++ipCounter}`;

  beforeAll(async () => {
    t = await startTestApp({
      TRUST_PROXY: 'true',
      RATE_LIMIT_SSO_PER_ADDRESS: '1000',
      RATE_LIMIT_SSO_PER_TENANT: '100000',
    });
    a = await samlTenant(t, 'sec-saml');
  }, 60000);
  afterAll(async () => t.close());

  const startLogin = async (ip: string, returnTo?: string) => {
    const res = await request(t.http)
      .get(`/sso/${a.tenant}/idp/login${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`)
      .set('X-Forwarded-For', ip)
      .expect(302);
    return authnRequestId(res.headers.location);
  };
  const post = (ip: string, SAMLResponse: string, RelayState = '') =>
    request(t.http)
      .post(`/sso/${a.tenant}/idp/acs`)
      .set('X-Forwarded-For', ip)
      .type('form')
      .send({ SAMLResponse, RelayState });
  const signed = async (ip: string, extra: object = {}) =>
    a.idp.respond(a.spMetadata, a.acsUrl, {
      inResponseTo: await startLogin(ip),
      nameId: 'ada@example.com',
      attributes: { [EMAIL]: ['ada@example.com'], groups: ['eng'] },
      ...extra,
    });
  const written = async () => ({
    users: await t.dataSource.getRepository(User).count(),
    memberships: await t.dataSource.getRepository(Membership).count(),
    audit: await t.dataSource.getRepository(AuditEvent).count(),
  });
  const refusalEvents = () =>
    t.dataSource.getRepository(AuditEvent).findBy({ action: 'sso.sign_in_refused' });

  describe('a failed SAML Status never signs in, even with a signed assertion', () => {
    it.each([
      [
        {
          code: `${STATUS}Responder`,
          subCode: `${STATUS}RequestDenied`,
          message: 'User is not assigned to a role',
        },
        'the identity provider refused the sign-in: Responder / RequestDenied: User is not assigned to a role',
      ],
      [
        { code: `${STATUS}Requester`, subCode: `${STATUS}AuthnFailed` },
        'refused the sign-in: Requester / AuthnFailed',
      ],
      [{ code: `${STATUS}Responder` }, 'refused the sign-in: Responder'],
    ])(
      '%p is refused with 401 naming the status; only the refusal audit is written',
      async (status, words) => {
        const ip = newAddress();
        const response = await signed(ip, { status });
        const before = await written();
        const res = await post(ip, response);
        expect(res.status).toBe(401);
        expect(res.text.toLowerCase()).toContain(words.toLowerCase());
        expect(res.headers['set-cookie'] ?? []).toEqual([]);
        const after = await written();
        expect({ users: after.users, memberships: after.memberships }).toEqual({
          users: before.users,
          memberships: before.memberships,
        });
        // A response with a valid signature is not anonymous noise: one event per refusal.
        expect(after.audit).toBe(before.audit + 1);
        const [event] = (await refusalEvents()).sort((x, y) => (x.id < y.id ? 1 : -1));
        expect(event.details).toMatchObject({
          code: 'saml_status',
          detail: expect.stringContaining(status.code),
        });
      },
    );

    it('a Success status still signs in (the control case)', async () => {
      const ip = newAddress();
      const res = await post(ip, await signed(ip, { status: { code: `${STATUS}Success` } }));
      expect(res.status).toBe(302);
    });
  });

  describe('a look-alike Status in a signed Response never passes for Success', () => {
    const P = 'urn:oasis:names:tc:SAML:2.0:protocol';
    it.each([
      [
        'a Status of another namespace',
        `<x:Status xmlns:x="urn:x"><x:StatusCode Value="${STATUS}Success"/></x:Status>`,
      ],
      [
        'a foreign StatusCode first, the real one Responder',
        `<samlp:Status><x:StatusCode xmlns:x="urn:x" Value="${STATUS}Success"/><samlp:StatusCode Value="${STATUS}Responder"/></samlp:Status>`,
      ],
      ['no Status at all', ''],
    ])('%s: refused, nobody signed in', async (_name, statusXml) => {
      const ip = newAddress();
      const response = await signed(ip, { statusXml, signResponse: true });
      const before = await written();
      const res = await post(ip, response);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['set-cookie'] ?? []).toEqual([]);
      const after = await written();
      expect({ users: after.users, memberships: after.memberships }).toEqual({
        users: before.users,
        memberships: before.memberships,
      });
    });

    it.each([
      ['the samlp prefix', `<samlp:Status><samlp:StatusCode Value="${STATUS}Success"/></samlp:Status>`],
      [
        'the default namespace on the Status',
        `<Status xmlns="${P}"><StatusCode Value="${STATUS}Success"/></Status>`,
      ],
    ])('a signed Response with a Success status in %s still signs in (control)', async (_name, statusXml) => {
      const ip = newAddress();
      const res = await post(ip, await signed(ip, { statusXml, signResponse: true }));
      expect(res.status).toBe(302);
    });
  });

  describe('the pre-check refuses hostile shapes before any XML parsing', () => {
    // "Before any parsing" observed directly, not timed: XML is parsed only by the signature
    // validation, which every response reaches through the validation scheduler.
    let validations: jest.SpyInstance;
    beforeEach(() => {
      validations = jest.spyOn(ValidationScheduler.prototype, 'submit');
    });
    afterEach(() => validations.mockRestore());

    it('control: a well-formed signed response does reach the validation, so the spy can see one', async () => {
      const ip = newAddress();
      const response = await signed(ip);
      validations.mockClear();
      expect((await post(ip, response)).status).toBe(302);
      expect(validations).toHaveBeenCalledTimes(1);
    });

    const refused = async (xml: string, status: number, words: RegExp) => {
      const ip = newAddress();
      const before = await written();
      validations.mockClear();
      const res = await post(ip, b64(xml));
      expect({ status: res.status, words: words.test(res.text) }).toEqual({ status, words: true });
      expect(validations).not.toHaveBeenCalled();
      const after = await written();
      expect({ users: after.users, memberships: after.memberships }).toEqual({
        users: before.users,
        memberships: before.memberships,
      });
    };
    const root = (inner: string) =>
      `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_x" Version="2.0">${inner}</samlp:Response>`;

    it('deeply nested, 60,000 elements, too many attributes, over the size limit, DOCTYPE', async () => {
      await refused(
        root('<a>'.repeat(30000) + '</a>'.repeat(30000)),
        413,
        /more complex than this identity provider allows/,
      );
      await refused(root('<a/>'.repeat(60000)), 413, /more complex/);
      await refused(
        root(`<a ${Array.from({ length: 200 }, (_, i) => `x${i}="1"`).join(' ')}/>`),
        413,
        /more complex/,
      );
      await refused(
        root(' '.repeat(300 * 1024)),
        413,
        /larger than this identity provider allows \(256 KB\)/,
      );
      await refused(`<!DOCTYPE r [<!ENTITY a "aaaa">]>${root('&a;')}`, 400, /malformed/);
      await refused('<not-closed', 400, /malformed/);
    });

    it('the ACS form body is capped below the API limit', async () => {
      const res = await post(newAddress(), 'A'.repeat(900 * 1024));
      expect(res.status).toBe(413);
      expect(res.text).toContain('larger than this service accepts');
    });

    it('a valid response with 14,000 groups is refused by the size limit before validation, saying why', async () => {
      const ip = newAddress();
      const groups = Array.from(
        { length: 14000 },
        (_, i) => `6f1c0000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      );
      const response = await signed(ip, { attributes: { [EMAIL]: ['big@example.com'], groups } });
      expect(xmlOf(response).length).toBeGreaterThan(256 * 1024);
      validations.mockClear();
      const res = await post(ip, response);
      expect(validations).not.toHaveBeenCalled();
      expect(res.status).toBe(413);
      expect(res.text).toMatch(
        /larger than this (identity provider allows|service accepts).*send fewer groups/,
      );
    }, 30000);

    it('per-IdP limits are validated and applied', async () => {
      const bad = await t.op
        .patch(`/api/v1/tenants/${a.tenant}/identity-providers/idp`)
        .send({ responseLimits: { maxResponseBytes: 10, maxDepth: 1000 } });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toMatch(/maxResponseBytes must not be less than 16384/);
      await t.op
        .patch(`/api/v1/tenants/${a.tenant}/identity-providers/idp`)
        .send({ responseLimits: { maxElements: 200 } })
        .expect(200);
      try {
        const ip = newAddress();
        const groups = Array.from({ length: 250 }, (_, i) => `group-${i}`);
        const res = await post(
          ip,
          await signed(ip, { attributes: { [EMAIL]: ['ada@example.com'], groups } }),
        );
        expect(res.status).toBe(413);
        expect(res.text).toMatch(/more complex than this identity provider allows/);
      } finally {
        await t.op
          .patch(`/api/v1/tenants/${a.tenant}/identity-providers/idp`)
          .send({ responseLimits: {} })
          .expect(200);
      }
    });

    it('/health answers in under 100 ms while hostile posts are processed in parallel', async () => {
      // The default limits, whatever the test before left behind (its cleanup may still be running
      // when it timed out on a loaded machine, as seen once).
      await t.op
        .patch(`/api/v1/tenants/${a.tenant}/identity-providers/idp`)
        .send({ responseLimits: {} })
        .expect(200);
      const ip = newAddress();
      // One listening server for every request (supertest would listen and close per request).
      const server = t.http as unknown as Server;
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      // At the limits, so it passes the pre-check and reaches node-saml with a live request id.
      const padded = async () => {
        const xml = xmlOf(await signed(ip));
        const pad = `<samlp:Extensions>${'<p a="1" b="2"/>'.repeat(4000)}</samlp:Extensions>`;
        // ...and altered after signing, as an attacker without the IdP's key must.
        return b64(
          xml
            .replace('</saml:Issuer>', `</saml:Issuer>${pad}`)
            .replace('>ada@example.com<', '>root@example.com<'),
        );
      };
      const hostile = [
        b64('<r>' + '<a>'.repeat(60000) + '</a>'.repeat(60000) + '</r>'), // 600 KB, 60,000 deep
        b64(`<r>${'<a/>'.repeat(60000)}</r>`), // 60,000 elements
        b64(`<r>${'<a>'.repeat(30000)}${'</a>'.repeat(30000)}</r>`), // nested within the size limit
      ];
      const maxSize = await Promise.all([padded(), padded(), padded(), padded(), padded()]);
      // Encoded up front: the test client shares this event loop, and only the server is measured.
      const form = (b: string) => `SAMLResponse=${encodeURIComponent(b)}`;
      const bodies = [...hostile.map(form), ...maxSize.map(form)];
      const send = (body: string) =>
        request(base)
          .post(`/sso/${a.tenant}/idp/acs`)
          .set('X-Forwarded-For', ip)
          .set('Content-Type', 'application/x-www-form-urlencoded')
          .send(body);
      // A running service has a warm validation worker.
      expect((await send(form(maxSize.pop()!))).status).toBe(401);
      const p95 = (samples: number[]) =>
        [...samples].sort((x, y) => x - y)[Math.floor(samples.length * 0.95)];
      const idle: number[] = [];
      for (let i = 0; i < 20; i++) {
        const started = performance.now();
        await request(base).get('/health').expect(200);
        idle.push(performance.now() - started);
      }
      let running = true;
      const latencies: number[] = [];
      const poll = (async () => {
        while (running) {
          const started = performance.now();
          await request(base).get('/health').expect(200);
          latencies.push(performance.now() - started);
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      const posts = [];
      for (let round = 0; round < 4; round++)
        for (const body of [...bodies.slice(0, hostile.length), bodies[hostile.length + round]])
          posts.push(send(body));
      const answers = await Promise.all(posts);
      running = false;
      await poll;
      expect(answers.every((r) => r.status >= 400 && r.status < 500)).toBe(true);
      expect(latencies.length).toBeGreaterThan(3);
      await new Promise((resolve) => server.close(resolve));
      // p95 under 100 ms more than the same machine's idle p95: on a shared 2-core machine (load
      // average above 10) /health alone took up to ~100 ms, and the first sample of a burst was seen
      // waiting 0.8-3.4 s for the CPU whatever the posts were, hence a looser bound on the maximum.
      // Before the pre-check and the validation worker, this test timed out (posts held the loop).
      expect(p95(latencies)).toBeLessThan(100 + p95(idle));
      expect(Math.max(...latencies)).toBeLessThan(5000);
    }, 30000);
  });

  describe('validation is shared fairly between tenants and client addresses', () => {
    it('a flood of slow forged responses to one tenant gets 503/429 beyond its caps; another tenant still signs in', async () => {
      const b = await samlTenant(t, 'sec-saml-other');
      const server = t.http as unknown as Server;
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        // As the outside test did: a real signed response for a live request id, 2,300 group values,
        // altered after signing, so every one costs the worker a full validation and then fails.
        const groups = Array.from({ length: 2300 }, (_, i) => `group-${i}-${'x'.repeat(20)}`);
        const forged = async (ip: string) =>
          b64(
            xmlOf(await signed(ip, { attributes: { [EMAIL]: ['ada@example.com'], groups } })).replace(
              '>ada@example.com<',
              '>root@example.com<',
            ),
          );
        const flooders = [newAddress(), newAddress(), newAddress(), newAddress()];
        const bodies: { ip: string; body: string }[] = [];
        for (const ip of flooders)
          for (let i = 0; i < 5; i++)
            bodies.push({ ip, body: `SAMLResponse=${encodeURIComponent(await forged(ip))}` });
        const legitIp = newAddress();
        const legitLogin = await request(t.http)
          .get(`/sso/${b.tenant}/idp/login`)
          .set('X-Forwarded-For', legitIp)
          .expect(302);
        const legitBody = `SAMLResponse=${encodeURIComponent(
          await b.idp.respond(b.spMetadata, b.acsUrl, {
            inResponseTo: authnRequestId(legitLogin.headers.location),
            nameId: 'grace@example.com',
            attributes: { [EMAIL]: ['grace@example.com'], groups: ['eng'] },
          }),
        )}`;
        const postTo = (tenant: string, ip: string, body: string) =>
          request(base)
            .post(`/sso/${tenant}/idp/acs`)
            .set('X-Forwarded-For', ip)
            .set('Content-Type', 'application/x-www-form-urlencoded')
            .send(body);
        // The flood goes first; the other tenant's sign-in comes once the flood is being refused,
        // i.e. while the flooded tenant's queue is full.
        let firstRefusal!: () => void;
        const refusing = new Promise<void>((resolve) => (firstRefusal = resolve));
        const flood = Promise.all(
          bodies.map(({ ip, body }) =>
            postTo(a.tenant, ip, body).then((res) => {
              if (res.status === 503 || res.status === 429) firstRefusal();
              return res;
            }),
          ),
        );
        await Promise.race([refusing, flood]);
        const legit = await postTo(b.tenant, legitIp, legitBody);
        const answers = await flood;

        expect(legit.status).toBe(302);
        const statuses = answers.map((r) => r.status);
        expect(statuses.filter((s) => ![401, 429, 503].includes(s))).toEqual([]);
        // One address may have 4 validations in progress: each flooder's fifth post is a 429...
        expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
        expect(answers.find((r) => r.status === 429)?.headers['retry-after']).toBe('5');
        // ...and the tenant has at most 8 waiting: the rest of its own flood is a 503.
        expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(1);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    }, 60000);
  });

  describe('refusals anyone can send are aggregated in the audit log', () => {
    it('200 garbage posts grow the audit table by a small bounded number, with counts', async () => {
      const ip = newAddress();
      const before = await refusalEvents();
      const garbage = [
        'not base64 at all !!!',
        b64('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" InResponseTo="_nope"/>'),
        b64('<unclosed'),
      ];
      for (let i = 0; i < 200; i++) {
        const res = await post(ip, garbage[i % garbage.length]);
        expect([400, 401]).toContain(res.status);
      }
      const after = await refusalEvents();
      const added = after.filter((e) => !before.some((b) => b.id === e.id));
      // two codes (malformed, unknown InResponseTo): at most one new row each per minute, and none
      // when an earlier refusal of the same code this minute already opened the event
      expect(added.length).toBeLessThanOrEqual(4);
      const total = after.reduce((n, e) => n + Number(e.details?.count ?? 1), 0);
      const totalBefore = before.reduce((n, e) => n + Number(e.details?.count ?? 1), 0);
      expect(total - totalBefore).toBe(200);
      const irt = after.filter((e) => e.details?.code === 'saml_in_response_to');
      expect(irt.reduce((n, e) => n + Number(e.details?.count), 0)).toBeGreaterThanOrEqual(67);
      expect(irt[irt.length - 1].details).toMatchObject({
        aggregated: true,
        firstAt: expect.any(String),
        lastAt: expect.any(String),
      });
    }, 60000);
  });

  describe('failures on our side are a 503 retry page, not a refusal', () => {
    const unavailable = async (res: request.Response, before: Awaited<ReturnType<typeof written>>) => {
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.text).toMatch(/Try again in a moment/);
      expect(res.text).toMatch(/reference: <code>/);
      expect(await written()).toEqual(before); // not even a refusal event
    };

    it('the request store fails while the used request id is consumed', async () => {
      const ip = newAddress();
      const response = await signed(ip);
      const pg = t.db.dialect === 'postgres';
      // Reads work, deletes fail: the request id cannot be consumed after validation.
      if (pg) {
        await t.dataSource.query(
          `CREATE FUNCTION gs_fail() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk on fire'; END $$ LANGUAGE plpgsql`,
        );
        await t.dataSource.query(
          `CREATE TRIGGER gs_fail BEFORE DELETE ON sso_login_states FOR EACH ROW EXECUTE FUNCTION gs_fail()`,
        );
      } else {
        await t.dataSource.query(
          `CREATE TRIGGER gs_fail BEFORE DELETE ON sso_login_states BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`,
        );
      }
      try {
        const before = await written();
        await unavailable(await post(ip, response), before);
      } finally {
        await t.dataSource.query(pg ? 'DROP TRIGGER gs_fail ON sso_login_states' : 'DROP TRIGGER gs_fail');
        if (pg) await t.dataSource.query('DROP FUNCTION gs_fail()');
      }
    });

    it('the request table is gone', async () => {
      const ip = newAddress();
      const response = await signed(ip);
      await t.dataSource.query('ALTER TABLE sso_login_states RENAME TO sso_login_states_away');
      try {
        const before = await written();
        await unavailable(await post(ip, response), before);
      } finally {
        await t.dataSource.query('ALTER TABLE sso_login_states_away RENAME TO sso_login_states');
      }
    });

    it('the sync transaction fails after a valid assertion', async () => {
      const ip = newAddress();
      const response = await signed(ip, {
        nameId: 'new-person@example.com',
        attributes: { [EMAIL]: ['new-person@example.com'], groups: ['eng'] },
      });
      await t.dataSource.query('ALTER TABLE memberships RENAME TO memberships_away');
      try {
        const before = await t.dataSource.getRepository(User).count();
        const audit = await t.dataSource.getRepository(AuditEvent).count();
        const res = await post(ip, response);
        expect(res.status).toBe(503);
        expect(res.text).toMatch(/Try again in a moment/);
        expect(await t.dataSource.getRepository(User).count()).toBe(before);
        expect(await t.dataSource.getRepository(AuditEvent).count()).toBe(audit);
      } finally {
        await t.dataSource.query('ALTER TABLE memberships_away RENAME TO memberships');
      }
    });
  });

  describe('RelayState and returnTo', () => {
    it('a RelayState posted with an SP-initiated response never becomes the returnTo', async () => {
      const ip = newAddress();
      const none = await a.idp.respond(a.spMetadata, a.acsUrl, {
        inResponseTo: await startLogin(ip),
        nameId: 'ada@example.com',
        attributes: { [EMAIL]: ['ada@example.com'], groups: ['eng'] },
      });
      const res = await post(ip, none, '/somewhere-else');
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe(`/sso/${a.tenant}/me`);

      const stored = await a.idp.respond(a.spMetadata, a.acsUrl, {
        inResponseTo: await startLogin(ip, '/stored'),
        nameId: 'ada@example.com',
        attributes: { [EMAIL]: ['ada@example.com'], groups: ['eng'] },
      });
      const res2 = await post(ip, stored, '/other');
      expect(res2.status).toBe(302);
      expect(res2.headers.location).toBe('/stored');
    });
  });
});

describe('rate limits on sign-in routes and failed credentials', () => {
  let t: TestApp;
  let a: SamlTenant;
  // The limits count in fixed windows aligned to the clock, and these tests count hits across each
  // other: a window boundary in the middle resets the counts (a 302 where 429 was due). With the
  // longest window (an hour) a boundary is rarely near; when one is, wait for it (a minute's window
  // made the run wait up to 30 s half the time).
  const WINDOW_MS = 3_600_000;
  beforeAll(async () => {
    t = await startTestApp({
      TRUST_PROXY: 'true',
      RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_MS / 1000),
      RATE_LIMIT_SSO_PER_ADDRESS: '6',
      RATE_LIMIT_SSO_PER_TENANT: '10',
      RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS: '3',
    });
    a = await samlTenant(t, 'rl-saml');
    await samlTenant(t, 'rl-busy');
  }, 60000);
  // Start with at least 30 s of the window left; the tests take a few seconds.
  beforeAll(async () => {
    const left = WINDOW_MS - (Date.now() % WINDOW_MS);
    if (left < 30_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
  }, 45000);
  afterAll(async () => t.close());

  /** Sends, expects 429 with Retry-After the rest of the window at the moment the service answered. */
  const tooMany = async (send: () => request.Test) => {
    const secondsLeft = (at: number) => Math.ceil((WINDOW_MS - (at % WINDOW_MS)) / 1000);
    const before = Date.now();
    const res = await send();
    const after = Date.now();
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(secondsLeft(after));
    expect(retryAfter).toBeLessThanOrEqual(secondsLeft(before));
    return res;
  };

  it('login, ACS and callback: 429 with Retry-After and the plain page after the per-address limit', async () => {
    const ip = '203.0.113.1';
    const login = () => request(t.http).get(`/sso/${a.tenant}/idp/login`).set('X-Forwarded-For', ip);
    for (let i = 0; i < 6; i++) expect((await login()).status).toBe(302);
    const res = await tooMany(login);
    expect(res.text).toContain('too many sign-in attempts');
    expect(res.headers['content-type']).toMatch(/html/);

    const acs = (from: string) =>
      request(t.http)
        .post(`/sso/${a.tenant}/idp/acs`)
        .set('X-Forwarded-For', from)
        .type('form')
        .send({ SAMLResponse: 'garbage' });
    await tooMany(() => acs(ip));
    const callback = (from: string) =>
      request(t.http).get(`/sso/${a.tenant}/idp/callback`).set('X-Forwarded-For', from);
    await tooMany(() => callback(ip));
    // another address of another tenant is not affected
    expect(
      (await request(t.http).get('/sso/rl-busy/idp/login').set('X-Forwarded-For', '203.0.113.2')).status,
    ).toBe(302);
    // rate-limited refusals are folded into one audit event with a count
    const events = await t.dataSource.getRepository(AuditEvent).findBy({ action: 'sso.sign_in_refused' });
    const limited = events.filter((e) => e.details?.code === 'rate_limited');
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited.reduce((n, e) => n + Number(e.details?.count), 0)).toBe(3);
  });

  it('per tenant: many addresses together hit the tenant limit', async () => {
    const statuses: number[] = [];
    // rl-busy has had 1 request; 9 more from 3 addresses fill the tenant's 10
    for (let i = 0; i < 9; i++)
      statuses.push(
        (
          await request(t.http)
            .get('/sso/rl-busy/idp/login')
            .set('X-Forwarded-For', `203.0.113.${10 + (i % 3)}`)
        ).status,
      );
    expect(statuses).toEqual(Array(9).fill(302));
    await tooMany(() => request(t.http).get('/sso/rl-busy/idp/login').set('X-Forwarded-For', '203.0.113.99'));
    // another tenant is not affected
    expect(
      (await request(t.http).get(`/sso/${a.tenant}/idp/login`).set('X-Forwarded-For', '203.0.113.98')).status,
    ).toBe(302);
  });

  it('admin API: failed bearer tokens from one address get 429 after the limit; a valid token still works', async () => {
    const ip = '203.0.113.50';
    const bad = () =>
      request(t.http)
        .get('/api/v1/tenants')
        .set('X-Forwarded-For', ip)
        .set('Authorization', 'Bearer not-a-token');
    for (let i = 0; i < 3; i++) expect((await bad()).status).toBe(401);
    const res = await tooMany(bad);
    expect(res.body).toMatchObject({ statusCode: 429, code: 'too_many_failed_credentials' });
    await t.op.get('/api/v1/tenants').set('X-Forwarded-For', ip).expect(200);
    // no credential at all is not a guess
    expect((await request(t.http).get('/api/v1/tenants').set('X-Forwarded-For', '203.0.113.51')).status).toBe(
      401,
    );
  });

  it('operator sign-in: wrong tokens posted to /operator-session get 429 after the limit', async () => {
    const ip = '203.0.113.70';
    const attempt = (token: string) =>
      request(t.http).post('/api/v1/operator-session').set('X-Forwarded-For', ip).send({ token });
    for (let i = 0; i < 3; i++) expect((await attempt('x'.repeat(32))).status).toBe(401);
    const res = await tooMany(() => attempt('y'.repeat(32)));
    expect(res.body).toMatchObject({ statusCode: 429, code: 'too_many_failed_credentials' });
  });

  it('SCIM: failed bearer tokens from one address get 429 in the SCIM error schema', async () => {
    const ip = '203.0.113.60';
    const bad = () =>
      request(t.http)
        .get(`/scim/v2/${a.tenant}/Users`)
        .set('X-Forwarded-For', ip)
        .set('Authorization', 'Bearer wrong');
    for (let i = 0; i < 3; i++) expect((await bad()).status).toBe(401);
    const res = await tooMany(bad);
    expect(JSON.parse(res.text)).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '429',
    });
  });
});
