import request from 'supertest';
import type { TestApp } from './test-app';

let counter = 0;
export const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

/** Writes through the real HTTP API, as a client would. */
export async function newTenant(t: TestApp, slug = unique('t')) {
  const res = await t.op
    .post('/api/v1/tenants')
    .send({ slug, name: `Tenant ${slug}` })
    .expect(201);
  return res.body as { id: string; slug: string; name: string };
}

export async function newApiKey(t: TestApp, tenantSlug: string) {
  const res = await t.op
    .post(`/api/v1/tenants/${tenantSlug}/api-keys`)
    .send({ name: 'test key' })
    .expect(201);
  const token = res.body.token as string;
  const as = (method: 'get' | 'post' | 'put' | 'patch' | 'delete', url: string) =>
    request(t.http)[method](url).set('Authorization', `Bearer ${token}`);
  return { id: res.body.id as string, token, as };
}

export async function newGroup(
  t: TestApp,
  tenantSlug: string,
  body: { name?: string; parentId?: string } = {},
) {
  const res = await t.op
    .post(`/api/v1/tenants/${tenantSlug}/groups`)
    .send({ name: unique('group'), ...body })
    .expect(201);
  return res.body as { id: string; name: string; parentId: string | null };
}

export async function newUser(t: TestApp, tenantSlug: string, email = `${unique('user')}@example.com`) {
  const res = await t.op.post(`/api/v1/tenants/${tenantSlug}/users`).send({ email }).expect(201);
  return res.body as { id: string; email: string };
}

export async function newOidcIdp(t: TestApp, tenantSlug: string, slug = 'oidc', extra: object = {}) {
  const res = await t.op
    .post(`/api/v1/tenants/${tenantSlug}/identity-providers`)
    .send({
      slug,
      type: 'oidc',
      issuer: 'https://idp.example.com',
      clientId: 'client',
      clientSecret: 'very-secret-value',
      ...extra,
    })
    .expect(201);
  return res.body as { id: string; slug: string };
}

export async function newGroupLink(t: TestApp, tenantSlug: string, groupId: string, body: object) {
  const res = await t.op.post(`/api/v1/tenants/${tenantSlug}/groups/${groupId}/links`).send(body).expect(201);
  return res.body as { id: string; externalGroup: string; role: string; idp: string | null };
}

export async function auditActions(t: TestApp, tenantSlug: string): Promise<string[]> {
  const res = await t.op.get(`/api/v1/tenants/${tenantSlug}/audit-events?limit=200`).expect(200);
  return (res.body.items as { action: string }[]).map((e) => e.action);
}

/** The member emails of a group, sorted (order-free comparisons). */
export async function memberEmails(t: TestApp, tenantSlug: string, groupId: string): Promise<string[]> {
  const res = await t.op.get(`/api/v1/tenants/${tenantSlug}/groups/${groupId}/members`).expect(200);
  return (res.body as { email: string }[]).map((m) => m.email).sort();
}

export interface AuditEventBody {
  action: string;
  actor: Record<string, unknown>;
  details: Record<string, unknown>;
  userId: string | null;
}

/** A tenant's audit events of one action, newest first (up to 200). */
export async function auditEventsOf(
  t: TestApp,
  tenantSlug: string,
  action: string,
): Promise<AuditEventBody[]> {
  const res = await t.op
    .get(`/api/v1/tenants/${tenantSlug}/audit-events?action=${action}&limit=200`)
    .expect(200);
  return res.body.items as AuditEventBody[];
}

export const SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCIM_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** The error shape every admin API failure must have. */
export function expectErrorShape(body: Record<string, unknown>, statusCode: number, code?: string) {
  expect(body).toEqual(
    expect.objectContaining({
      statusCode,
      code: code ?? expect.any(String),
      message: expect.any(String),
      correlationId: expect.any(String),
    }),
  );
  expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+/); // no stack traces
}
