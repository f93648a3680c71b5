import { startTestApp, TestApp } from '../support/test-app';
import { newGroup, newGroupLink, newOidcIdp, newTenant, newUser } from '../support/factories';
import { checkAgainst } from '../support/openapi-check';

type Schema = Record<string, unknown>;
interface Op {
  summary?: string;
  responses?: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: { paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, Schema> } };
  beforeAll(async () => {
    t = await startTestApp();
    doc = (await t.op.get('/api/docs/openapi.json').expect(200)).body;
  });
  afterAll(async () => t.close());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((m) => ({ key: `${m.toUpperCase()} ${path}`, op: item[m] })),
    );

  it('gives every operation a summary, a schema for each 2xx answer with a body, and error answers', () => {
    const problems: string[] = [];
    for (const { key, op } of operations()) {
      if (!op.summary) problems.push(`${key}: no summary`);
      const codes = Object.keys(op.responses ?? {});
      const ok = codes.filter((c) => /^[23]/.test(c));
      if (ok.length === 0) problems.push(`${key}: no success answer`);
      for (const c of ok.filter((c) => c.startsWith('2') && c !== '204'))
        if (!op.responses![c].content) problems.push(`${key}: ${c} without a schema`);
      const errors = codes.filter((c) => /^[45]/.test(c));
      if (errors.length === 0) problems.push(`${key}: no error answers`);
      for (const c of errors)
        if (!op.responses![c].content) problems.push(`${key}: ${c} without the error schema`);
    }
    expect(problems).toEqual([]);
    expect(operations().length).toBeGreaterThanOrEqual(60);
  });

  it('resolves every $ref to a schema it defines', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(refs.filter((r) => !doc.components.schemas[r])).toEqual([]);
  });

  it('lists the SSO and SCIM routes', () => {
    const keys = new Set(operations().map((o) => o.key));
    for (const key of [
      'GET /sso/{tenant}/{idp}/login',
      'POST /sso/{tenant}/{idp}/acs',
      'GET /sso/{tenant}/{idp}/callback',
      'GET /sso/{tenant}/{idp}/metadata',
      'GET /sso/{tenant}/me',
      'POST /sso/{tenant}/logout',
      'GET /scim/v2/{tenant}/{resource}',
      'PATCH /scim/v2/{tenant}/{resource}/{id}',
      'GET /scim/v2/{tenant}/ServiceProviderConfig',
    ])
      expect(keys).toContain(key);
  });

  it('describes what the service really answers (live answers checked against their schemas)', async () => {
    const { slug } = await newTenant(t);
    await newOidcIdp(t, slug, 'entra');
    const group = await newGroup(t, slug);
    const user = await newUser(t, slug);
    await t.op
      .put(`/api/v1/tenants/${slug}/groups/${group.id}/members/${user.id}`)
      .send({ role: 'developer' })
      .expect(200);
    const link = await newGroupLink(t, slug, group.id, {
      externalGroup: 'devs',
      role: 'developer',
      label: 'Devs',
    });
    const base = `/api/v1/tenants/${slug}`;
    const calls: [string, string, number, () => Promise<{ body: unknown }>][] = [
      ['GET', '/api/v1/tenants/{tenant}', 200, () => t.op.get(base)],
      ['GET', '/api/v1/tenants/{tenant}/users', 200, () => t.op.get(`${base}/users`)],
      ['GET', '/api/v1/tenants/{tenant}/users', 200, () => t.op.get(`${base}/users?limit=1&cursor=`)],
      [
        'GET',
        '/api/v1/tenants/{tenant}/users/{userId}/memberships',
        200,
        () => t.op.get(`${base}/users/${user.id}/memberships`),
      ],
      ['GET', '/api/v1/tenants/{tenant}/groups', 200, () => t.op.get(`${base}/groups?limit=5`)],
      [
        'GET',
        '/api/v1/tenants/{tenant}/groups/{groupId}/members',
        200,
        () => t.op.get(`${base}/groups/${group.id}/members?limit=5`),
      ],
      [
        'GET',
        '/api/v1/tenants/{tenant}/groups/{groupId}/links',
        200,
        () => t.op.get(`${base}/groups/${group.id}/links?limit=5`),
      ],
      [
        'PATCH',
        '/api/v1/tenants/{tenant}/groups/{groupId}/links/{linkId}',
        200,
        () => t.op.patch(`${base}/groups/${group.id}/links/${link.id}?dryRun=true`).send({ role: 'owner' }),
      ],
      [
        'DELETE',
        '/api/v1/tenants/{tenant}/groups/{groupId}',
        200,
        () => t.op.delete(`${base}/groups/${group.id}?dryRun=true`),
      ],
      ['DELETE', '/api/v1/tenants/{tenant}', 200, () => t.op.delete(`${base}?dryRun=true`)],
      ['GET', '/api/v1/tenants/{tenant}/audit-events', 200, () => t.op.get(`${base}/audit-events`)],
      ['GET', '/api/v1/tenants/{tenant}/overview', 200, () => t.op.get(`${base}/overview`)],
      [
        'GET',
        '/api/v1/tenants/{tenant}/identity-providers',
        200,
        () => t.op.get(`${base}/identity-providers`),
      ],
      ['GET', '/api/v1/tenants/{tenant}/groups/{groupId}', 404, () => t.op.get(`${base}/groups/${user.id}`)],
    ];
    const problems: string[] = [];
    for (const [method, path, status, call] of calls) {
      const res = (await call()) as { status: number; body: unknown };
      expect(res.status).toBe(status);
      const schema =
        doc.paths[path][method.toLowerCase()].responses![String(status)].content!['application/json'].schema;
      problems.push(
        ...checkAgainst(res.body, schema, doc.components.schemas).map((p) => `${method} ${path}: ${p}`),
      );
    }
    expect(problems).toEqual([]);
  });

  it('documents the IdP bodies as one schema per protocol, each with an example the server accepts', async () => {
    const create = doc.paths['/api/v1/tenants/{tenant}/identity-providers'].post as Op & {
      requestBody: {
        content: Record<string, { schema: Schema; examples: Record<string, { value: Schema }> }>;
      };
    };
    const body = create.requestBody.content['application/json'];
    const refs = (body.schema.oneOf as { $ref: string }[]).map((r) => r.$ref.split('/').pop()!);
    expect(body.schema.discriminator).toEqual(expect.objectContaining({ propertyName: 'type' }));
    const props = (name: string) => Object.keys(doc.components.schemas[name].properties as object);
    const [samlSchema, oidcSchema] = refs;
    expect(props(samlSchema)).toEqual(
      expect.arrayContaining(['metadataXml', 'idpMetadataUrl', 'certificates']),
    );
    expect(props(samlSchema)).not.toContain('issuer');
    expect(props(oidcSchema)).toEqual(expect.arrayContaining(['issuer', 'clientId', 'clientSecret']));
    expect(props(oidcSchema)).not.toContain('certificates');
    expect(Object.keys(body.examples).sort()).toEqual(['oidc', 'saml']);
    const { slug } = await newTenant(t);
    for (const [name, example] of Object.entries(body.examples)) {
      const res = await t.op.post(`/api/v1/tenants/${slug}/identity-providers`).send(example.value);
      expect([name, res.status, res.body.code]).toEqual([name, 201, undefined]);
      expect(res.body.type).toBe(name);
      const schema = create.responses!['201'].content!['application/json'].schema;
      expect(checkAgainst(res.body, schema, doc.components.schemas)).toEqual([]);
    }
    const patch = doc.paths['/api/v1/tenants/{tenant}/identity-providers/{idp}'].patch as unknown as {
      requestBody: {
        content: Record<string, { schema: Schema; examples: Record<string, { value: Schema }> }>;
      };
    };
    const update = patch.requestBody.content['application/json'];
    expect((update.schema.anyOf as unknown[]).length).toBe(2);
    for (const example of Object.values(update.examples))
      await t.op.patch(`/api/v1/tenants/${slug}/identity-providers/entra`).send(example.value).expect(200);
  });
});
