import request from 'supertest';
import { ShutdownDrain } from '../../src/ops/drain';
import { freePort } from '../browser/service';
import { newApiKey, newGroup, newGroupLink } from '../support/factories';
import { authnRequestId, createSamlIdp, TestSamlIdp } from '../support/saml-idp';
import { startTestApp, TestApp } from '../support/test-app';

const TENANT = 'metrics-acme-corp';
const GROUPS = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups';
const EMAIL = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress';

/** Health for orchestrators and Prometheus metrics for operators. */
describe('operations: health and metrics', () => {
  let t: TestApp;
  let idp: TestSamlIdp;
  let spMetadata: string;
  let metricsPort: number;
  const acsUrl = `http://sso.test/sso/${TENANT}/entra/acs`;

  beforeAll(async () => {
    metricsPort = await freePort();
    t = await startTestApp({ METRICS_PORT: String(metricsPort) });
    idp = createSamlIdp('https://sts.windows.net/metrics/');
    await t.op.post('/api/v1/tenants').send({ slug: TENANT, name: 'Acme' }).expect(201);
    await t.op
      .post(`/api/v1/tenants/${TENANT}/identity-providers`)
      .send({ slug: 'entra', type: 'saml', metadataXml: idp.metadataXml, groupSync: { claims: [GROUPS] } })
      .expect(201);
    spMetadata = (await request(t.http).get(`/sso/${TENANT}/entra/metadata`).expect(200)).text;
    const group = await newGroup(t, TENANT, { name: 'Engineering' });
    await newGroupLink(t, TENANT, group.id, { externalGroup: 'eng', role: 'developer' });
  });
  afterAll(async () => t.close());

  const signIn = async (email: string, groups: string[], inResponseTo?: string) => {
    const login = await request(t.http).get(`/sso/${TENANT}/entra/login`).expect(302);
    const response = await idp.respond(spMetadata, acsUrl, {
      inResponseTo: inResponseTo ?? authnRequestId(login.headers.location),
      nameId: email,
      attributes: { [EMAIL]: [email], [GROUPS]: groups },
    });
    return request(t.http).post(`/sso/${TENANT}/entra/acs`).type('form').send({ SAMLResponse: response });
  };
  const scrape = async () => {
    const res = await t.op.get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    return res.text;
  };
  const value = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it('/health/live and /health/ready answer 200 on a migrated database; /health stays as it was', async () => {
    await request(t.http).get('/health/live').expect(200, { status: 'ok' });
    await request(t.http).get('/health/ready').expect(200, { status: 'ok' });
    await request(t.http).get('/health').expect(200, { status: 'ok' });
  });

  it('/health/ready answers 503 while a migration is pending; live stays 200', async () => {
    const [last] = await t.dataSource.query('SELECT * FROM "migrations" ORDER BY "id" DESC LIMIT 1');
    await t.dataSource.query(`DELETE FROM "migrations" WHERE "id" = ${Number(last.id)}`);
    try {
      const res = await request(t.http).get('/health/ready').expect(503);
      expect(res.body.message).toBe('Migrations are pending');
      await request(t.http).get('/health/live').expect(200);
    } finally {
      await t.dataSource.query(
        `INSERT INTO "migrations" ("id", "timestamp", "name") VALUES (${Number(last.id)}, ${Number(last.timestamp)}, '${last.name}')`,
      );
    }
    await request(t.http).get('/health/ready').expect(200);
  });

  it('/metrics needs the operator token: none is 401, a tenant API key is 403', async () => {
    await request(t.http).get('/metrics').expect(401);
    const key = await newApiKey(t, TENANT);
    await key.as('get', '/metrics').expect(403);
  });

  it('counts sign-ins by protocol and outcome, sync changes by kind, SCIM requests by status', async () => {
    const before = await scrape();
    const ok = 'groupsync_sign_ins_total{protocol="saml",outcome="success"}';
    const refused = 'groupsync_sign_ins_total{protocol="saml",outcome="refused"}';
    const added = 'groupsync_sync_changes_total{kind="membership_added",actor="idp"}';
    const scimCreated = 'groupsync_sync_changes_total{kind="user_created",actor="scim"}';
    expect((await signIn('ada.lovelace@example.com', ['eng'])).status).toBe(302);
    // A SCIM user is created in one raw statement (PostgreSQL): its audit event still counts.
    const made = await t.op
      .post(`/api/v1/tenants/${TENANT}/scim-tokens`)
      .send({ idp: 'entra', name: 'metrics' })
      .expect(201);
    await request(t.http)
      .post(`/scim/v2/${TENANT}/Users`)
      .set('Authorization', `Bearer ${made.body.token}`)
      .set('Content-Type', 'application/scim+json')
      .send(
        JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: 'grace@example.com',
        }),
      )
      .expect(201);
    expect(
      (await signIn('ada.lovelace@example.com', ['eng'], '_not-an-issued-request')).status,
    ).toBeGreaterThanOrEqual(400);
    await request(t.http)
      .get(`/scim/v2/${TENANT}/Users`)
      .set('Authorization', 'Bearer gss_wrong')
      .expect(401);

    const text = await scrape();
    expect(value(text, ok)).toBe((value(before, ok) ?? 0) + 1);
    expect(value(text, refused)).toBe((value(before, refused) ?? 0) + 1);
    expect(value(text, added)).toBe((value(before, added) ?? 0) + 1);
    expect(value(text, scimCreated)).toBe((value(before, scimCreated) ?? 0) + 1);
    expect(value(text, 'groupsync_scim_requests_total{resource="Users",method="GET",status="401"}')).toBe(1);
    expect(text).toMatch(
      /^groupsync_sign_in_duration_seconds_bucket\{le="[0-9.]+",protocol="saml",outcome="success"\} 1$/m,
    );
    expect(text).toMatch(
      /^groupsync_http_request_duration_seconds_count\{route="\/sso\/:tenant\/:idp\/acs",method="POST",status="3xx"\} 1$/m,
    );
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds /m);
    expect(text).toMatch(/^groupsync_eventloop_lag_p99_seconds [0-9.e-]+$/m);
    if (t.db.dialect === 'postgres') {
      expect(value(text, 'groupsync_db_pool_max')).toBe(10);
      expect(text).toMatch(/^groupsync_db_pool_connections\{state="open"\} \d+$/m);
    }
  });

  it('no label value names a tenant, a person or an id', async () => {
    const text = await scrape();
    expect(text).not.toContain(TENANT);
    expect(text).not.toContain('ada.lovelace');
    expect(text).not.toContain('example.com');
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/); // no UUIDs
  });

  it('METRICS_PORT serves the same metrics without a token on its own port', async () => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^groupsync_sign_ins_total\{protocol="saml",outcome="success"\} \d+$/m);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);
  });

  it('a stopping process answers /health/ready with 503 (the load balancer moves on); live stays 200', async () => {
    t.app.get(ShutdownDrain).begin();
    const res = await request(t.http).get('/health/ready').expect(503);
    expect(res.body.message).toBe('Shutting down');
    await request(t.http).get('/health/live').expect(200);
  });
});
