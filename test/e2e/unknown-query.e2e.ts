import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app';
import { expectErrorShape, newGroup, newTenant, newUser } from '../support/factories';

/** Unknown query parameters are refused on every admin API route, so none is silently ignored. */
describe('unknown query parameters on the admin API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('refuses DELETE of a group with a misspelt ?dry_run=true and deletes nothing', async () => {
    const { slug } = await newTenant(t);
    const group = await newGroup(t, slug);
    const res = await t.op.delete(`/api/v1/tenants/${slug}/groups/${group.id}?dry_run=true`).expect(400);
    expectErrorShape(res.body, 400, 'validation_failed');
    expect(res.body.details).toEqual([
      { field: 'dry_run', problems: ['property dry_run should not exist'] },
    ]);
    await t.op.get(`/api/v1/tenants/${slug}/groups/${group.id}`).expect(200);
  });

  it('refuses them on read routes without a query, and keeps declared ones working', async () => {
    const { slug } = await newTenant(t);
    const user = await newUser(t, slug, 'q@example.com');
    for (const path of [
      `/api/v1/tenants/${slug}?x=1`,
      `/api/v1/tenants/${slug}/overview?since=2020-01-01`,
      `/api/v1/tenants/${slug}/users/${user.id}/memberships?all=true`,
      `/api/v1/tenants/${slug}/identity-providers?type=saml`,
      `/api/v1/tenants?limit=5`,
    ])
      expectErrorShape((await t.op.get(path).expect(400)).body, 400, 'validation_failed');
    await t.op.get(`/api/v1/tenants/${slug}/users?limit=1&cursor=`).expect(200);
    await t.op.get(`/api/v1/tenants/${slug}/groups?limit=1`).expect(200);
    await t.op.get(`/api/v1/tenants/${slug}/users?bogus=1`).expect(400);
    // Outside /api (health probes, sign-in pages) query strings are not the caller's API input.
    await request(t.http).get('/health?probe=lb').expect(200);
  });

  it('answers 401 before 400 to a caller without a credential', async () => {
    const { slug } = await newTenant(t);
    await request(t.http).get(`/api/v1/tenants/${slug}/overview?x=1`).expect(401);
  });
});
