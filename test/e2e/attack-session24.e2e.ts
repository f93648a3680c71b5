import request from 'supertest';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { Session } from '../../src/auth/session.entity';
import { Group } from '../../src/groups/group.entity';
import { Membership } from '../../src/groups/membership.entity';
import { insertInChunks } from '../../src/database/insert';
import { ExternalMembership } from '../../src/sync/external-membership.entity';
import { Identity } from '../../src/users/identity.entity';
import { User } from '../../src/users/user.entity';
import { newGroup, newGroupLink, newTenant } from '../support/factories';
import { authnRequestId, createSamlIdp, TestSamlIdp } from '../support/saml-idp';
import { startTestApp, TestApp } from '../support/test-app';
import { openTransaction } from '../support/open-transaction';

/**
 * Session 24's attack on the six-statement returning sign-in (#14): the tenant/IdP read that counts
 * both rate-limit hits in one statement, the folded sync read (JSON columns, NOWAIT lock), the SAML
 * assertion's single use folded in, audit + session in one insert. Over HTTP, on both databases.
 */

let counter = 0;
const fresh = (p: string) => `${p}-${process.pid}-${Date.now().toString(36)}-${counter++}`;

describe('attack session 24: sign-in rate limits counted in the target read', () => {
  let t: TestApp;
  const PER_ADDRESS = 5;
  const PER_TENANT = 8;
  beforeAll(async () => {
    t = await startTestApp({
      TRUST_PROXY: 'true',
      RATE_LIMIT_SSO_PER_ADDRESS: String(PER_ADDRESS),
      RATE_LIMIT_SSO_PER_TENANT: String(PER_TENANT),
      // A long window, so a test does not straddle two windows.
      RATE_LIMIT_WINDOW_SECONDS: '3600',
    });
  }, 60_000);
  afterAll(async () => t.close(), 60_000);

  let octet = 1;
  /** A client address no other test used. */
  const freshAddress = () => `198.51.${100 + Math.floor(octet / 250)}.${octet++ % 250}`;
  const get = (path: string, address: string) => request(t.http).get(path).set('X-Forwarded-For', address);

  const limitedIdp = createSamlIdp('https://limits24.example/idp');
  async function oidcTarget(enabled = true) {
    const tenant = await newTenant(t);
    await t.op
      .post(`/api/v1/tenants/${tenant.slug}/identity-providers`)
      .send({ slug: 'okta', type: 'saml', metadataXml: limitedIdp.metadataXml })
      .expect(201);
    if (!enabled)
      await t.op
        .patch(`/api/v1/tenants/${tenant.slug}/identity-providers/okta`)
        .send({ enabled: false })
        .expect(200);
    return tenant;
  }

  const tenantCounter = async (tenantId: string): Promise<number | null> => {
    const rows: { count: number | string }[] = await t.dataSource.query(
      `SELECT "count" FROM "rate_limit_counters" WHERE "key" = 'sso-tenant:${tenantId}'`,
    );
    return rows.length ? Number(rows[0].count) : null;
  };
  const tenantKeys = async () =>
    (
      (await t.dataSource.query(
        `SELECT "key" FROM "rate_limit_counters" WHERE "key" LIKE 'sso-tenant:%' ORDER BY "key"`,
      )) as { key: string }[]
    ).map((r) => r.key);

  it('per address: the 6th sign-in step from one address is 429 with Retry-After; the metadata route is never limited', async () => {
    const tenant = await oidcTarget();
    const a = freshAddress();
    const statuses: number[] = [];
    for (let i = 0; i < PER_ADDRESS + 1; i++)
      statuses.push((await get(`/sso/${tenant.slug}/okta/login`, a)).status);
    expect(statuses).toEqual([...Array(PER_ADDRESS).fill(302), 429]);
    const over = await get(`/sso/${tenant.slug}/okta/login`, a);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) expect((await get(`/sso/${tenant.slug}/okta/metadata`, a)).status).toBe(200);
    // Another address is not affected; the tenant counted every attempt, the refused ones too.
    expect((await get(`/sso/${tenant.slug}/okta/login`, freshAddress())).status).toBe(302);
    expect(await tenantCounter(tenant.id)).toBe(PER_ADDRESS + 3);
  });

  it('unknown targets with SQL-special and long slugs: 404 per address until the limit, then 429; no tenant counted', async () => {
    const known = await oidcTarget();
    const keysBefore = await tenantKeys();
    const a = freshAddress();
    const slugs = [
      ["'", 'okta'],
      [known.slug, ':idp'],
      ['$1', '$2'],
      [`${known.slug}'::bigint--`, 'okta'],
      [`x' OR '1'='1`, `' OR 1=1--`],
      ['a'.repeat(400), 'b'.repeat(400)],
      [':tenant', ':tenantKeyPrefix'],
    ];
    const statuses: number[] = [];
    for (const [tenant, idp] of slugs)
      statuses.push(
        (await get(`/sso/${encodeURIComponent(tenant)}/${encodeURIComponent(idp)}/login`, a)).status,
      );
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429, 429]);
    // The known tenant was named (with a wrong IdP) but is not counted: its IdP does not exist.
    expect(await tenantKeys()).toEqual(keysBefore);
    // The known target from this address is over the address limit too.
    expect((await get(`/sso/${known.slug}/okta/login`, a)).status).toBe(429);
  });

  it('slugs PostgreSQL cannot hold (a NUL byte), very long, or not UTF-8: an answer, never a 5xx; counted per address', async () => {
    const a = freshAddress();
    const paths = [
      `/sso/acme%00/okta/login`,
      `/sso/acme/ok%00ta/login`,
      `/sso/${'z'.repeat(6000)}/okta/login`,
      `/sso/%C3%28/okta/login`,
    ];
    const answers: string[] = [];
    for (const path of paths) {
      const res = await get(path, a);
      answers.push(res.status >= 500 ? `${res.status} ${res.text.slice(0, 200)}` : 'answered');
    }
    // Right behaviour: 404 (no such tenant / IdP) or 400, as SQLite answers; not a database error.
    expect(answers).toEqual(['answered', 'answered', 'answered', 'answered']);
  });

  it('the metadata route is not limited and does not count: unknown or known, any number of times', async () => {
    const tenant = await oidcTarget();
    const a = freshAddress();
    for (let i = 0; i < PER_ADDRESS * 2; i++) {
      expect((await get(`/sso/${fresh('nobody')}/okta/metadata`, a)).status).toBe(404);
      expect((await get(`/sso/${tenant.slug}/okta/metadata`, a)).status).toBe(200);
    }
    expect(await tenantCounter(tenant.id)).toBeNull();
    expect((await get(`/sso/${tenant.slug}/okta/login`, a)).status).toBe(302);
    expect(await tenantCounter(tenant.id)).toBe(1);
  });

  it('a disabled IdP: 404 and counted per address only; turned back on, its tenant counts again', async () => {
    const tenant = await oidcTarget(false);
    const a = freshAddress();
    const statuses: number[] = [];
    for (let i = 0; i < PER_ADDRESS + 1; i++)
      statuses.push((await get(`/sso/${tenant.slug}/okta/login`, a)).status);
    expect(statuses).toEqual([...Array(PER_ADDRESS).fill(404), 429]);
    expect(await tenantCounter(tenant.id)).toBeNull();
    await t.op
      .patch(`/api/v1/tenants/${tenant.slug}/identity-providers/okta`)
      .send({ enabled: true })
      .expect(200);
    expect((await get(`/sso/${tenant.slug}/okta/login`, freshAddress())).status).toBe(302);
    expect(await tenantCounter(tenant.id)).toBe(1);
  });

  it("per tenant: the 9th attempt from fresh addresses is 429; another tenant's sign-ins are not affected", async () => {
    const a = await oidcTarget();
    const b = await oidcTarget();
    const statuses: number[] = [];
    for (let i = 0; i < PER_TENANT + 1; i++)
      statuses.push((await get(`/sso/${a.slug}/okta/login`, freshAddress())).status);
    expect(statuses).toEqual([...Array(PER_TENANT).fill(302), 429]);
    expect((await get(`/sso/${b.slug}/okta/login`, freshAddress())).status).toBe(302);
    expect(await tenantCounter(b.id)).toBe(1);
    // Metadata of the limited tenant still answers.
    expect((await get(`/sso/${a.slug}/okta/login`, freshAddress())).status).toBe(429);
    expect((await get(`/sso/${a.slug}/okta/metadata`, freshAddress())).status).toBe(200);
  });

  it('IPv6: one /64 is one client, whatever the interface id; another /64 is another client', async () => {
    const tenant = await oidcTarget();
    const statuses: number[] = [];
    for (let i = 0; i < PER_ADDRESS + 1; i++)
      statuses.push(
        (await get(`/sso/${tenant.slug}/okta/login`, `2001:db8:24:1::${(i + 1).toString(16)}`)).status,
      );
    expect(statuses).toEqual([...Array(PER_ADDRESS).fill(302), 429]);
    expect((await get(`/sso/${tenant.slug}/okta/login`, '2001:db8:24:1:ffff:ffff:ffff:fffe')).status).toBe(
      429,
    );
    expect((await get(`/sso/${tenant.slug}/okta/login`, '2001:db8:24:2::1')).status).toBe(302);
    // An IPv4 address written as IPv6 counts as that IPv4 address.
    const other = await oidcTarget();
    const v4 = freshAddress();
    for (let i = 0; i < PER_ADDRESS; i++) await get(`/sso/${other.slug}/okta/login`, v4).expect(302);
    expect((await get(`/sso/${other.slug}/okta/login`, `::ffff:${v4}`)).status).toBe(429);
  });

  it('20 concurrent requests for a known target from one address: exactly 5 pass, 15 are 429', async () => {
    const tenant = await oidcTarget();
    const a = freshAddress();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => get(`/sso/${tenant.slug}/okta/login`, a)),
    );
    expect(results.map((r) => r.status).sort()).toEqual([...Array(5).fill(302), ...Array(15).fill(429)]);
  });

  it('20 concurrent requests for unknown targets from one address: exactly 5 are 404 (the hits under the limit), 15 are 429', async () => {
    // Right behaviour: each request's verdict is that of its own hit (the count its upsert answered),
    // as for a known target. On PostgreSQL an unknown target's count is read back in a second
    // statement, after other requests' hits: a request counted 3rd can read 12 and be told 429.
    const notFound: number[] = [];
    for (let round = 0; round < 5; round++) {
      const address = freshAddress();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => get(`/sso/${fresh('nobody')}-${i}/okta/login`, address)),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s !== 404 && s !== 429)).toEqual([]);
      notFound.push(statuses.filter((s) => s === 404).length);
    }
    // The number of 404s in each of five rounds.
    expect(notFound).toEqual([5, 5, 5, 5, 5]);
  });
});

