import { IdentityProvider } from '../../src/identity-providers/identity-provider.entity';
import { startTestApp, TestApp } from '../support/test-app';
import { auditActions, expectErrorShape, newApiKey, newTenant } from '../support/factories';
import { certificate, idpMetadata, startStaticServer, StaticServer } from '../support/idp-fixtures';
import { startTestOidcProvider, TestOidcProvider } from '../support/test-oidc-provider';

const SSO = 'https://idp.example.com/sso';
const saml = (slug: string, certificates: string[], extra: object = {}) => ({
  slug,
  type: 'saml',
  entityId: `https://idp.example.com/${slug}`,
  ssoUrl: SSO,
  certificates,
  ...extra,
});

describe('identity providers are checked when saved (issue #12)', () => {
  let t: TestApp;
  let web: StaticServer;
  let op: TestOidcProvider;
  beforeAll(async () => {
    // Development (ALLOW_PRIVATE_NETWORK, as every test app) with the discovery check on.
    t = await startTestApp({ IDP_DISCOVERY_CHECK: 'true' });
    web = await startStaticServer();
    op = await startTestOidcProvider({
      clients: [{ client_id: 'app', client_secret: 's', redirect_uris: ['http://sso.test/cb'] }],
      accounts: {},
    });
  }, 120_000);
  afterAll(async () => {
    await op?.close();
    await web?.close();
    await t?.close();
  });

  const post = (tenant: string, body: object) =>
    t.op.post(`/api/v1/tenants/${tenant}/identity-providers`).send(body);

  it('refuses expired, not-yet-valid and unreadable signing certificates, naming the field, and saves nothing', async () => {
    const { slug } = await newTenant(t);
    const good = certificate('good', 365);
    const expired = await post(slug, saml('old', [good, certificate('old', 10, -20)])).expect(400);
    expectErrorShape(expired.body, 400, 'invalid_certificate');
    expect(expired.body.details).toEqual(expect.objectContaining({ field: 'certificates[1]' }));
    expect(expired.body.message).toMatch(
      /certificates\[1\]: the signing certificate "old" expired on 20\d\d-/,
    );

    const early = await post(slug, saml('early', [certificate('early', 100, 5)])).expect(400);
    expect(early.body.code).toBe('invalid_certificate');
    expect(early.body.message).toContain('is not valid before');

    const junk = `-----BEGIN CERTIFICATE-----\nMIIB${'A'.repeat(60)}\n-----END CERTIFICATE-----`;
    const unreadable = await post(slug, saml('junk', [junk])).expect(400);
    expect(unreadable.body.details).toEqual({ field: 'certificates[0]' });

    // from pasted metadata the field is metadataXml
    const metadataXml = idpMetadata('https://idp.example.com/m', SSO, [certificate('meta', 5, -10)]);
    const fromMetadata = await post(slug, { slug: 'meta', type: 'saml', metadataXml }).expect(400);
    expect(fromMetadata.body.details).toEqual(expect.objectContaining({ field: 'metadataXml' }));

    expect((await t.op.get(`/api/v1/tenants/${slug}/identity-providers`).expect(200)).body).toEqual([]);
    expect(await auditActions(t, slug)).not.toContain('identity_provider.created');
  });

  it('shows each certificate’s dates and warns 30 days ahead of the last one’s expiry', async () => {
    const { slug } = await newTenant(t);
    const soon = await post(slug, saml('soon', [certificate('soon', 10)])).expect(201);
    expect(soon.body.certificateWarning).toBe('expiring');
    expect(soon.body.signingCertificates).toEqual([
      {
        subject: 'soon',
        notBefore: expect.any(String),
        notAfter: expect.any(String),
        daysLeft: 9,
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    // a rotation: the old certificate ends soon, the new one carries on, so no warning
    const rotating = await post(slug, saml('rotating', [certificate('old', 10), certificate('new', 400)]));
    expect(rotating.status).toBe(201);
    expect(rotating.body.certificateWarning).toBeNull();
    expect(rotating.body.signingCertificates.map((c: { daysLeft: number }) => c.daysLeft)).toEqual([9, 399]);
    const listed = (await t.op.get(`/api/v1/tenants/${slug}/identity-providers`).expect(200)).body;
    expect(listed.map((i: { certificateWarning: string | null }) => i.certificateWarning)).toEqual([
      null,
      'expiring',
    ]);
  });

  it('re-checks only what a PATCH changes: an IdP whose certificate expired can still have its policy edited', async () => {
    const { slug } = await newTenant(t);
    const created = await post(slug, saml('aging', [certificate('aging', 30)])).expect(201);
    // the certificate ends while the IdP is in use (written as time would)
    const expired = certificate('aging', 10, -20);
    await t.dataSource
      .getRepository(IdentityProvider)
      .update({ id: created.body.id }, { config: { ...pick(created.body), certificates: [expired] } });
    const got = await t.op.get(`/api/v1/tenants/${slug}/identity-providers/aging`).expect(200);
    expect(got.body.certificateWarning).toBe('expired');
    await t.op
      .patch(`/api/v1/tenants/${slug}/identity-providers/aging`)
      .send({ groupSync: { removal: 'never' } })
      .expect(200);
    const refused = await t.op
      .patch(`/api/v1/tenants/${slug}/identity-providers/aging`)
      .send({ certificates: [certificate('still-old', 3, -5)] })
      .expect(400);
    expect(refused.body.details).toEqual(expect.objectContaining({ field: 'certificates[0]' }));
    await t.op
      .patch(`/api/v1/tenants/${slug}/identity-providers/aging`)
      .send({ certificates: [certificate('fresh', 365)] })
      .expect(200);
  });

  it('accepts an OIDC issuer whose discovery document matches, and refuses one that cannot be read or does not match', async () => {
    const { slug } = await newTenant(t);
    const ok = await post(slug, { slug: 'real', type: 'oidc', issuer: op.issuer, clientId: 'app' }).expect(
      201,
    );
    expect(ok.body.issuer).toBe(op.issuer);

    const issuer = `${web.base}/tenant-x`;
    const doc = (extra: object) =>
      JSON.stringify({
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        ...extra,
      });
    const path = '/tenant-x/.well-known/openid-configuration';
    const refusal = async (why: RegExp) => {
      const res = await post(slug, { slug: 'fake', type: 'oidc', issuer, clientId: 'app' }).expect(400);
      expectErrorShape(res.body, 400, 'oidc_discovery_failed');
      expect(res.body.details).toEqual(expect.objectContaining({ field: 'issuer' }));
      expect(res.body.message).toMatch(why);
    };
    await refusal(/answered HTTP 404/);
    web.serve(path, 200, doc({ issuer: 'https://login.example.com/other' }), 'application/json');
    await refusal(/names another issuer: "https:\/\/login.example.com\/other"/);
    web.serve(path, 200, doc({ jwks_uri: undefined, token_endpoint: '' }), 'application/json');
    await refusal(/has no token_endpoint, jwks_uri/);
    web.serve(path, 200, '<html>login</html>', 'text/html');
    await refusal(/is not a JSON object/);
    const closed = await post(slug, {
      slug: 'closed',
      type: 'oidc',
      issuer: 'http://127.0.0.1:9/none',
      clientId: 'app',
    }).expect(400);
    expect(closed.body.message).toContain('could not be fetched');

    web.serve(path, 200, doc({}), 'application/json');
    await post(slug, { slug: 'fake', type: 'oidc', issuer, clientId: 'app' }).expect(201);
    // explicit endpoints: the sign-in never reads discovery, so neither does the save
    await post(slug, {
      slug: 'explicit',
      type: 'oidc',
      issuer: 'https://nowhere.invalid',
      authorizationUrl: 'https://nowhere.invalid/authorize',
      tokenUrl: 'https://nowhere.invalid/token',
      jwksUrl: 'https://nowhere.invalid/jwks',
      clientId: 'app',
    }).expect(201);

    // a PATCH to an issuer that does not answer changes nothing
    const patched = await t.op
      .patch(`/api/v1/tenants/${slug}/identity-providers/real`)
      .send({ issuer: `${web.base}/missing` })
      .expect(400);
    expect(patched.body.code).toBe('oidc_discovery_failed');
    const real = await t.op.get(`/api/v1/tenants/${slug}/identity-providers/real`).expect(200);
    expect(real.body.issuer).toBe(op.issuer);
  });

  it('in development accepts http for the SAML SSO URL anywhere but for fetched URLs on loopback only', async () => {
    const { slug } = await newTenant(t);
    await post(slug, saml('plain', [certificate('p', 90)], { ssoUrl: 'http://idp.lan/sso' })).expect(201);
    const fetched = await post(slug, {
      slug: 'lan',
      type: 'oidc',
      authorizationUrl: 'http://idp.lan/authorize',
      tokenUrl: 'https://idp.lan/token',
      jwksUrl: 'https://idp.lan/jwks',
      clientId: 'app',
    }).expect(400);
    expectErrorShape(fetched.body, 400, 'insecure_url');
    expect(fetched.body.details).toEqual({ field: 'authorizationUrl' });
    expect(fetched.body.message).toContain('loopback addresses only');
  });

  it('keeps tenants apart: another tenant’s key neither reads the certificate state nor changes it', async () => {
    const a = await newTenant(t);
    const b = await newTenant(t);
    await post(a.slug, saml('mine', [certificate('mine', 90)])).expect(201);
    const keyB = await newApiKey(t, b.slug);
    await keyB.as('get', `/api/v1/tenants/${a.slug}/identity-providers/mine`).expect(403);
    await keyB
      .as('patch', `/api/v1/tenants/${a.slug}/identity-providers/mine`)
      .send({ certificates: [certificate('theirs', 90)] })
      .expect(403);
    await keyB.as('get', `/api/v1/tenants/${b.slug}/identity-providers/mine`).expect(404);
  });
});

describe('identity providers outside development', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ALLOW_PRIVATE_NETWORK: 'false' });
  }, 120_000);
  afterAll(async () => t?.close());

  it('refuses every plain http URL, naming the field', async () => {
    const { slug } = await newTenant(t);
    const url = `/api/v1/tenants/${slug}/identity-providers`;
    const samlRes = await t.op
      .post(url)
      .send(saml('plain', [certificate('p', 90)], { ssoUrl: 'http://idp.example.com/sso' }))
      .expect(400);
    expectErrorShape(samlRes.body, 400, 'insecure_url');
    expect(samlRes.body.details).toEqual({ field: 'ssoUrl' });
    expect(samlRes.body.message).toContain('only in development');
    const metadataXml = idpMetadata('https://idp.example.com/m', 'http://idp.example.com/sso', [
      certificate('m', 90),
    ]);
    const fromMetadata = await t.op.post(url).send({ slug: 'm', type: 'saml', metadataXml }).expect(400);
    expect(fromMetadata.body.details).toEqual({ field: 'metadataXml (SingleSignOnService)' });
    const oidc = await t.op
      .post(url)
      .send({ slug: 'o', type: 'oidc', issuer: 'http://login.example.com', clientId: 'c' })
      .expect(400);
    expect(oidc.body.details).toEqual({ field: 'issuer' });
    await t.op
      .post(url)
      .send(saml('secure', [certificate('s', 90)]))
      .expect(201);
  });
});

/** The stored SAML settings of an IdP answer (what the config column holds). */
function pick(body: { entityId: string; ssoUrl: string }) {
  return { entityId: body.entityId, ssoUrl: body.ssoUrl };
}
