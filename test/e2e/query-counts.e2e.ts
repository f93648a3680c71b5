import request from 'supertest';
import { Membership } from '../../src/groups/membership.entity';
import { ExternalMembership } from '../../src/sync/external-membership.entity';
import { IdentityProvider } from '../../src/identity-providers/identity-provider.entity';
import { SyncService } from '../../src/sync/sync.service';
import { Tenant } from '../../src/tenants/tenant.entity';
import { newGroup, newGroupLink, newTenant } from '../support/factories';
import { countQueries } from '../support/query-counter';
import { createSamlIdp } from '../support/saml-idp';
import { idpContext } from '../support/sync-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * The number of SQL statements of the two hottest sync paths, transaction control included, pinned
 * so that a per-user or per-group query cannot creep back in. docs/sync.md ("Query budget") lists them.
 * PostgreSQL has one statement more per transaction where the SCIM write locks its group row.
 */
const BUDGET = {
  // BEGIN; identity, user (locked), the tenant's sync version and settings, memberships with owner
  // counts and stored groups in one statement; the audit insert; COMMIT. The user and identity
  // rows are written only when a sign-in time is an hour old or something changed. Before the
  // pipeline: 12 and 13; before issue #14: 11 and 11; after its first rounds: 6 and 6
  // (docs/operations.md lists them).
  returningSignIn: { sqlite: 4, postgres: 4 },
  // The SCIM token, tenant and IdP in one join; the SCIM group write (7 on SQLite: the group, its
  // members, the provisioned check, the group update, the member insert, one INSERT ... DO NOTHING
  // RETURNING of the stored groups; PostgreSQL locks the group in its read and the users in one
  // statement more); then the pipeline: tenant sync version, users, memberships with owner counts,
  // stored groups, one membership insert and one audit insert (the group's event with the re-plan's),
  // COMMIT. The groups made just before change the sync version, so the context is rebuilt here:
  // groups, links and role ranks. Before the pipeline: 37 and 40; before issue #14: 27 and 29; then
  // 26 and 28 (three statements for the caller, a read-back before the group update, the name check
  // on every PATCH, three reads before the stored-group insert, two audit inserts); then 18 and 19.
  // Now the tenant's sync version and settings ride in the group's read, and on PostgreSQL the
  // users' lock finds the provisioned ones too, and the group update, the member insert and the
  // stored-group insert are one statement. PostgreSQL counts the owners of the groups the users own
  // again under those groups' locks (two statements more, only when a user owns a group, as ten do
  // here; session 24: the last-owner rule under concurrency).
  scimPatchOf100: { sqlite: 17, postgres: 17 },
  // The same write into a group no link sees; then the audit insert, nothing more: no user read,
  // lock, plan or membership write of the pipeline (issue #14).
  scimPatchUnlinked: { sqlite: 10, postgres: 8 },
  // A SCIM POST /Users of a new user: the caller (with the count of the tenant's other IdPs, so a
  // one-IdP tenant reads no reserved domains), the email's owner, the inserts (user, SCIM user,
  // emails, audit), each in its own statement on SQLite between BEGIN and COMMIT; on PostgreSQL one
  // statement and no transaction around it. A taken userName is refused by the unique index, not
  // read first. Before: 10 on both.
  scimCreateUser: { sqlite: 8, postgres: 3 },
};
describe('sync pipeline query counts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('a returning SAML sign-in whose groups did not change', async () => {
    const { slug } = await newTenant(t);
    const entra = createSamlIdp('https://sts.windows.net/counts/');
    await t.op
      .post(`/api/v1/tenants/${slug}/identity-providers`)
      .send({ slug: 'entra', type: 'saml', metadataXml: entra.metadataXml })
      .expect(201);
    const groups: string[] = [];
    for (const name of ['Eng', 'Ops', 'Sales']) {
      const group = await newGroup(t, slug, { name });
      await newGroupLink(t, slug, group.id, { externalGroup: name, role: 'developer' });
      groups.push(name);
    }
    const tenant = await t.dataSource.getRepository(Tenant).findOneByOrFail({ slug });
    const idp = await t.dataSource
      .getRepository(IdentityProvider)
      .findOneByOrFail({ tenantId: tenant.id, slug: 'entra' });
    const sync = t.app.get(SyncService);
    const signIn = () =>
      sync.signIn(
        tenant,
        idp,
        { externalId: 'ada-object-id', email: 'ada@example.com', displayName: 'Ada' },
        { attributes: { groups } },
        idpContext(idp),
      );
    const first = await signIn();
    if (first.status !== 'signed-in') throw new Error('expected a sign-in');
    // An owner of a group made by hand: the last-owner rule needs the group's owner count.
    const leads = await newGroup(t, slug, { name: 'Leads' });
    await t.op
      .put(`/api/v1/tenants/${slug}/groups/${leads.id}/members/${first.user.id}`)
      .send({ role: 'owner' })
      .expect(200);
    await signIn(); // the tenant's groups changed: this one rebuilds the cached sync context
    const { result, count, queries } = await countQueries(t.dataSource, signIn);
    expect(result.status).toBe('signed-in');
    if (result.status === 'signed-in') expect(result.plan.adds).toEqual([]);
    expect({ count, queries }).toEqual({ count: BUDGET.returningSignIn[t.db.dialect], queries });
  }, 120_000);

  it('a SCIM PATCH adding 100 members to a linked group', async () => {
    const { slug } = await newTenant(t);
    await t.op
      .post(`/api/v1/tenants/${slug}/identity-providers`)
      .send({
        slug: 'okta',
        type: 'oidc',
        issuer: 'https://idp.example.com',
        clientId: 'c',
        clientSecret: 'secret-value-123',
      })
      .expect(201);
    const made = await t.op
      .post(`/api/v1/tenants/${slug}/scim-tokens`)
      .send({ idp: 'okta', name: 'p' })
      .expect(201);
    const scim = (method: 'post' | 'patch', path: string, body: object) => {
      const url = `/scim/v2/${slug}${path}`;
      const req = method === 'post' ? request(t.http).post(url) : request(t.http).patch(url);
      return req
        .set('Authorization', `Bearer ${made.body.token}`)
        .set('Content-Type', 'application/scim+json')
        .send(JSON.stringify(body));
    };
    const eng = await newGroup(t, slug, { name: 'Engineering' });
    await newGroupLink(t, slug, eng.id, { externalGroup: 'Devs', role: 'developer' });
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) {
      const res = await scim('post', '/Users', {
        schemas: [USER],
        userName: `u${i}@example.com`,
        active: true,
      }).expect(201);
      ids.push(res.body.id);
    }
    const { count: createCount, queries: createQueries } = await countQueries(t.dataSource, () =>
      scim('post', '/Users', {
        schemas: [USER],
        userName: 'new@example.com',
        emails: [{ value: 'new@example.com', type: 'work', primary: true }],
        active: true,
      }).expect(201),
    );
    expect({ count: createCount, queries: createQueries }).toEqual({
      count: BUDGET.scimCreateUser[t.db.dialect],
      queries: createQueries,
    });
    // Ten of them own a group made by hand: the last-owner rule needs owner counts for them.
    const leads = await newGroup(t, slug, { name: 'Leads' });
    for (const id of ids.slice(0, 10))
      await t.op
        .put(`/api/v1/tenants/${slug}/groups/${leads.id}/members/${id}`)
        .send({ role: 'owner' })
        .expect(200);
    const group = await scim('post', '/Groups', { schemas: [GROUP], displayName: 'Devs' }).expect(201);
    const { count, queries } = await countQueries(t.dataSource, () =>
      scim('patch', `/Groups/${group.body.id}`, {
        schemas: [PATCH],
        Operations: [{ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }],
      }).expect(200),
    );
    expect(await t.dataSource.getRepository(Membership).countBy({ groupId: eng.id })).toBe(100);
    expect({ count, queries }).toEqual({ count: BUDGET.scimPatchOf100[t.db.dialect], queries });
    // PostgreSQL: the group row, its 100 members and their 100 stored groups in one statement, the
    // rows as one array per column (a handful of parameters, not one per value).
    if (t.db.dialect === 'postgres') {
      const bulk = queries.filter((q) => q.includes('FROM unnest('));
      expect(bulk).toHaveLength(1);
      expect(bulk[0]).toMatch(
        /^WITH w0 AS \(UPDATE "scim_groups".*INSERT INTO "scim_group_members".*INSERT INTO "external_memberships"/s,
      );
    }

    // The same users into a group no link sees: their stored groups change, no plan can: no re-plan.
    const other = await scim('post', '/Groups', { schemas: [GROUP], displayName: 'Elsewhere' }).expect(201);
    const unlinked = await countQueries(t.dataSource, () =>
      scim('patch', `/Groups/${other.body.id}`, {
        schemas: [PATCH],
        Operations: [{ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }],
      }).expect(200),
    );
    const stored = t.dataSource.getRepository(ExternalMembership);
    expect(await stored.countBy({ externalGroup: 'Elsewhere', source: 'scim' })).toBe(100);
    expect(unlinked.queries.filter((q) => /FROM "memberships"/.test(q))).toEqual([]);
    expect({ count: unlinked.count, queries: unlinked.queries }).toEqual({
      count: BUDGET.scimPatchUnlinked[t.db.dialect],
      queries: unlinked.queries,
    });
  }, 180_000); // 100 SCIM users made one by one: slow on a loaded machine
});
