import { inflateRawSync } from 'node:zlib';
import request from 'supertest';
import { newTenant } from '../support/factories';
import { createSamlIdp } from '../support/saml-idp';
import { startTestApp, TestApp } from '../support/test-app';
import { startTestOidcProvider, TestOidcProvider } from '../support/test-oidc-provider';

const TENANT = 'tsi-fresh';

/** The AuthnRequest XML of an HTTP-Redirect binding URL (deflated, base64). */
function authnRequestXml(redirectUrl: string): string {
  const encoded = new URL(redirectUrl).searchParams.get('SAMLRequest');
  if (!encoded) throw new Error(`no SAMLRequest in ${redirectUrl}`);
  return inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8');
}

/** The root element's opening tag, where the AuthnRequest's attributes are. */
const rootTag = (xml: string) => /<samlp:AuthnRequest\b[^>]*>/.exec(xml)?.[0] ?? '';

/**
 * A test sign-in must prove the tested person's credentials even when the admin's browser is
 * signed in at the IdP already: SAML asks with ForceAuthn="true", OIDC with prompt=login. A normal
 * sign-in asks for neither (single sign-on stays single).
 */
describe('test sign-in asks the IdP for a fresh authentication; a normal sign-in does not', () => {
  let t: TestApp;
  let op: TestOidcProvider;

  beforeAll(async () => {
    op = await startTestOidcProvider({
      clients: [
        {
          client_id: 'groupsync',
          client_secret: 'oidc-client-secret',
          redirect_uris: [`http://sso.test/sso/${TENANT}/ping/callback`],
        },
      ],
      accounts: { carol: { email: 'carol@example.com', name: 'Carol', groups: ['Developers'] } },
    });
    t = await startTestApp();
    await newTenant(t, TENANT);
    await t.op
      .post(`/api/v1/tenants/${TENANT}/identity-providers`)
      .send({ slug: 'entra', type: 'saml', metadataXml: createSamlIdp('https://sts.example/').metadataXml })
      .expect(201);
    await t.op
      .post(`/api/v1/tenants/${TENANT}/identity-providers`)
      .send({
        slug: 'ping',
        type: 'oidc',
        issuer: op.issuer,
        clientId: 'groupsync',
        clientSecret: 'oidc-client-secret',
        scopes: ['openid', 'email', 'profile', 'groups'],
      })
      .expect(201);
  });
  afterAll(async () => {
    await t.close();
    await op.close();
  });

  /** The login URL of a new test sign-in, as path and query. */
  async function testLoginPath(idp: string): Promise<string> {
    const started = await t.op
      .post(`/api/v1/tenants/${TENANT}/identity-providers/${idp}/test-sign-in`)
      .expect(201);
    const url = new URL(started.body.loginUrl as string);
    return url.pathname + url.search;
  }

  it('SAML: the test AuthnRequest carries ForceAuthn="true", a normal one has no ForceAuthn', async () => {
    const test = await request(t.http)
      .get(await testLoginPath('entra'))
      .expect(302);
    const tested = rootTag(authnRequestXml(test.headers.location));
    expect(tested).toMatch(/^<samlp:AuthnRequest\b/);
    expect(tested).toContain('ForceAuthn="true"');

    const normal = await request(t.http).get(`/sso/${TENANT}/entra/login`).expect(302);
    const plain = rootTag(authnRequestXml(normal.headers.location));
    expect(plain).toMatch(/^<samlp:AuthnRequest\b/);
    expect(plain).not.toContain('ForceAuthn');
    // Both are otherwise the same request: same destination, same issuer.
    const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
    expect(attr(tested, 'Destination')).toBe(attr(plain, 'Destination'));
    expect(attr(tested, 'AssertionConsumerServiceURL')).toBe(attr(plain, 'AssertionConsumerServiceURL'));
  });

  it('OIDC: the test authorization URL carries prompt=login and the provider accepts it; a normal one has no prompt', async () => {
    const test = await request(t.http)
      .get(await testLoginPath('ping'))
      .expect(302);
    const authorize = new URL(test.headers.location);
    expect(authorize.origin).toBe(op.issuer);
    expect(authorize.searchParams.get('prompt')).toBe('login');
    // The real provider takes it: login form, consent, back to our callback with a code.
    const back = await op.signIn(authorize.href, 'carol');
    expect(back.pathname).toBe(`/sso/${TENANT}/ping/callback`);
    expect(back.searchParams.get('code')).toEqual(expect.any(String));

    const normal = await request(t.http).get(`/sso/${TENANT}/ping/login`).expect(302);
    const plain = new URL(normal.headers.location);
    expect(plain.origin).toBe(op.issuer);
    expect(plain.searchParams.has('prompt')).toBe(false);
    expect(plain.searchParams.get('client_id')).toBe('groupsync');
  });
});
