import request from 'supertest';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { ScimGroup, ScimGroupMember } from '../../src/scim/scim-group.entity';
import { ScimUser, ScimUserEmail } from '../../src/scim/scim-user.entity';
import { ExternalMembership } from '../../src/sync/external-membership.entity';
import { User } from '../../src/users/user.entity';
import { newOidcIdp, newTenant } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/**
 * Session 23's attack on the SCIM bulk-load change (#14): a new SCIM user without a transaction on
 * PostgreSQL (unique indexes decide races), userName clashes answered after the write, the other-IdP
 * count in the token check, group writes in fewer statements. Through HTTP, on both databases.
 */
describe('attack session 23: SCIM writes without a transaction', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  }, 60_000);
  afterAll(async () => t.close(), 60_000);

  async function scimTenant(idpSlug = 'entra', extra: object = {}) {
    const tenant = await newTenant(t);
    const idp = await newOidcIdp(t, tenant.slug, idpSlug, extra);
    const scim = await tokenFor(tenant.slug, idpSlug);
    return { tenant, idp, scim };
  }

  async function tokenFor(slug: string, idpSlug: string) {
    const made = await t.op
      .post(`/api/v1/tenants/${slug}/scim-tokens`)
      .send({ idp: idpSlug, name: `prov-${idpSlug}` })
      .expect(201);
    const token = made.body.token as string;
    const base = `/scim/v2/${slug}`;
    const send = (method: 'post' | 'put' | 'patch', p: string, body: object) => {
      const agent = request(t.http);
      return agent[method](`${base}${p}`)
        .set('Authorization', `Bearer ${token}`)
        .set('Content-Type', 'application/scim+json')
        .send(JSON.stringify(body));
    };
    return {
      token,
      get: (p: string) => request(t.http).get(`${base}${p}`).set('Authorization', `Bearer ${token}`),
      post: (p: string, body: object) => send('post', p, body),
      put: (p: string, body: object) => send('put', p, body),
      patch: (p: string, body: object) => send('patch', p, body),
      delete: (p: string) => request(t.http).delete(`${base}${p}`).set('Authorization', `Bearer ${token}`),
    };
  }

  const expectScimError = (res: request.Response, status: number, scimType?: string) => {
    expect({ status: res.status, body: res.body }).toMatchObject({ status });
    expect(res.headers['content-type']).toMatch(/application\/scim\+json/);
    expect(res.body.schemas).toEqual([ERROR]);
    expect(res.body.status).toBe(String(status));
    if (scimType) expect(res.body.scimType).toBe(scimType);
    expect(typeof res.body.detail).toBe('string');
  };

  /** Rows of the tenant that no longer hang together. */
  async function orphans(tenantId: string) {
    const q = (sql: string) => t.dataSource.query(sql.replace(/:tenant/g, `'${tenantId}'`));
    const usersWithoutScim = await q(
      `SELECT u."id" FROM "users" u WHERE u."tenantId" = :tenant
         AND NOT EXISTS (SELECT 1 FROM "scim_users" s WHERE s."userId" = u."id")`,
    );
    const emailsWithoutScim = await q(
      `SELECT e."id" FROM "scim_user_emails" e WHERE e."tenantId" = :tenant
         AND NOT EXISTS (SELECT 1 FROM "scim_users" s WHERE s."id" = e."scimUserId")`,
    );
    const createdForNobody = await q(
      `SELECT a."id" FROM "audit_events" a WHERE a."tenantId" = :tenant AND a."action" = 'user.created'
         AND NOT EXISTS (SELECT 1 FROM "users" u WHERE CAST(u."id" AS varchar) = a."targetId")`,
    );
    return { usersWithoutScim, emailsWithoutScim, createdForNobody };
  }
  const noOrphans = { usersWithoutScim: [], emailsWithoutScim: [], createdForNobody: [] };

  /**
   * Concurrent creations of one user: exactly one 201, every other answer a SCIM 409 uniqueness with
   * `detail`, nothing left half-written, one user.created event. Answers the winner.
   */
  async function expectOneCreated(
    tenantId: string,
    results: request.Response[],
    detail: (winner: request.Response) => string,
  ) {
    expect(results.map((r) => r.status).sort()).toEqual([201, ...Array(results.length - 1).fill(409)]);
    const winner = results.find((r) => r.status === 201)!;
    for (const r of results.filter((x) => x.status === 409)) {
      expectScimError(r, 409, 'uniqueness');
      expect(r.body.detail).toBe(detail(winner));
    }
    expect(await orphans(tenantId)).toEqual(noOrphans);
    expect(await t.dataSource.getRepository(AuditEvent).countBy({ tenantId, action: 'user.created' })).toBe(
      1,
    );
    return winner;
  }

  it('15 concurrent POST /Users with one userName (different emails): one 201, the rest 409 uniqueness', async () => {
    const { tenant, scim } = await scimTenant();
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        scim.post('/Users', {
          schemas: [USER],
          userName: 'Same@Race.example',
          emails: [{ value: `r${i}@race.example`, primary: true }],
        }),
      ),
    );
    await expectOneCreated(tenant.id, results, () => 'userName "Same@Race.example" is already taken');
    expect(await t.dataSource.getRepository(User).countBy({ tenantId: tenant.id })).toBe(1);
  });

  it('15 concurrent POST /Users with one email (different userNames): one 201, the rest a clear 409', async () => {
    const { tenant, scim } = await scimTenant();
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        scim.post('/Users', {
          schemas: [USER],
          userName: `name${i}`,
          emails: [{ value: 'one@race.example', primary: true }],
        }),
      ),
    );
    // The same answer as the request would get a moment later, not the generic unique-index text.
    await expectOneCreated(
      tenant.id,
      results,
      (winner) => `email one@race.example belongs to SCIM user "${winner.body.userName}"`,
    );
    expect(await t.dataSource.getRepository(ScimUser).countBy({ tenantId: tenant.id })).toBe(1);
  });

  it('10 identical concurrent POSTs (a client retrying): one 201, the rest "userName ... is already taken"', async () => {
    const { tenant, scim } = await scimTenant();
    const body = { schemas: [USER], userName: 'retry@x.example', emails: [{ value: 'retry@x.example' }] };
    const results = await Promise.all(Array.from({ length: 10 }, () => scim.post('/Users', body)));
    await expectOneCreated(tenant.id, results, () => 'userName "retry@x.example" is already taken');
  });

  it("a taken userName with an admin user's email: 409 and the admin user is untouched (the adoption rolled back)", async () => {
    const { tenant, scim } = await scimTenant('entra', {
      accountLinking: 'email',
      verifiedDomains: ['adopt.example'],
    });
    await scim
      .post('/Users', { schemas: [USER], userName: 'taken', emails: [{ value: 'first@adopt.example' }] })
      .expect(201);
    const admin = await t.op
      .post(`/api/v1/tenants/${tenant.slug}/users`)
      .send({ email: 'boss@adopt.example' })
      .expect(201);
    const before = await t.dataSource.getRepository(User).findOneByOrFail({ id: admin.body.id });
    const res = await scim.post('/Users', {
      schemas: [USER],
      userName: 'TAKEN',
      displayName: 'Hijacked',
      active: false,
      emails: [{ value: 'boss@adopt.example' }],
    });
    expectScimError(res, 409, 'uniqueness');
    expect(res.body.detail).toBe('userName "TAKEN" is already taken');
    const after = await t.dataSource.getRepository(User).findOneByOrFail({ id: admin.body.id });
    expect({ ...after }).toEqual({ ...before });
    expect(await t.dataSource.getRepository(ScimUser).countBy({ userId: admin.body.id })).toBe(0);
    expect(
      await t.dataSource
        .getRepository(AuditEvent)
        .countBy({ tenantId: tenant.id, action: 'scim.user_linked' }),
    ).toBe(0);
    // the same adoption under a free userName works, and is the user (not a duplicate)
    const ok = await scim
      .post('/Users', { schemas: [USER], userName: 'boss', emails: [{ value: 'boss@adopt.example' }] })
      .expect(201);
    expect(ok.body.id).toBe(admin.body.id);
  });

  it('POST /Users with an email another IdP provisions, or an admin user without linking: 409, nothing written', async () => {
    const { tenant, scim } = await scimTenant();
    await newOidcIdp(t, tenant.slug, 'okta');
    const okta = await tokenFor(tenant.slug, 'okta');
    await okta
      .post('/Users', { schemas: [USER], userName: 'o', emails: [{ value: 'shared@x.example' }] })
      .expect(201);
    const r1 = await scim.post('/Users', {
      schemas: [USER],
      userName: 'e',
      emails: [{ value: 'shared@x.example' }],
    });
    expectScimError(r1, 409, 'uniqueness');
    expect(r1.body.detail).toBe(
      'email shared@x.example belongs to a user another identity provider provisions',
    );
    await t.op.post(`/api/v1/tenants/${tenant.slug}/users`).send({ email: 'adm@x.example' }).expect(201);
    const r2 = await scim.post('/Users', {
      schemas: [USER],
      userName: 'adm',
      emails: [{ value: 'adm@x.example' }],
    });
    expectScimError(r2, 409, 'uniqueness');
    expect(r2.body.detail).toMatch(/^email adm@x\.example belongs to an existing user of this workspace/);
    expect(await t.dataSource.getRepository(ScimUser).countBy({ tenantId: tenant.id })).toBe(1);
    expect(await orphans(tenant.id)).toEqual({ ...noOrphans, usersWithoutScim: [expect.anything()] });
  });

  it('reserved domains of an IdP added between two requests of one token hold at once', async () => {
    const { tenant, scim } = await scimTenant();
    await scim.post('/Users', { schemas: [USER], userName: 'a@corp.example' }).expect(201);
    await newOidcIdp(t, tenant.slug, 'corp', { verifiedDomains: ['corp.example'] });
    const res = await scim.post('/Users', { schemas: [USER], userName: 'b@corp.example' });
    expectScimError(res, 409, 'uniqueness');
    expect(res.body.detail).toMatch(/corp\.example/);
    // a changed address into the reserved domain too (PATCH, the transactional path)
    const other = await scim.post('/Users', { schemas: [USER], userName: 'c@free.example' }).expect(201);
    const moved = await scim.patch(`/Users/${other.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'emails', value: [{ value: 'c@corp.example', primary: true }] }],
    });
    expectScimError(moved, 409, 'uniqueness');
    expect(
      await t.dataSource.getRepository(User).countBy({ tenantId: tenant.id, email: 'b@corp.example' }),
    ).toBe(0);
    expect(await orphans(tenant.id)).toEqual(noOrphans);
  });

  it('a userName clash on PUT and PATCH: 409 uniqueness, the user row unchanged', async () => {
    const { tenant, scim } = await scimTenant();
    await scim.post('/Users', { schemas: [USER], userName: 'alpha@x.example' }).expect(201);
    const b = await scim.post('/Users', { schemas: [USER], userName: 'beta@x.example' }).expect(201);
    const before = await t.dataSource.getRepository(User).findOneByOrFail({ id: b.body.id });
    const put = await scim.put(`/Users/${b.body.id}`, {
      schemas: [USER],
      userName: 'ALPHA@x.example',
      displayName: 'Changed',
      active: false,
      emails: [{ value: 'beta2@x.example' }],
    });
    expectScimError(put, 409, 'uniqueness');
    expect(put.body.detail).toBe('userName "ALPHA@x.example" is already taken');
    const patch = await scim.patch(`/Users/${b.body.id}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'replace', path: 'userName', value: 'alpha@X.example' },
        { op: 'replace', path: 'active', value: false },
      ],
    });
    expectScimError(patch, 409, 'uniqueness');
    expect({ ...(await t.dataSource.getRepository(User).findOneByOrFail({ id: b.body.id })) }).toEqual({
      ...before,
    });
    expect(
      await t.dataSource.getRepository(AuditEvent).countBy({ tenantId: tenant.id, targetId: b.body.id }),
    ).toBe(1);
  });

  describe('group PATCH members', () => {
    it('hostile member values: 400 invalidValue, never 500, nothing written', async () => {
      const { tenant, scim } = await scimTenant();
      const u = await scim.post('/Users', { schemas: [USER], userName: 'm@x.example' }).expect(201);
      const g = await scim.post('/Groups', { schemas: [GROUP], displayName: 'hostile' }).expect(201);
      const other = await scimTenant();
      const foreign = await other.scim
        .post('/Users', { schemas: [USER], userName: 'f@x.example' })
        .expect(201);
      await newOidcIdp(t, tenant.slug, 'okta');
      const okta = await tokenFor(tenant.slug, 'okta');
      const sibling = await okta.post('/Users', { schemas: [USER], userName: 's@x.example' }).expect(201);
      const gone = await scim.post('/Users', { schemas: [USER], userName: 'gone@x.example' }).expect(201);
      await scim.delete(`/Users/${gone.body.id}`).expect(204);
      const bad: unknown[] = [
        'not-a-uuid',
        '0'.repeat(36),
        '-'.repeat(36),
        'a'.repeat(36),
        { value: 42 },
        { value: null },
        foreign.body.id,
        sibling.body.id,
        gone.body.id,
        '00000000-0000-0000-0000-000000000000',
      ];
      for (const value of bad) {
        const res = await scim.patch(`/Groups/${g.body.id}`, {
          schemas: [PATCH],
          Operations: [
            {
              op: 'add',
              path: 'members',
              value: [{ value: u.body.id }, typeof value === 'string' ? { value } : value],
            },
          ],
        });
        expect({ value, status: res.status }).toEqual({ value, status: 400 });
        expectScimError(res, 400, 'invalidValue');
      }
      // the same hostile values on POST and PUT
      for (const value of ['0'.repeat(36), '-'.repeat(36), foreign.body.id]) {
        const post = await scim.post('/Groups', {
          schemas: [GROUP],
          displayName: `p${value}`,
          members: [{ value }],
        });
        expect({ value, status: post.status }).toEqual({ value, status: 400 });
        const put = await scim.put(`/Groups/${g.body.id}`, {
          schemas: [GROUP],
          displayName: 'hostile',
          members: [{ value }],
        });
        expect({ value, status: put.status }).toEqual({ value, status: 400 });
      }
      expect(await t.dataSource.getRepository(ScimGroupMember).countBy({ scimGroupId: g.body.id })).toBe(0);
      expect(await t.dataSource.getRepository(ScimGroup).countBy({ tenantId: tenant.id })).toBe(1);
      // a group id of the wrong syntax is a 404, not a 500
      for (const id of ['0'.repeat(36), '-'.repeat(36)]) {
        expectScimError(await scim.get(`/Groups/${id}`), 404);
        expectScimError(await scim.get(`/Users/${id}`), 404);
        expectScimError(
          await scim.patch(`/Groups/${id}`, {
            schemas: [PATCH],
            Operations: [{ op: 'add', path: 'members', value: [{ value: u.body.id }] }],
          }),
          404,
        );
        expectScimError(await scim.delete(`/Users/${id}`), 404);
      }
    });

    it('duplicates, 10k unknown members, and a rename onto a taken name', async () => {
      const { scim } = await scimTenant();
      const u = await scim.post('/Users', { schemas: [USER], userName: 'd@x.example' }).expect(201);
      const g = await scim.post('/Groups', { schemas: [GROUP], displayName: 'dups' }).expect(201);
      await scim.post('/Groups', { schemas: [GROUP], displayName: 'Taken' }).expect(201);
      await scim
        .patch(`/Groups/${g.body.id}`, {
          schemas: [PATCH],
          Operations: [
            {
              op: 'add',
              path: 'members',
              value: [{ value: u.body.id }, { value: u.body.id.toUpperCase() }, u.body.id],
            },
            { op: 'add', path: 'members', value: [{ value: u.body.id }] },
          ],
        })
        .expect(200);
      expect(await t.dataSource.getRepository(ScimGroupMember).countBy({ scimGroupId: g.body.id })).toBe(1);
      const many = Array.from({ length: 10_000 }, (_, i) => ({
        value: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      }));
      const big = await scim.patch(`/Groups/${g.body.id}`, {
        schemas: [PATCH],
        Operations: [{ op: 'add', path: 'members', value: many }],
      });
      expect([400, 413]).toContain(big.status);
      expectScimError(big, big.status);
      const rename = await scim.patch(`/Groups/${g.body.id}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'displayName', value: 'TAKEN' }],
      });
      expectScimError(rename, 409, 'uniqueness');
      const got = await scim.get(`/Groups/${g.body.id}`).expect(200);
      expect(got.body.displayName).toBe('dups');
      expect(got.body.members.map((m: { value: string }) => m.value)).toEqual([u.body.id]);
    });

    it('PUT, PATCH and DELETE racing on one group: no 500, and a deleted group leaves nothing behind', async () => {
      const { tenant, scim } = await scimTenant();
      const ids: string[] = [];
      for (let i = 0; i < 6; i++)
        ids.push(
          (await scim.post('/Users', { schemas: [USER], userName: `race${i}@x.example` }).expect(201)).body
            .id,
        );
      for (let round = 0; round < 3; round++) {
        const g = await scim
          .post('/Groups', { schemas: [GROUP], displayName: `raced${round}`, members: [{ value: ids[0] }] })
          .expect(201);
        const gid = g.body.id as string;
        const results = await Promise.all([
          scim.patch(`/Groups/${gid}`, {
            schemas: [PATCH],
            Operations: [{ op: 'add', path: 'members', value: [{ value: ids[1] }, { value: ids[2] }] }],
          }),
          scim.put(`/Groups/${gid}`, {
            schemas: [GROUP],
            displayName: `raced${round}-renamed`,
            members: [{ value: ids[3] }],
          }),
          scim.patch(`/Groups/${gid}`, {
            schemas: [PATCH],
            Operations: [{ op: 'remove', path: `members[value eq "${ids[0]}"]` }],
          }),
          scim.delete(`/Groups/${gid}`),
          scim.patch(`/Groups/${gid}`, {
            schemas: [PATCH],
            Operations: [{ op: 'add', path: 'members', value: [{ value: ids[4] }] }],
          }),
        ]);
        for (const r of results) expect([200, 204, 404]).toContain(r.status);
        expect(results[3].status).toBe(204);
        expect(await t.dataSource.getRepository(ScimGroup).countBy({ id: gid })).toBe(0);
        expect(await t.dataSource.getRepository(ScimGroupMember).countBy({ scimGroupId: gid })).toBe(0);
      }
      // no user keeps a stored SCIM group of a group that is gone
      expect(
        await t.dataSource.getRepository(ExternalMembership).countBy({ tenantId: tenant.id, source: 'scim' }),
      ).toBe(0);
    });

    it("cross-tenant: a token of tenant A on tenant B is refused, and B's group stays untouched", async () => {
      const a = await scimTenant();
      const b = await scimTenant();
      const gb = await b.scim.post('/Groups', { schemas: [GROUP], displayName: 'b-group' }).expect(201);
      const onB = (p: string) =>
        request(t.http)
          .patch(`/scim/v2/${b.tenant.slug}${p}`)
          .set('Authorization', `Bearer ${a.scim.token}`)
          .set('Content-Type', 'application/scim+json')
          .send(
            JSON.stringify({
              schemas: [PATCH],
              Operations: [{ op: 'replace', path: 'displayName', value: 'pwned' }],
            }),
          );
      const res = await onB(`/Groups/${gb.body.id}`);
      expect([401, 403, 404]).toContain(res.status);
      expectScimError(res, res.status);
      expectScimError(
        await a.scim.patch(`/Groups/${gb.body.id}`, {
          schemas: [PATCH],
          Operations: [{ op: 'replace', path: 'displayName', value: 'pwned' }],
        }),
        404,
      );
      expect((await b.scim.get(`/Groups/${gb.body.id}`).expect(200)).body.displayName).toBe('b-group');
    });
  });

  it('SCIM emails stay with their user: 20 concurrent creates with several emails each leave no stray rows', async () => {
    const { tenant, scim } = await scimTenant();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        scim.post('/Users', {
          schemas: [USER],
          userName: `multi${i % 4}@x.example`,
          emails: [
            { value: `multi${i % 4}@x.example`, primary: true },
            { value: `alt${i}@x.example`, type: 'home' },
          ],
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(4);
    expect(statuses.filter((s) => s === 409)).toHaveLength(16);
    for (const r of results.filter((x) => x.status === 409)) expectScimError(r, 409, 'uniqueness');
    expect(await orphans(tenant.id)).toEqual(noOrphans);
    expect(await t.dataSource.getRepository(ScimUserEmail).countBy({ tenantId: tenant.id })).toBe(8);
  });
});
