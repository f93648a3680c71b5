import { Client } from 'pg';
import { MetadataRefreshService } from '../../src/identity-providers/metadata-refresh.service';
import { startTestApp, TestApp } from '../support/test-app';
import { expectErrorShape, newApiKey, newTenant } from '../support/factories';
import { certificate, idpMetadata, startStaticServer, StaticServer } from '../support/idp-fixtures';
import { createHash, X509Certificate } from 'node:crypto';

const ENTITY = 'https://sts.windows.net/contoso/';
const SSO = 'https://login.microsoftonline.com/contoso/saml2';
const fingerprint = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');

interface AuditItem {
  action: string;
  actor: { type: string };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  details: Record<string, unknown> | null;
}

describe('SAML metadata URL, read again on a schedule and on demand (issue #12)', () => {
  let t: TestApp;
  let idp: StaticServer;
  let refresher: MetadataRefreshService;
  const certA = certificate('signing-a', 365);
  const certB = certificate('signing-b', 730);
  beforeAll(async () => {
    t = await startTestApp();
    idp = await startStaticServer();
    refresher = t.app.get(MetadataRefreshService);
  }, 120_000);
  afterAll(async () => {
    await idp?.close();
    await t?.close();
  });

  const events = async (tenant: string, action: string): Promise<AuditItem[]> =>
    (await t.op.get(`/api/v1/tenants/${tenant}/audit-events?action=${action}`).expect(200)).body.items;

  async function connected(path: string) {
    const { slug } = await newTenant(t);
    idp.serve(path, 200, idpMetadata(ENTITY, SSO, [certA]));
    const created = await t.op
      .post(`/api/v1/tenants/${slug}/identity-providers`)
      .send({ slug: 'entra', type: 'saml', idpMetadataUrl: `${idp.base}${path}` })
      .expect(201);
    return { tenant: slug, created: created.body };
  }

  it('reads the URL when saved, then applies a rotated certificate on "refresh now", audited with fingerprints', async () => {
    const { tenant, created } = await connected('/a/metadata.xml');
    expect(created).toEqual(
      expect.objectContaining({
        idpMetadataUrl: `${idp.base}/a/metadata.xml`,
        entityId: ENTITY,
        ssoUrl: SSO,
        certificates: [certA],
        hasMetadataXml: true,
        metadataRefresh: null,
      }),
    );
    const refresh = () =>
      t.op.post(`/api/v1/tenants/${tenant}/identity-providers/entra/metadata-refresh`).expect(200);

    expect((await refresh()).body).toEqual({
      changed: false,
      error: null,
      changes: [],
      metadataRefresh: { checkedAt: expect.any(String), changedAt: null, error: null },
    });
    expect(await events(tenant, 'identity_provider.metadata_refreshed')).toEqual([]);

    // the IdP rotates: old and new certificate side by side
    idp.serve('/a/metadata.xml', 200, idpMetadata(ENTITY, SSO, [certA, certB]));
    const rotated = await refresh();
    expect(rotated.body).toEqual(expect.objectContaining({ changed: true, changes: ['certificates'] }));
    const got = await t.op.get(`/api/v1/tenants/${tenant}/identity-providers/entra`).expect(200);
    expect(got.body.certificates).toEqual([certA, certB]);
    expect(got.body.signingCertificates.map((c: { subject: string }) => c.subject)).toEqual([
      'signing-a',
      'signing-b',
    ]);
    const [event] = await events(tenant, 'identity_provider.metadata_refreshed');
    expect(event.actor.type).toBe('operator');
    expect(event.before).toEqual({
      entityId: ENTITY,
      ssoUrl: SSO,
      ssoBinding: 'redirect',
      certificateFingerprints: [fingerprint(certA)],
    });
    expect(event.after).toEqual(
      expect.objectContaining({ certificateFingerprints: [fingerprint(certA), fingerprint(certB)] }),
    );
    expect(event.details).toEqual(
      expect.objectContaining({
        trigger: 'manual',
        changes: ['certificates'],
        url: `${idp.base}/a/metadata.xml`,
      }),
    );
  });

  it('the scheduled round applies changes as the system, and a failed read keeps the working settings', async () => {
    const { tenant } = await connected('/b/metadata.xml');
    idp.serve(
      '/b/metadata.xml',
      200,
      idpMetadata(ENTITY, 'https://login.microsoftonline.com/new/saml2', [certB]),
    );
    const run = await refresher.refreshAll();
    expect(run.skipped).toBe(false);
    expect(run.changed).toBeGreaterThanOrEqual(1);
    const [event] = await events(tenant, 'identity_provider.metadata_refreshed');
    expect(event.actor.type).toBe('system');
    expect(event.details).toEqual(
      expect.objectContaining({ trigger: 'schedule', changes: ['ssoUrl', 'certificates'] }),
    );

    const url = `/api/v1/tenants/${tenant}/identity-providers/entra`;
    const failures: [number, string, RegExp][] = [
      [500, 'oops', /answered HTTP 500/],
      [200, '<html>maintenance</html>', /metadata has no EntityDescriptor/],
      [200, idpMetadata(ENTITY, SSO, [certificate('gone', 5, -30)]), /expired on/],
    ];
    for (const [status, body, why] of failures) {
      idp.serve('/b/metadata.xml', status, body);
      const failed = await t.op.post(`${url}/metadata-refresh`).expect(200);
      expect(failed.body.changed).toBe(false);
      expect(failed.body.error).toMatch(why);
      const kept = await t.op.get(url).expect(200);
      expect(kept.body.certificates).toEqual([certB]);
      expect(kept.body.ssoUrl).toBe('https://login.microsoftonline.com/new/saml2');
      expect(kept.body.metadataRefresh.error).toMatch(why);
    }
    const failedEvents = await events(tenant, 'identity_provider.metadata_refresh_failed');
    expect(failedEvents).toHaveLength(3);
    expect(failedEvents[0].details).toEqual(
      expect.objectContaining({ error: expect.stringMatching(/expired on/) }),
    );

    // back to normal: the error is cleared
    idp.serve(
      '/b/metadata.xml',
      200,
      idpMetadata(ENTITY, 'https://login.microsoftonline.com/new/saml2', [certB]),
    );
    const ok = await t.op.post(`${url}/metadata-refresh`).expect(200);
    expect(ok.body).toEqual(expect.objectContaining({ changed: false, error: null }));
    expect((await t.op.get(url).expect(200)).body.metadataRefresh.error).toBeNull();
  });

  it('stops reading the URL when the admin pastes metadata or sets idpMetadataUrl to null', async () => {
    const { tenant } = await connected('/c/metadata.xml');
    const url = `/api/v1/tenants/${tenant}/identity-providers/entra`;
    await t.op
      .patch(url)
      .send({ metadataXml: idpMetadata(ENTITY, SSO, [certB]) })
      .expect(200);
    const pasted = await t.op.get(url).expect(200);
    expect(pasted.body.idpMetadataUrl).toBeUndefined();
    const refused = await t.op.post(`${url}/metadata-refresh`).expect(409);
    expectErrorShape(refused.body, 409, 'metadata_url_not_set');

    await t.op
      .patch(url)
      .send({ idpMetadataUrl: `${idp.base}/c/metadata.xml` })
      .expect(200);
    expect((await t.op.get(url).expect(200)).body.certificates).toEqual([certA]);
    await t.op.patch(url).send({ idpMetadataUrl: null }).expect(200);
    expect((await t.op.get(url).expect(200)).body.idpMetadataUrl).toBeUndefined();
  });

  it('refuses a metadata URL that cannot be read when saved, and both a URL and pasted metadata', async () => {
    const { slug } = await newTenant(t);
    const url = `/api/v1/tenants/${slug}/identity-providers`;
    const missing = await t.op
      .post(url)
      .send({ slug: 'x', type: 'saml', idpMetadataUrl: `${idp.base}/nothing-here` })
      .expect(400);
    expectErrorShape(missing.body, 400, 'metadata_fetch_failed');
    expect(missing.body.details).toEqual({ field: 'idpMetadataUrl' });
    const both = await t.op
      .post(url)
      .send({
        slug: 'x',
        type: 'saml',
        idpMetadataUrl: `${idp.base}/a/metadata.xml`,
        metadataXml: idpMetadata(ENTITY, SSO, [certA]),
      })
      .expect(400);
    expect(both.body.details).toEqual({ field: 'idpMetadataUrl' });
    expect((await t.op.get(url).expect(200)).body).toEqual([]);
  });

  it('keeps tenants apart: another tenant cannot refresh or see the refresh of this IdP', async () => {
    const { tenant } = await connected('/d/metadata.xml');
    const other = await newTenant(t);
    const keyB = await newApiKey(t, other.slug);
    await keyB.as('post', `/api/v1/tenants/${tenant}/identity-providers/entra/metadata-refresh`).expect(403);
    await keyB
      .as('post', `/api/v1/tenants/${other.slug}/identity-providers/entra/metadata-refresh`)
      .expect(404);
    idp.serve('/d/metadata.xml', 200, idpMetadata(ENTITY, SSO, [certB]));
    await refresher.refreshAll();
    const theirs = await keyB
      .as('get', `/api/v1/tenants/${other.slug}/audit-events?action=identity_provider.metadata_refreshed`)
      .expect(200);
    expect(theirs.body.items).toEqual([]);
    expect(await events(tenant, 'identity_provider.metadata_refreshed')).toHaveLength(1);
  });

  it('PostgreSQL: one process at a time; a round finds the lock taken and leaves the work', async () => {
    if (t.db.dialect !== 'postgres') return expect(t.db.dialect).toBe('sqlite');
    const holder = new Client({ connectionString: t.db.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [7_140_221_016]);
      expect(await refresher.refreshAll()).toEqual({ refreshed: 0, changed: 0, failed: 0, skipped: true });
      await holder.query('SELECT pg_advisory_unlock($1)', [7_140_221_016]);
      expect((await refresher.refreshAll()).skipped).toBe(false);
    } finally {
      await holder.end();
    }
  });
});