describe('attack session 24: returning SAML sign-ins in one statement', () => {
  let t: TestApp;
  let saml: TestSamlIdp;
  let pg: boolean;
  beforeAll(async () => {
    // Concurrent posts come from distinct addresses (X-Forwarded-For), past the validator's per-address queue.
    t = await startTestApp({ TRUST_PROXY: 'true' });
    pg = t.dataSource.options.type === 'postgres';
    saml = createSamlIdp('https://attack24.example/idp');
  }, 60_000);
  afterAll(async () => t.close(), 60_000);

  async function samlTenant(
    groupSync: object = {},
    links: [string, string][] = [
      ['eng', 'developer'],
      ['ops', 'developer'],
    ],
  ) {
    const tenant = await newTenant(t);
    await t.op
      .post(`/api/v1/tenants/${tenant.slug}/identity-providers`)
      .send({
        slug: 'entra',
        type: 'saml',
        metadataXml: saml.metadataXml,
        allowIdpInitiated: true,
        groupSync,
      })
      .expect(201);
    const groups: Record<string, string> = {};
    for (const [external, role] of links) {
      const group = await newGroup(t, tenant.slug, { name: `G-${external}` });
      await newGroupLink(t, tenant.slug, group.id, { externalGroup: external, role });
      groups[external] = group.id;
    }
    const spMetadata = (await request(t.http).get(`/sso/${tenant.slug}/entra/metadata`).expect(200)).text;
    const respond = async (nameId: string, email: string, claimed: string[]) => {
      const login = await request(t.http).get(`/sso/${tenant.slug}/entra/login`).expect(302);
      return saml.respond(spMetadata, `http://sso.test/sso/${tenant.slug}/entra/acs`, {
        inResponseTo: authnRequestId(login.headers.location),
        nameId,
        attributes: { email: [email], groups: claimed },
      });
    };
    const post = (body: string, from = 0) =>
      request(t.http)
        .post(`/sso/${tenant.slug}/entra/acs`)
        .set('X-Forwarded-For', `203.0.113.${from + 1}`)
        .type('form')
        .send({ SAMLResponse: body });
    /** An IdP-initiated response: no request id to take, so only the assertion's single use stops a replay. */
    const unsolicited = (nameId: string, email: string, claimed: string[]) =>
      saml.respond(spMetadata, `http://sso.test/sso/${tenant.slug}/entra/acs`, {
        nameId,
        attributes: { email: [email], groups: claimed },
      });
    const signIn = async (nameId: string, email: string, claimed: string[]) =>
      post(await respond(nameId, email, claimed));
    return { tenant, groups, respond, unsolicited, post, signIn };
  }

  const userOf = (tenantId: string, email: string) =>
    t.dataSource.getRepository(User).findOneByOrFail({ tenantId, email });
  const membershipsOf = async (userId: string) =>
    (await t.dataSource.getRepository(Membership).findBy({ userId })).sort((a, b) =>
      a.groupId < b.groupId ? -1 : 1,
    );
  const refusedCodes = async (tenantId: string) =>
    (await t.dataSource.getRepository(AuditEvent).findBy({ tenantId, action: 'sso.sign_in_refused' })).map(
      (e) => (e.details as { code?: string }).code,
    );
  const sessionsOf = (userId: string) => t.dataSource.getRepository(Session).countBy({ userId });
  /** PostgreSQL: polls until a backend of this database waits on a lock (the sign-in, on the held row). */
  async function someoneWaitsOnALock(): Promise<boolean> {
    for (let i = 0; i < 200; i++) {
      const [row] = await t.dataSource.query(
        `SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (Number(row.n) > 0) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  }

  it('a response replayed after a returning sign-in: 401 saml_replay, one session, nothing changed', async () => {
    const { tenant, unsolicited, post, signIn, groups } = await samlTenant();
    expect((await signIn('ada', 'ada@example.com', ['eng'])).status).toBe(302);
    const user = await userOf(tenant.id, 'ada@example.com');
    const response = await unsolicited('ada', 'ada@example.com', ['eng', 'ops']);
    expect((await post(response)).status).toBe(302);
    const replay = await post(response);
    expect(replay.status).toBe(401);
    expect(replay.text).toContain('already used');
    expect(await refusedCodes(tenant.id)).toEqual(['saml_replay']);
    expect(await sessionsOf(user.id)).toBe(2);
    expect((await membershipsOf(user.id)).map((m) => m.groupId).sort()).toEqual(
      [groups.eng, groups.ops].sort(),
    );
  });

  it('one response posted on 8 connections at once (a returning user): one 302, seven 401 replays, one session', async () => {
    const { tenant, unsolicited, post, signIn } = await samlTenant();
    expect((await signIn('bo', 'bo@example.com', ['eng'])).status).toBe(302);
    const user = await userOf(tenant.id, 'bo@example.com');
    const response = await unsolicited('bo', 'bo@example.com', ['ops']);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => post(response, i)));
    expect(results.map((r) => r.status).sort()).toEqual([302, ...Array(7).fill(401)]);
    // Unauthenticated refusals are folded into one event per IdP, code and minute (sso-refusal-audit.ts).
    expect([...new Set(await refusedCodes(tenant.id))]).toEqual(['saml_replay']);
    expect(await sessionsOf(user.id)).toBe(2);
  });

  it('one response of a new user posted on 8 connections at once: one user, one identity, one 302', async () => {
    const { tenant, unsolicited, post } = await samlTenant();
    const response = await unsolicited('cy', 'cy@example.com', ['eng']);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => post(response, i)));
    expect(results.map((r) => r.status).sort()).toEqual([302, ...Array(7).fill(401)]);
    expect(await t.dataSource.getRepository(User).countBy({ tenantId: tenant.id })).toBe(1);
    expect(await t.dataSource.getRepository(Identity).countBy({ tenantId: tenant.id })).toBe(1);
  });

  it("8 concurrent sign-ins of one returning user with different claims: all 302, the end state is one claim's", async () => {
    const { tenant, respond, post, signIn, groups } = await samlTenant();
    expect((await signIn('di', 'di@example.com', ['eng', 'ops'])).status).toBe(302);
    const user = await userOf(tenant.id, 'di@example.com');
    const claims = [
      ['eng'],
      ['ops'],
      ['none'],
      ['eng', 'ops'],
      ['eng'],
      ['ops'],
      ['nothing'],
      ['eng', 'ops', 'x'],
    ];
    const responses = await Promise.all(claims.map((c) => respond('di', 'di@example.com', c)));
    const results = await Promise.all(responses.map((r, i) => post(r, i)));
    expect(results.map((r) => (r.status === 302 ? 302 : `${r.status} ${r.text}`))).toEqual(
      Array(8).fill(302),
    );
    const held = (await membershipsOf(user.id)).map((m) => m.groupId).sort();
    const stored = (await t.dataSource.getRepository(ExternalMembership).findBy({ userId: user.id }))
      .map((e) => e.externalGroup)
      .sort();
    // Stored groups are exactly one claim's, without duplicates; memberships follow that claim.
    const which = claims.findIndex((c) => JSON.stringify([...c].sort()) === JSON.stringify(stored));
    expect(which).toBeGreaterThanOrEqual(0);
    const expected = claims[which]
      .filter((g) => g in groups)
      .map((g) => groups[g])
      .sort();
    expect(held).toEqual(expected);
    expect(await sessionsOf(user.id)).toBe(9);
    expect(await t.dataSource.getRepository(Identity).countBy({ userId: user.id })).toBe(1);
  });

  it("a sign-in while another transaction holds the user's row: it waits, then applies its claim (no 500)", async () => {
    const { tenant, signIn, groups } = await samlTenant();
    expect((await signIn('ed', 'ed@example.com', ['eng'])).status).toBe(302);
    const user = await userOf(tenant.id, 'ed@example.com');
    if (pg) {
      const runner = await openTransaction(t);
      try {
        // What a SCIM write does: it holds the user row while it changes the user's memberships.
        await runner.query(`SELECT "id" FROM "users" WHERE "id" = $1 FOR UPDATE`, [user.id]);
        await runner.query(`DELETE FROM "memberships" WHERE "userId" = $1`, [user.id]);
        // Planned from a read before the holder's commit, eng would look held and not be added back.
        const pending = signIn('ed', 'ed@example.com', ['eng', 'ops']);
        expect(await someoneWaitsOnALock()).toBe(true);
        await runner.commitTransaction();
        expect((await pending).status).toBe(302);
      } finally {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
      }
    } else {
      await t.dataSource.query(`DELETE FROM "memberships" WHERE "userId" = ?`, [user.id]);
      expect((await signIn('ed', 'ed@example.com', ['eng', 'ops'])).status).toBe(302);
    }
    expect((await membershipsOf(user.id)).map((m) => m.groupId).sort()).toEqual(
      [groups.eng, groups.ops].sort(),
    );
    // eng added at the first sign-in and again after the holder removed it; ops once; nothing removed.
    const events = await t.dataSource.getRepository(AuditEvent).findBy({ tenantId: tenant.id });
    expect(events.filter((e) => e.action === 'membership.added')).toHaveLength(3);
    expect(events.filter((e) => e.action === 'membership.removed')).toHaveLength(0);
  });

  it('a blocked user: refused, the refusal audited, the response used up (its replay is saml_replay)', async () => {
    const { tenant, unsolicited, post, signIn } = await samlTenant();
    expect((await signIn('fi', 'fi@example.com', ['eng'])).status).toBe(302);
    const user = await userOf(tenant.id, 'fi@example.com');
    await t.op
      .patch(`/api/v1/tenants/${tenant.slug}/users/${user.id}`)
      .send({ status: 'blocked' })
      .expect(200);
    const response = await unsolicited('fi', 'fi@example.com', ['eng']);
    const first = await post(response);
    expect(first.status).toBeGreaterThanOrEqual(400);
    expect(await sessionsOf(user.id)).toBe(1);
    const refusals = await refusedCodes(tenant.id);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).not.toBe('saml_replay');
    const replay = await post(response);
    expect(replay.status).toBe(401);
    expect(await refusedCodes(tenant.id)).toEqual([refusals[0], 'saml_replay']);
  });

  it('a denied signup: audited and the response used up', async () => {
    const { tenant, unsolicited, post } = await samlTenant({ prohibitSignupIfNotInGroup: true });
    const response = await unsolicited('gu', 'gu@example.com', ['not-linked']);
    const first = await post(response);
    expect(first.status).toBeGreaterThanOrEqual(400);
    expect(
      await t.dataSource
        .getRepository(AuditEvent)
        .countBy({ tenantId: tenant.id, action: 'sync.signup_denied' }),
    ).toBe(1);
    expect(await t.dataSource.getRepository(User).countBy({ tenantId: tenant.id })).toBe(0);
    const replay = await post(response);
    expect(replay.status).toBe(401);
    expect(await refusedCodes(tenant.id)).toContain('saml_replay');
  });

  it('owners: of two owners one loses the claim and goes; the other, now the last owner, is kept', async () => {
    const { tenant, signIn, groups } = await samlTenant({}, [['admins', 'owner']]);
    expect((await signIn('ha', 'ha@example.com', ['admins'])).status).toBe(302);
    expect((await signIn('hb', 'hb@example.com', ['admins'])).status).toBe(302);
    const ha = await userOf(tenant.id, 'ha@example.com');
    const hb = await userOf(tenant.id, 'hb@example.com');
    expect((await signIn('ha', 'ha@example.com', ['other'])).status).toBe(302);
    expect(await membershipsOf(ha.id)).toEqual([]);
    expect((await signIn('hb', 'hb@example.com', ['other'])).status).toBe(302);
    const [kept] = await membershipsOf(hb.id);
    expect(kept).toEqual(expect.objectContaining({ groupId: groups.admins, role: 'owner' }));
    expect(kept.lastOwnerKeptAt).not.toBeNull();
    // A second sign-in without the group writes no second mark; the mark's time is kept to the ms.
    expect((await signIn('hb', 'hb@example.com', ['other'])).status).toBe(302);
    const [again] = await membershipsOf(hb.id);
    expect(again.lastOwnerKeptAt!.getTime()).toBe(kept.lastOwnerKeptAt!.getTime());
    expect(
      await t.dataSource
        .getRepository(AuditEvent)
        .countBy({ tenantId: tenant.id, action: 'membership.kept_as_last_owner' }),
    ).toBe(1);
  });

  it('owners: four owners lose the claim at the same moment: exactly one is kept as the last owner', async () => {
    // Right behaviour: the last-owner rule holds under concurrency; a group never loses its last
    // owner to sign-ins. Each sign-in locks only its own user row and reads the group's owner count
    // in its own snapshot (now the one statement), so on PostgreSQL all four can read 4 and all go.
    const rounds: number[] = [];
    for (let round = 0; round < 3; round++) {
      const { tenant, respond, post, signIn, groups } = await samlTenant({}, [['admins', 'owner']]);
      const who = ['o1', 'o2', 'o3', 'o4'];
      for (const id of who) expect((await signIn(id, `${id}@example.com`, ['admins'])).status).toBe(302);
      const responses = await Promise.all(who.map((id) => respond(id, `${id}@example.com`, ['other'])));
      const results = await Promise.all(responses.map((r, i) => post(r, i)));
      expect(results.map((r) => r.status)).toEqual([302, 302, 302, 302]);
      const owners = await t.dataSource
        .getRepository(Membership)
        .countBy({ tenantId: tenant.id, groupId: groups.admins, role: 'owner' });
      rounds.push(owners);
    }
    expect(rounds).toEqual([1, 1, 1]);
  });

  it('a pending removal (grace period) survives the JSON read: its due time is kept to the ms, and a due one goes', async () => {
    const { tenant, signIn, groups } = await samlTenant({ removalGraceHours: 24 });
    expect((await signIn('jo', 'jo@example.com', ['eng', 'ops'])).status).toBe(302);
    const user = await userOf(tenant.id, 'jo@example.com');
    expect((await signIn('jo', 'jo@example.com', ['ops'])).status).toBe(302);
    const pending = (await membershipsOf(user.id)).find((m) => m.groupId === groups.eng)!;
    expect(pending.removalDueAt).not.toBeNull();
    // An odd millisecond, to see it kept.
    const due = new Date(Math.floor(pending.removalDueAt!.getTime() / 1000) * 1000 + 987);
    await t.dataSource.getRepository(Membership).update({ id: pending.id }, { removalDueAt: due });
    expect((await signIn('jo', 'jo@example.com', ['ops'])).status).toBe(302);
    const still = (await membershipsOf(user.id)).find((m) => m.groupId === groups.eng)!;
    expect(still.removalDueAt!.getTime()).toBe(due.getTime());
    expect(
      await t.dataSource
        .getRepository(AuditEvent)
        .countBy({ tenantId: tenant.id, action: 'membership.removal_scheduled' }),
    ).toBe(1);
    // The claim comes back: the mark goes.
    expect((await signIn('jo', 'jo@example.com', ['eng', 'ops'])).status).toBe(302);
    const back = (await membershipsOf(user.id)).find((m) => m.groupId === groups.eng)!;
    expect(back.removalDueAt).toBeNull();
  });

  it('stored groups: a claim repeated keeps its stored rows (same ids; seenAt refreshed when over an hour old, kept otherwise)', async () => {
    const { tenant, signIn } = await samlTenant();
    expect((await signIn('ka', 'ka@example.com', ['eng', 'zz-unlinked'])).status).toBe(302);
    const user = await userOf(tenant.id, 'ka@example.com');
    const before = await t.dataSource.getRepository(ExternalMembership).findBy({ userId: user.id });
    expect(before.map((r) => r.externalGroup).sort()).toEqual(['eng', 'zz-unlinked']);
    await new Promise((r) => setTimeout(r, 20));
    expect((await signIn('ka', 'ka@example.com', ['zz-unlinked', 'eng'])).status).toBe(302);
    const after = await t.dataSource.getRepository(ExternalMembership).findBy({ userId: user.id });
    expect(after.map((r) => r.id).sort()).toEqual(before.map((r) => r.id).sort());
    expect(after).toHaveLength(2);
    // seenAt moves to the hour (sync-writer.ts): a row seen 2 h ago is refreshed, one seen 30 min ago
    // is left as it was, to the millisecond (the stored rows now come back through JSON).
    const repo = t.dataSource.getRepository(ExternalMembership);
    const old = new Date(Date.now() - 2 * 3600_000 - 321);
    const recent = new Date(Date.now() - 1800_000 - 789);
    const row = (rows: ExternalMembership[], g: string) => rows.find((r) => r.externalGroup === g)!;
    await repo.update({ id: row(after, 'eng').id }, { seenAt: old });
    await repo.update({ id: row(after, 'zz-unlinked').id }, { seenAt: recent });
    const start = Date.now();
    expect((await signIn('ka', 'ka@example.com', ['eng', 'zz-unlinked'])).status).toBe(302);
    const refreshed = await repo.findBy({ userId: user.id });
    expect(row(refreshed, 'eng').seenAt.getTime()).toBeGreaterThanOrEqual(start);
    expect(row(refreshed, 'zz-unlinked').seenAt.getTime()).toBe(recent.getTime());
    expect((await signIn('ka', 'ka@example.com', ['eng'])).status).toBe(302);
    const last = await t.dataSource.getRepository(ExternalMembership).findBy({ userId: user.id });
    expect(last.map((r) => r.externalGroup)).toEqual(['eng']);
  });

  it("another tenant's user with the same NameID and email is not touched by a sign-in", async () => {
    const a = await samlTenant();
    const b = await samlTenant();
    expect((await a.signIn('same', 'same@example.com', ['eng'])).status).toBe(302);
    expect((await b.signIn('same', 'same@example.com', ['ops'])).status).toBe(302);
    expect((await a.signIn('same', 'same@example.com', ['ops'])).status).toBe(302);
    const ua = await userOf(a.tenant.id, 'same@example.com');
    const ub = await userOf(b.tenant.id, 'same@example.com');
    expect((await membershipsOf(ua.id)).map((m) => m.groupId)).toEqual([a.groups.ops]);
    expect((await membershipsOf(ub.id)).map((m) => m.groupId)).toEqual([b.groups.ops]);
    expect(await sessionsOf(ub.id)).toBe(1);
  });

  it('metrics: a returning sign-in that adds two memberships counts two, once (not per retry)', async () => {
    const { signIn, respond, post } = await samlTenant();
    expect((await signIn('mo', 'mo@example.com', [])).status).toBe(302);
    const value = async (series: string) => {
      const text = (await t.op.get('/metrics').expect(200)).text;
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? 0 : Number(line.slice(series.length + 1));
    };
    const added = 'groupsync_sync_changes_total{kind="membership_added",actor="idp"}';
    const before = await value(added);
    expect((await signIn('mo', 'mo@example.com', ['eng', 'ops'])).status).toBe(302);
    expect(await value(added)).toBe(before + 2);
    // Concurrent sign-ins that each add nothing new count nothing.
    const responses = await Promise.all(
      Array.from({ length: 4 }, () => respond('mo', 'mo@example.com', ['eng', 'ops'])),
    );
    const results = await Promise.all(responses.map((r, i) => post(r, i)));
    expect(results.map((r) => r.status)).toEqual([302, 302, 302, 302]);
    expect(await value(added)).toBe(before + 2);
  });
  it('8 concurrent first sign-ins of one new user (distinct responses): all 302, one user, one identity, no 500', async () => {
    const { tenant, respond, post, groups } = await samlTenant();
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => respond('nu', 'nu@example.com', ['eng'])),
    );
    const results = await Promise.all(responses.map((r, i) => post(r, i)));
    expect(results.map((r) => (r.status === 302 ? 302 : `${r.status} ${r.text.slice(0, 400)}`))).toEqual(
      Array(8).fill(302),
    );
    expect(await t.dataSource.getRepository(User).countBy({ tenantId: tenant.id })).toBe(1);
    expect(await t.dataSource.getRepository(Identity).countBy({ tenantId: tenant.id })).toBe(1);
    const user = await userOf(tenant.id, 'nu@example.com');
    expect((await membershipsOf(user.id)).map((m) => m.groupId)).toEqual([groups.eng]);
    expect(await t.dataSource.getRepository(ExternalMembership).countBy({ userId: user.id })).toBe(1);
    expect(await sessionsOf(user.id)).toBe(8);
  });

  it('SCIM-pushed stored groups count at a returning sign-in, and stop counting when gone', async () => {
    const { tenant, signIn, groups } = await samlTenant();
    expect((await signIn('pu', 'pu@example.com', ['ops'])).status).toBe(302);
    const user = await userOf(tenant.id, 'pu@example.com');
    const identity = await t.dataSource.getRepository(Identity).findOneByOrFail({ userId: user.id });
    const repo = t.dataSource.getRepository(ExternalMembership);
    await repo.insert(
      repo.create({
        tenantId: tenant.id,
        idpId: identity.idpId,
        userId: user.id,
        externalGroup: 'eng',
        source: 'scim',
        seenAt: new Date(Date.now() - 1234),
      }),
    );
    expect((await signIn('pu', 'pu@example.com', ['ops'])).status).toBe(302);
    expect((await membershipsOf(user.id)).map((m) => m.groupId).sort()).toEqual(
      [groups.eng, groups.ops].sort(),
    );
    // The pushed row is the SCIM client's: a sign-in leaves it as it was.
    const pushed = await repo.findOneByOrFail({ userId: user.id, externalGroup: 'eng' });
    expect(pushed.source).toBe('scim');
    await repo.delete({ id: pushed.id });
    expect((await signIn('pu', 'pu@example.com', ['ops'])).status).toBe(302);
    expect((await membershipsOf(user.id)).map((m) => m.groupId)).toEqual([groups.ops]);
  });

  it('a session insert that fails: the sign-in writes nothing (memberships, audit, assertion use), and the response works once it is fixed', async () => {
    const { tenant, unsolicited, post, signIn, groups } = await samlTenant();
    expect((await signIn('at', 'at@example.com', ['eng'])).status).toBe(302);
    const user = await userOf(tenant.id, 'at@example.com');
    const auditBefore = await t.dataSource.getRepository(AuditEvent).countBy({ tenantId: tenant.id });
    if (pg) {
      await t.dataSource.query(
        `CREATE OR REPLACE FUNCTION attack24_fail() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'attack24'; END $$ LANGUAGE plpgsql`,
      );
      await t.dataSource.query(
        `CREATE TRIGGER attack24_sessions BEFORE INSERT ON "sessions" FOR EACH ROW WHEN (NEW."userId" = '${user.id}') EXECUTE FUNCTION attack24_fail()`,
      );
    } else {
      await t.dataSource.query(
        `CREATE TRIGGER attack24_sessions BEFORE INSERT ON "sessions" WHEN NEW."userId" = '${user.id}' BEGIN SELECT RAISE(ABORT, 'attack24'); END`,
      );
    }
    const response = await unsolicited('at', 'at@example.com', ['ops']);
    try {
      const failed = await post(response);
      expect(failed.status).toBeGreaterThanOrEqual(500);
      expect((await membershipsOf(user.id)).map((m) => m.groupId)).toEqual([groups.eng]);
      expect(await sessionsOf(user.id)).toBe(1);
      expect(await t.dataSource.getRepository(AuditEvent).countBy({ tenantId: tenant.id })).toBe(auditBefore);
    } finally {
      await t.dataSource.query(`DROP TRIGGER attack24_sessions${pg ? ' ON "sessions"' : ''}`);
    }
    // The assertion's single use was rolled back with the rest: the same response signs in now.
    expect((await post(response)).status).toBe(302);
    expect((await membershipsOf(user.id)).map((m) => m.groupId)).toEqual([groups.ops]);
    expect(await sessionsOf(user.id)).toBe(2);
  });

  it('a sign-in waiting on a user row whose holder deletes the user: no 500, one fresh user', async () => {
    const { tenant, signIn, groups } = await samlTenant();
    expect((await signIn('del', 'del@example.com', ['eng'])).status).toBe(302);
    const user = await userOf(tenant.id, 'del@example.com');
    if (pg) {
      const runner = await openTransaction(t);
      try {
        await runner.query(`SELECT "id" FROM "users" WHERE "id" = $1 FOR UPDATE`, [user.id]);
        const pending = signIn('del', 'del@example.com', ['ops']);
        expect(await someoneWaitsOnALock()).toBe(true);
        await runner.query(`DELETE FROM "users" WHERE "id" = $1`, [user.id]);
        await runner.commitTransaction();
        const res = await pending;
        expect(res.status === 302 ? 302 : `${res.status} ${res.text.slice(0, 400)}`).toBe(302);
      } finally {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
      }
    } else {
      await t.dataSource.query(`DELETE FROM "users" WHERE "id" = ?`, [user.id]);
      expect((await signIn('del', 'del@example.com', ['ops'])).status).toBe(302);
    }
    const users = await t.dataSource.getRepository(User).findBy({ tenantId: tenant.id });
    expect(users).toHaveLength(1);
    expect(users[0].id).not.toBe(user.id);
    expect((await membershipsOf(users[0].id)).map((m) => m.groupId)).toEqual([groups.ops]);
  });
  it('a sign-in that adds more memberships than one statement has parameters for: signed in, every change audited', async () => {
    // Before this change the sync's audit events went through AuditService.record (insertInChunks,
    // one INSERT per parameter budget); insertTogether now writes them all in ONE INSERT. Past
    // 65 535 parameters (PostgreSQL's protocol; SQLite's limit is 32 766) that statement cannot run.
    // Right behaviour: 302, every membership and its membership.added event written (chunked inserts).
    const columns = t.dataSource.getMetadata(AuditEvent).columns.length;
    const n = Math.ceil(65_536 / columns) + 20;
    const { tenant, signIn } = await samlTenant({}, []);
    const home = await newGroup(t, tenant.slug, { name: 'teams' });
    await newGroupLink(t, tenant.slug, home.id, {
      externalGroup: '^g-(.+)$',
      matchType: 'regex',
      targetFromCapture: true,
      role: 'reporter',
    });
    const repo = t.dataSource.getRepository(Group);
    await insertInChunks(
      t.dataSource.manager,
      Group,
      Array.from({ length: n }, (_, i) => repo.create({ tenantId: tenant.id, name: `n${i}` })),
    );
    const claimed = Array.from({ length: n }, (_, i) => `g-n${i}`);
    const res = await signIn('big', 'big@example.com', claimed);
    expect(res.status === 302 ? 302 : `${res.status} ${res.text.slice(0, 600)}`).toBe(302);
    const user = await userOf(tenant.id, 'big@example.com');
    expect(await t.dataSource.getRepository(Membership).countBy({ userId: user.id })).toBe(n);
    expect(
      await t.dataSource
        .getRepository(AuditEvent)
        .countBy({ tenantId: tenant.id, action: 'membership.added' }),
    ).toBe(n);
  }, 120_000);
});
