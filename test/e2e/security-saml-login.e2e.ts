import { deflateRawSync } from 'node:zlib';
import request from 'supertest';
import { User } from '../../src/users/user.entity';
import { authnRequestId, createSamlIdp } from '../support/saml-idp';
import { startTestApp, TestApp } from '../support/test-app';

const TENANT = 'sec-saml-login';

/**
 * passport-saml's strategy validates any SAMLResponse or SAMLRequest it finds on a request, on the
 * event loop and without our pre-check; the login address (which runs that strategy) takes none.
 */
describe('the SAML login address takes no SAML message', () => {
  let t: TestApp;
  const idp = createSamlIdp(`https://idp.example/${TENANT}`);
  let spMetadata: string;

  beforeAll(async () => {
    t = await startTestApp();
    await t.op.post('/api/v1/tenants').send({ slug: TENANT, name: TENANT }).expect(201);
    await t.op
      .post(`/api/v1/tenants/${TENANT}/identity-providers`)
      .send({ slug: 'idp', type: 'saml', metadataXml: idp.metadataXml })
      .expect(201);
    spMetadata = (await request(t.http).get(`/sso/${TENANT}/idp/metadata`).expect(200)).text;
  }, 60000);
  afterAll(async () => t.close());

  const login = (query: string) => request(t.http).get(`/sso/${TENANT}/idp/login?${query}`);
  /** The redirect binding's encoding: raw deflate, then base64. */
  const redirectEncoded = (xml: string) => encodeURIComponent(deflateRawSync(xml).toString('base64'));

  it('a genuine signed response sent to the login address signs no one in', async () => {
    const inResponseTo = authnRequestId((await login('').expect(302)).headers.location);
    const response = await idp.respond(spMetadata, `http://sso.test/sso/${TENANT}/idp/acs`, {
      inResponseTo,
      nameId: 'ada@example.com',
      attributes: { email: ['ada@example.com'] },
    });
    const xml = Buffer.from(response, 'base64').toString();
    const res = await login(`SAMLResponse=${redirectEncoded(xml)}`);
    expect(res.status).toBe(400);
    expect(res.text).toContain('takes no sign-in response');
    expect(res.headers['set-cookie'] ?? []).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^gs_session_/)]),
    );
    expect(await t.dataSource.getRepository(User).countBy({ email: 'ada@example.com' })).toBe(0);
  });

  it('a deflate bomb (about 10 KB inflating to 8 MB) is refused at once, never inflated', async () => {
    const bomb = redirectEncoded(`<samlp:Response>${' '.repeat(8 * 1024 * 1024)}</samlp:Response>`);
    expect(bomb.length).toBeLessThan(14 * 1024); // under Node's 16 KB header limit
    const res = await login(`SAMLRequest=${bomb}`);
    expect(res.status).toBe(400);
    // Refused by the login route's own check, which runs before passport-saml (the only code that
    // inflates): not timed, the refusal's words say which check answered.
    expect(res.text).toContain('takes no sign-in response');
    // the address still works for what it is for
    expect((await login('returnTo=%2Fafter')).status).toBe(302);
  });
});
