import request from 'supertest';
import { FakeGraph, startFakeGraph } from '../support/fake-graph';
import { newApiKey, newGroup, newGroupLink, newOidcIdp, newTenant } from '../support/factories';
import { signIn } from '../support/sync-helpers';
import { startTestApp, TestApp } from '../support/test-app';
import { LeaversScheduler } from '../../src/sync/leavers/leavers-scheduler';
import { User } from '../../src/users/user.entity';
import { RESPONSE_SCHEMAS } from '../../src/common/openapi-schemas';
import { checkAgainst } from '../support/openapi-check';

const DAY_MS = 86_400_000;
// Entra object ids (GUIDs), as the oid claim carries them.
const OID = {
  alice: '0a000000-0000-4000-8000-00000000000a',
  bob: '0b000000-0000-4000-8000-00000000000b',
  carol: '0c000000-0000-4000-8000-00000000000c',
  erin: '0e000000-0000-4000-8000-00000000000e',
  fred: '0f000000-0000-4000-8000-00000000000f',
  fresh: '01000000-0000-4000-8000-000000000001',
};

describe('Leavers caught without a sign-in: Graph refresh and the inactivity rule', () => {
  let t: TestApp;
  let graph: FakeGraph;
  const groupsByUser: Record<string, { id: string; displayName: string }[]> = {};
  const failFor: NonNullable<Parameters<typeof startFakeGraph>[0]['failFor']> = {};
  let acme: { slug: string };
  let eng: { id: string };
  let sales: { id: string };
  let ops: { id: string };
  const userIds: Record<string, string> = {};

  const base = (slug: string) => `/api/v1/tenants/${slug}/identity-providers`;
  const members = async (groupId: string) =>
    (
      (await t.op.get(`/api/v1/tenants/${acme.slug}/groups/${groupId}/members`).expect(200)).body as {
        email: string;
      }[]
    )
      .map((m) => m.email)
      .sort();
  const audit = async (tenant: string, action: string) =>
    (await t.op.get(`/api/v1/tenants/${tenant}/audit-events?action=${action}`).expect(200)).body.items as {
      userId: string | null;
      details: Record<string, unknown>;
      actor: { type: string };
    }[];
  /** The user was last seen `days` ago (sign-ins just now set it to today). */
  const lastSeen = (email: string, days: number) =>
    t.dataSource.getRepository(User).update({ email }, { lastSeenAt: new Date(Date.now() - days * DAY_MS) });

  beforeAll(async () => {
    graph = await startFakeGraph({
      clientId: 'graph-app',
      clientSecret: 'graph-secret',
      groupsByUser,
      failFor,
      pageSize: 2,
    });
    t = await startTestApp();
    acme = await newTenant(t);
    await newOidcIdp(t, acme.slug, 'entra', {
      graph: {
        directoryId: 'contoso-tenant',
        clientId: 'graph-app',
        clientSecret: 'graph-secret',
        tokenUrl: graph.tokenUrl,
        baseUrl: graph.url,
      },
    });
    eng = await newGroup(t, acme.slug, { name: 'Engineering' });
    sales = await newGroup(t, acme.slug, { name: 'Sales' });
    ops = await newGroup(t, acme.slug, { name: 'Ops' });
    await newGroupLink(t, acme.slug, eng.id, { externalGroup: 'gid-eng', role: 'developer', label: 'Eng' });
    await newGroupLink(t, acme.slug, sales.id, {
      externalGroup: 'gid-sales',
      role: 'developer',
      label: 'Sales',
    });
    await newGroupLink(t, acme.slug, ops.id, { externalGroup: 'Ops team', role: 'maintainer' });
    for (const name of ['alice', 'bob', 'carol', 'erin', 'fred', 'fresh'] as const) {
      const email = `${name}@example.com`;
      const outcome = await signIn(
        t,
        acme.slug,
        'entra',
        { email, externalId: `sub-${name}` },
        ['gid-eng', 'gid-sales'],
        {
          extraAttributes: { oid: OID[name] },
        },
      );
      userIds[name] = outcome.status === 'signed-in' ? outcome.user.id : '';
      if (name !== 'fresh') await lastSeen(email, 40);
    }
  });
  afterAll(async () => {
    await t.close();
    await graph.close();
  });

  it('refuses bad leaver settings with 400 and stores good ones with the next run due one interval later', async () => {
    const patch = (body: object) => t.op.patch(`${base(acme.slug)}/entra`).send(body);
    for (const leavers of [
      { graphRefreshHours: 0 },
      { graphRefreshHours: 721 },
      { graphRefreshHours: 1.5 },
      { notSeenDays: 'thirty' },
      { notSeenDays: null },
      { blockNotSeenDays: -1 },
      { sometimes: true },
    ]) {
      const res = await patch({ leavers }).expect(400);
      expect(res.body.code).toBe('validation_failed');
    }
    expect((await patch({ leavers: [] }).expect(400)).body.code).toBe('validation_failed');
    expect((await patch({ leavers: 5 }).expect(400)).body.code).toBe('validation_failed');
    // A scheduled Graph refresh on an IdP without Graph settings cannot work
    await newOidcIdp(t, acme.slug, 'plain');
    const noGraph = await t.op
      .patch(`${base(acme.slug)}/plain`)
      .send({ leavers: { graphRefreshHours: 6 } })
      .expect(400);
    expect(noGraph.body).toMatchObject({
      code: 'invalid_identity_provider',
      details: { field: 'leavers.graphRefreshHours' },
    });

    const before = Date.now();
    const ok = await patch({ leavers: { graphRefreshHours: 6, notSeenDays: 30 } }).expect(200);
    expect(ok.body.leavers).toEqual({ graphRefreshHours: 6, notSeenDays: 30, blockNotSeenDays: null });
    const due = Date.parse(ok.body.leaversNextRunAt);
    expect(due).toBeGreaterThanOrEqual(before + 6 * 3_600_000);
    expect(due).toBeLessThan(Date.now() + 6 * 3_600_000 + 1000);
    // a partial update keeps the other keys
    const more = await patch({ leavers: { notSeenDays: 20 } }).expect(200);
    expect(more.body.leavers).toEqual({ graphRefreshHours: 6, notSeenDays: 20, blockNotSeenDays: null });
    await patch({ leavers: { notSeenDays: 30 } }).expect(200);
  });

  it('a complete Graph answer adds and removes through the engine; the dry run shows the plans and writes nothing', async () => {
    groupsByUser[OID.alice] = [
      { id: 'gid-eng', displayName: 'Engineering staff' },
      { id: 'gid-ops', displayName: 'Ops team' },
      { id: 'gid-other', displayName: 'Unlinked' },
    ];
    for (const name of ['bob', 'carol', 'erin', 'fred'] as const)
      failFor[OID[name]] = { page: 1, status: 500 };
    const dry = await t.op.post(`${base(acme.slug)}/entra/graph-refresh?dryRun=true`).expect(200);
    expect(dry.body).toMatchObject({
      dryRun: true,
      notSeenDays: 30,
      usersConsidered: 5,
      usersRead: 1,
      usersChanged: 1,
    });
    const alice = dry.body.users.find((u: { email: string }) => u.email === 'alice@example.com');
    expect(alice.outcome).toBe('changes');
    expect(alice.plan.adds).toEqual([expect.objectContaining({ groupName: 'Ops', role: 'maintainer' })]);
    expect(alice.plan.removals).toEqual([expect.objectContaining({ groupName: 'Sales' })]);
    // "fresh" signed in today: not a leaver, not asked
    expect(dry.body.users.map((u: { email: string }) => u.email)).not.toContain('fresh@example.com');
    expect(await members(sales.id)).toContain('alice@example.com');
    expect(await members(ops.id)).not.toContain('alice@example.com');

    const run = await t.op.post(`${base(acme.slug)}/entra/graph-refresh`).expect(200);
    expect(run.body).toMatchObject({
      dryRun: false,
      usersRead: 1,
      usersChanged: 1,
      usersBlocked: 0,
      usersFailed: 4,
    });
    expect(run.body.users).toBeUndefined();
    expect(await members(sales.id)).not.toContain('alice@example.com');
    expect(await members(ops.id)).toContain('alice@example.com');
    const removed = await audit(acme.slug, 'membership.removed');
    expect(removed.find((e) => e.userId === userIds.alice)?.details).toMatchObject({
      trigger: 'graph-refresh',
      idp: 'entra',
    });
    // the refresh does not count as being seen
    const user = await t.op.get(`/api/v1/tenants/${acme.slug}/users/${userIds.alice}`).expect(200);
    expect(Date.parse(user.body.lastSeenAt)).toBeLessThan(Date.now() - 39 * DAY_MS);
    // Graph's list is stored as the user's complete external groups
    expect(user.body.externalGroups.map((g: { externalGroup: string }) => g.externalGroup).sort()).toEqual(
      ['Engineering staff', 'Ops team', 'Unlinked', 'gid-eng', 'gid-ops', 'gid-other'].sort(),
    );
  });

  it('a failing Graph (500, broken paging, a page without value, 429) changes nothing and is audited once per run', async () => {
    groupsByUser[OID.bob] = [{ id: 'gid-eng', displayName: 'E' }];
    groupsByUser[OID.carol] = [
      { id: 'gid-eng', displayName: 'E' },
      { id: 'gid-x1', displayName: 'X1' },
      { id: 'gid-x2', displayName: 'X2' },
    ];
    groupsByUser[OID.erin] = [
      { id: 'gid-eng', displayName: 'E' },
      { id: 'gid-x1', displayName: 'X1' },
      { id: 'gid-x3', displayName: 'X3' },
    ];
    groupsByUser[OID.fred] = [{ id: 'gid-eng', displayName: 'E' }];
    failFor[OID.bob] = { page: 1, status: 500 };
    failFor[OID.carol] = { page: 2, status: 503 }; // the first page came, the second did not
    failFor[OID.erin] = { page: 2, noValue: true };
    failFor[OID.fred] = { page: 1, status: 404 }; // a 404 while /users/{id} says the user exists: no proof
    const before = (await audit(acme.slug, 'sync.graph_refreshed')).length;
    const run = await t.op.post(`${base(acme.slug)}/entra/graph-refresh`).expect(200);
    expect(run.body).toMatchObject({ usersFailed: 4, usersChanged: 0, usersBlocked: 0, throttled: null });
    expect(run.body.failures.map((f: { reason: string }) => f.reason).sort()).toEqual([
      'Graph answered 404 on page 1',
      'Graph answered 500 on page 1',
      'Graph answered 503 on page 2',
      'Graph page 2 has no value array',
    ]);
    for (const name of ['bob', 'carol', 'erin', 'fred'])
      expect(await members(sales.id)).toContain(`${name}@example.com`);
    const events = await audit(acme.slug, 'sync.graph_refreshed');
    expect(events.length).toBe(before + 1);
    expect(events[0].details).toMatchObject({ idp: 'entra', usersFailed: 4 });
    expect(events[0].details.users).toBeUndefined();

    // Throttled: every lookup answers 429; the run stops asking and nothing changes
    for (const name of ['alice', 'bob', 'carol', 'erin', 'fred'] as const)
      failFor[OID[name]] = { page: 1, status: 429, retryAfter: 7 };
    graph.requests.length = 0;
    const throttled = await t.op.post(`${base(acme.slug)}/entra/graph-refresh`).expect(200);
    expect(throttled.body.throttled).toEqual({ retryAfterSeconds: 7 });
    expect(throttled.body.usersFailed + throttled.body.usersNotRead).toBe(5);
    expect(throttled.body.usersChanged).toBe(0);
    for (const name of ['bob', 'carol', 'erin', 'fred'])
      expect(await members(sales.id)).toContain(`${name}@example.com`);
    for (const name of Object.keys(failFor)) delete failFor[name];
  });

  it('a user Graph says no longer exists is blocked, sessions ended, memberships kept; audited', async () => {
    delete groupsByUser[OID.erin]; // deleted in Entra: 404 Request_ResourceNotFound on both endpoints
    const dry = await t.op.post(`${base(acme.slug)}/entra/graph-refresh?dryRun=true`).expect(200);
    expect(dry.body.users.find((u: { email: string }) => u.email === 'erin@example.com')).toMatchObject({
      outcome: 'blocked',
    });
    expect(
      (await t.op.get(`/api/v1/tenants/${acme.slug}/users/${userIds.erin}`).expect(200)).body.status,
    ).toBe('active');
    const run = await t.op.post(`${base(acme.slug)}/entra/graph-refresh`).expect(200);
    expect(run.body.usersBlocked).toBe(1);
    const erin = (await t.op.get(`/api/v1/tenants/${acme.slug}/users/${userIds.erin}`).expect(200)).body;
    expect(erin).toMatchObject({ status: 'blocked', blockedBy: 'graph' });
    expect(await members(eng.id)).toContain('erin@example.com');
    const blocked = (await audit(acme.slug, 'user.blocked')).find((e) => e.userId === userIds.erin);
    expect(blocked?.details).toMatchObject({ trigger: 'graph-refresh', idp: 'entra' });
    // a blocked user is not asked again
    const again = await t.op.post(`${base(acme.slug)}/entra/graph-refresh?dryRun=true`).expect(200);
    expect(again.body.users.map((u: { email: string }) => u.email)).not.toContain('erin@example.com');
  });

  it('many users gone at once (Graph settings pointing at another directory) blocks nobody', async () => {
    await newOidcIdp(t, acme.slug, 'entra-wrong', {
      graph: {
        directoryId: 'fabrikam-tenant',
        clientId: 'graph-app',
        clientSecret: 'graph-secret',
        tokenUrl: graph.tokenUrl,
        baseUrl: graph.url,
      },
    });
    for (let i = 10; i < 21; i++) {
      const email = `stranger${i}@example.com`;
      await signIn(t, acme.slug, 'entra-wrong', { email }, [], {
        extraAttributes: { oid: `5e000000-0000-4000-8000-0000000000${i}` },
      });
      await lastSeen(email, 40);
    }
    const dry = await t.op.post(`${base(acme.slug)}/entra-wrong/graph-refresh?dryRun=true`).expect(200);
    expect(dry.body).toMatchObject({
      usersConsidered: 11,
      usersBlocked: 0,
      blocksWithheld: 11,
      usersSkipped: 11,
    });
    expect(dry.body.users[0].reason).toMatch(/another directory/);
    // the answers hold to their OpenAPI schemas
    expect(checkAgainst(dry.body, RESPONSE_SCHEMAS.GraphRefreshResult, RESPONSE_SCHEMAS)).toEqual([]);
    const full = await t.op.post(`${base(acme.slug)}/entra/graph-refresh?dryRun=true`).expect(200);
    expect(checkAgainst(full.body, RESPONSE_SCHEMAS.GraphRefreshResult, RESPONSE_SCHEMAS)).toEqual([]);
    const idp = await t.op.get(`${base(acme.slug)}/entra`).expect(200);
    expect(checkAgainst(idp.body, RESPONSE_SCHEMAS.IdentityProvider, RESPONSE_SCHEMAS)).toEqual([]);
    const run = await t.op.post(`${base(acme.slug)}/entra-wrong/graph-refresh`).expect(200);
    expect(run.body).toMatchObject({ usersBlocked: 0, blocksWithheld: 11 });
    const users = (await t.op.get(`/api/v1/tenants/${acme.slug}/users`).expect(200)).body as {
      email: string;
      status: string;
    }[];
    expect(users.filter((u) => u.email.startsWith('stranger') && u.status !== 'active')).toEqual([]);
  });

  it('the inactivity rule: off by default (409), previewed, then blocks only who was not seen; bad input is 400', async () => {
    await newOidcIdp(t, acme.slug, 'okta');
    await signIn(t, acme.slug, 'okta', { email: 'old@example.com' }, []);
    await signIn(t, acme.slug, 'okta', { email: 'recent@example.com' }, []);
    await lastSeen('old@example.com', 100);
    await lastSeen('recent@example.com', 10);
    const url = `${base(acme.slug)}/okta/block-inactive`;
    expect((await t.op.post(url).expect(409)).body.code).toBe('leavers_not_configured');
    for (const q of [
      '?dryRun=maybe',
      '?dryRun=true&notSeenDays=0',
      '?dryRun=true&notSeenDays=x',
      '?notSeenDays=5',
      '?dryRun=true&days=3',
    ])
      expect((await t.op.post(url + q).expect(400)).body.code).toBe('validation_failed');
    const preview = await t.op.post(`${url}?dryRun=true&notSeenDays=30`).expect(200);
    expect(preview.body).toMatchObject({ dryRun: true, notSeenDays: 30, usersBlocked: 1 });
    expect(preview.body.users.map((u: { email: string }) => u.email)).toEqual(['old@example.com']);
    expect(checkAgainst(preview.body, RESPONSE_SCHEMAS.InactivityResult, RESPONSE_SCHEMAS)).toEqual([]);
    const wider = await t.op.post(`${url}?dryRun=true&notSeenDays=5`).expect(200);
    expect(wider.body.users.map((u: { email: string }) => u.email).sort()).toEqual([
      'old@example.com',
      'recent@example.com',
    ]);

    await t.op
      .patch(`${base(acme.slug)}/okta`)
      .send({ leavers: { blockNotSeenDays: 30 } })
      .expect(200);
    const run = await t.op.post(url).expect(200);
    expect(run.body).toMatchObject({ dryRun: false, usersBlocked: 1 });
    const users = (await t.op.get(`/api/v1/tenants/${acme.slug}/users`).expect(200)).body as {
      id: string;
      email: string;
      status: string;
      blockedBy: string | null;
    }[];
    const old = users.find((u) => u.email === 'old@example.com')!;
    expect(old).toMatchObject({ status: 'blocked', blockedBy: 'inactive' });
    expect(users.find((u) => u.email === 'recent@example.com')?.status).toBe('active');
    const events = await audit(acme.slug, 'sync.inactive_blocked');
    expect(events[0].details).toMatchObject({ idp: 'okta', notSeenDays: 30, usersBlocked: 1 });

    // An admin unblocking restarts the clock: the next run leaves them alone
    await t.op.patch(`/api/v1/tenants/${acme.slug}/users/${old.id}`).send({ status: 'active' }).expect(200);
    expect((await t.op.post(`${url}?dryRun=true`).expect(200)).body.usersBlocked).toBe(0);
  });

  it('tenants are isolated: another tenant cannot run or see these, and a run touches only its tenant', async () => {
    const other = await newTenant(t);
    await newOidcIdp(t, other.slug, 'entra', {
      graph: {
        directoryId: 'contoso-tenant',
        clientId: 'graph-app',
        clientSecret: 'graph-secret',
        tokenUrl: graph.tokenUrl,
        baseUrl: graph.url,
      },
      leavers: { blockNotSeenDays: 1 },
    });
    await signIn(t, other.slug, 'entra', { email: 'alice@example.com', externalId: 'sub-alice' }, [], {
      extraAttributes: { oid: OID.erin }, // the same Entra user gone in acme's run: not blocked here
    });
    await lastSeen('alice@example.com', 40); // both tenants' alice
    const key = await newApiKey(t, other.slug);
    for (const path of ['entra/graph-refresh?dryRun=true', 'okta/block-inactive?dryRun=true'])
      expect((await key.as('post', `${base(acme.slug)}/${path}`)).status).toBe(403);
    // other's own IdP, through its own key: only its own user
    const own = await key.as('post', `${base(other.slug)}/entra/block-inactive?dryRun=true`).expect(200);
    expect(own.body.users.map((u: { email: string }) => u.email)).toEqual(['alice@example.com']);
    expect(own.body.users[0].userId).not.toBe(userIds.alice);
    await t.op.post(`${base(acme.slug)}/entra/graph-refresh`).expect(200);
    const theirs = (await key.as('get', `/api/v1/tenants/${other.slug}/users`).expect(200)).body as {
      status: string;
    }[];
    expect(theirs.map((u) => u.status)).toEqual(['active']);
    // an IdP slug of another tenant is not found in this one
    expect((await key.as('post', `${base(other.slug)}/okta/graph-refresh?dryRun=true`)).status).toBe(404);
  });

  it('the schedule runs each due IdP once, even when two processes tick together', async () => {
    await t.dataSource.query(
      `UPDATE identity_providers SET "leaversNextRunAt" = "createdAt" WHERE slug = 'okta'`,
    );
    await signIn(t, acme.slug, 'okta', { email: 'sleeper@example.com' }, []);
    await lastSeen('sleeper@example.com', 60);
    const scheduler = t.app.get(LeaversScheduler);
    const [a, b] = await Promise.all([scheduler.runDue(), scheduler.runDue()]);
    expect([...a, ...b].filter((slug) => slug === 'okta')).toEqual(['okta']);
    const idp = await t.op.get(`${base(acme.slug)}/okta`).expect(200);
    expect(Date.parse(idp.body.leaversNextRunAt)).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    const users = (await t.op.get(`/api/v1/tenants/${acme.slug}/users`).expect(200)).body as {
      email: string;
      status: string;
    }[];
    expect(users.find((u) => u.email === 'sleeper@example.com')?.status).toBe('blocked');
    const run = (await audit(acme.slug, 'sync.inactive_blocked'))[0];
    expect(run.actor.type).toBe('system');
    // not due any more: nothing runs
    expect(await scheduler.runDue()).toEqual([]);
  });

  it('SCIM-provisioned users are asked for by a GUID externalId (the object id), never by another id; a SCIM write is "seen"', async () => {
    const made = await t.op
      .post(`/api/v1/tenants/${acme.slug}/scim-tokens`)
      .send({ idp: 'entra', name: 'provisioning' })
      .expect(201);
    const push = (userName: string, externalId: string) =>
      request(t.http)
        .post(`/scim/v2/${acme.slug}/Users`)
        .set('Authorization', `Bearer ${made.body.token}`)
        .set('Content-Type', 'application/scim+json')
        .send(
          JSON.stringify({
            schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
            userName,
            externalId,
            emails: [{ value: userName, primary: true }],
            active: true,
          }),
        )
        .expect(201);
    const guid = '5c100000-0000-4000-8000-000000000001';
    await push('provisioned@example.com', guid);
    await push('nickname@example.com', 'jdoe'); // Entra's default mailNickname: not an object id
    groupsByUser[guid] = [{ id: 'gid-eng', displayName: 'Engineering staff' }];
    let dry = await t.op.post(`${base(acme.slug)}/entra/graph-refresh?dryRun=true`).expect(200);
    const emails = (body: { users: { email: string }[] }) => body.users.map((u) => u.email);
    expect(emails(dry.body)).not.toContain('provisioned@example.com'); // just written by SCIM: seen
    await lastSeen('provisioned@example.com', 40);
    await lastSeen('nickname@example.com', 40);
    dry = await t.op.post(`${base(acme.slug)}/entra/graph-refresh?dryRun=true`).expect(200);
    const line = (email: string) => dry.body.users.find((u: { email: string }) => u.email === email);
    expect(line('provisioned@example.com')).toMatchObject({ outcome: 'changes' });
    expect(line('provisioned@example.com').plan.adds).toEqual([
      expect.objectContaining({ groupName: 'Engineering', role: 'developer' }),
    ]);
    expect(line('nickname@example.com')).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringMatching(/object id/),
    });
    expect(graph.requests.some((r) => r.includes('/users/jdoe'))).toBe(false);
  });
});
