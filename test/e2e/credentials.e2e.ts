import request from 'supertest';
import { ApiKey } from '../../src/auth/api-key.entity';
import { startTestApp, TestApp } from '../support/test-app';
import {
  expectErrorShape,
  newApiKey,
  newGroup,
  newGroupLink,
  newOidcIdp,
  newTenant,
  newUser,
} from '../support/factories';

describe('credentials and tenant isolation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('answers /health without a credential', async () => {
    await request(t.http).get('/health').expect(200, { status: 'ok' });
  });

  it('refuses calls without a credential or with a wrong one (401)', async () => {
    const none = await request(t.http).get('/api/v1/tenants').expect(401);
    expectErrorShape(none.body, 401, 'unauthorized');
    const wrong = await request(t.http)
      .get('/api/v1/tenants')
      .set('Authorization', 'Bearer gsk_not-a-real-key')
      .expect(401);
    expectErrorShape(wrong.body, 401, 'unauthorized');
    await request(t.http).get('/api/v1/tenants').set('Authorization', 'Basic abc').expect(401);
  });

  it('echoes a sane correlation id and replaces an unsafe one', async () => {
    const res = await request(t.http).get('/api/v1/tenants').set('X-Correlation-Id', 'abc-123').expect(401);
    expect(res.body.correlationId).toBe('abc-123');
    expect(res.headers['x-correlation-id']).toBe('abc-123');
    const bad = await request(t.http)
      .get('/api/v1/tenants')
      .set('X-Correlation-Id', 'x'.repeat(200))
      .expect(401);
    expect(bad.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a tenant API key reaches its own tenant and gets 403 on every resource of another', async () => {
    const a = await newTenant(t);
    const b = await newTenant(t);
    const keyB = await newApiKey(t, b.slug);
    const group = await newGroup(t, a.slug);
    const user = await newUser(t, a.slug);
    const link = await newGroupLink(t, a.slug, group.id, { externalGroup: 'Devs', role: 'developer' });
    await newOidcIdp(t, a.slug, 'okta');

    const base = `/api/v1/tenants/${a.slug}`;
    const attempts: ['get' | 'post' | 'put' | 'patch' | 'delete', string, object?][] = [
      ['get', base],
      ['patch', base, { name: 'stolen' }],
      ['delete', base],
      ['get', `${base}/groups`],
      ['get', `${base}/groups/${group.id}`],
      ['patch', `${base}/groups/${group.id}`, { name: 'x' }],
      ['delete', `${base}/groups/${group.id}`],
      ['get', `${base}/groups/${group.id}/members`],
      ['put', `${base}/groups/${group.id}/members/${user.id}`, { role: 'owner' }],
      ['get', `${base}/groups/${group.id}/links`],
      ['post', `${base}/groups/${group.id}/links`, { externalGroup: 'x', role: 'guest' }],
      ['get', `${base}/groups/${group.id}/links/${link.id}`],
      ['delete', `${base}/groups/${group.id}/links/${link.id}`],
      ['get', `${base}/users`],
      ['get', `${base}/users/${user.id}`],
      ['post', `${base}/users`, { email: 'intruder@example.com' }],
      ['get', `${base}/identity-providers`],
      ['get', `${base}/identity-providers/okta`],
      ['post', `${base}/api-keys`, { name: 'mine now' }],
      ['get', `${base}/audit-events`],
      ['get', `/api/v1/tenants/does-not-exist/groups`],
    ];
    for (const [method, url, body] of attempts) {
      const res = await keyB.as(method, url).send(body);
      expect({ method, url, status: res.status }).toEqual({ method, url, status: 403 });
      expectErrorShape(res.body, 403, 'forbidden');
    }
    // nothing changed in tenant A
    const groups = await t.op.get(`${base}/groups/${group.id}`).expect(200);
    expect(groups.body.name).toBe(group.name);
    await t.op.get(`${base}/groups/${group.id}/links/${link.id}`).expect(200);
    const users = await t.op.get(`${base}/users`).expect(200);
    expect(users.body.map((u: { email: string }) => u.email)).toEqual([user.email]);

    // and B's key works on B
    await keyB.as('get', `/api/v1/tenants/${b.slug}/groups`).expect(200, []);
  });

  it('a tenant key cannot create or delete tenants and lists only its own tenant', async () => {
    const a = await newTenant(t);
    const key = await newApiKey(t, a.slug);
    const create = await key.as('post', '/api/v1/tenants').send({ slug: 'sneaky', name: 'x' }).expect(403);
    expectErrorShape(create.body, 403, 'forbidden');
    await key.as('delete', `/api/v1/tenants/${a.slug}`).expect(403);
    const list = await key.as('get', '/api/v1/tenants').expect(200);
    expect(list.body.map((x: { slug: string }) => x.slug)).toEqual([a.slug]);
    await key.as('patch', `/api/v1/tenants/${a.slug}`).send({ name: 'Renamed by key' }).expect(200);
  });

  it('stores API keys hashed, shows the token once, and a revoked key stops working', async () => {
    const a = await newTenant(t);
    const key = await newApiKey(t, a.slug);
    expect(key.token).toMatch(/^gsk_[A-Za-z0-9_-]{43}$/);
    const row = await t.dataSource.getRepository(ApiKey).findOneByOrFail({ id: key.id });
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(key.token);
    const list = await t.op.get(`/api/v1/tenants/${a.slug}/api-keys`).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(key.token);
    expect(list.body[0].tokenPrefix).toBe(key.token.slice(0, 12));

    await key.as('get', `/api/v1/tenants/${a.slug}`).expect(200);
    await t.op.delete(`/api/v1/tenants/${a.slug}/api-keys/${key.id}`).expect(204);
    await key.as('get', `/api/v1/tenants/${a.slug}`).expect(401);
    await t.op.delete(`/api/v1/tenants/${a.slug}/api-keys/${key.id}`).expect(404);
  });

  it('the operator gets 404 for an unknown tenant and for a group of another tenant', async () => {
    const a = await newTenant(t);
    const b = await newTenant(t);
    const group = await newGroup(t, a.slug);
    const missing = await t.op.get('/api/v1/tenants/nope-nope/groups').expect(404);
    expectErrorShape(missing.body, 404, 'tenant_not_found');
    const cross = await t.op.get(`/api/v1/tenants/${b.slug}/groups/${group.id}`).expect(404);
    expectErrorShape(cross.body, 404, 'group_not_found');
    await t.op.get(`/api/v1/tenants/${b.slug}/groups/${group.id}/links`).expect(404);
    await t.op.delete(`/api/v1/tenants/${b.slug}/groups/${group.id}`).expect(404);
    await t.op.get(`/api/v1/tenants/${a.slug}/groups/${group.id}`).expect(200);
  });
});
