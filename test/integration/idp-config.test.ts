import { IdentityProvider } from '../../src/identity-providers/identity-provider.entity';
import { newOidcIdp, newTenant } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

// An IdP's settings are read in one place, typed per protocol: a stored value of the wrong type (a
// row written by hand or by an older version) reads as absent, so no reader meets it.
describe('identity provider settings, read typed', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  async function storedIdp() {
    const { slug } = await newTenant(t);
    const { id } = await newOidcIdp(t, slug, 'okta', { scopes: ['openid', 'email'] });
    const cast = t.db.dialect === 'postgres' ? '::jsonb' : '';
    const [one, two] = t.db.dialect === 'postgres' ? ['$1', '$2'] : ['?', '?'];
    const store = (json: string) =>
      t.dataSource.query(`UPDATE "identity_providers" SET "config" = ${one}${cast} WHERE "id" = ${two}`, [
        json,
        id,
      ]);
    const read = async () =>
      (await t.dataSource.getRepository(IdentityProvider).findOneByOrFail({ id })).config;
    return { tenant: slug, store, read };
  }

  it('keeps values of the right type and drops the others, key by key', async () => {
    const { store, read } = await storedIdp();
    await store(
      JSON.stringify({
        issuer: 'https://idp.example.com',
        clientId: 42,
        scopes: ['openid', 7, 'email'],
        pkce: 'yes',
        tokenAuthMethod: 'client_secret_jwt',
        groupsFrom: ['userinfo', 'cookie'],
        accountLinking: 'always',
        verifiedDomains: 'example.com',
        claimMapping: { email: 'upn', externalId: null, displayName: ['name'] },
        graph: ['not', 'an', 'object'],
        debug: 1,
        unknownKey: 'kept nowhere',
      }),
    );
    expect(await read()).toEqual({
      issuer: 'https://idp.example.com',
      scopes: ['openid', 'email'],
      groupsFrom: ['userinfo'],
      claimMapping: { email: 'upn' },
    });
  });

  it('reads a stored null, array or number as no settings, and a list of only unknown sources as the default', async () => {
    const { store, read } = await storedIdp();
    for (const odd of ['null', '[]', '17', '"text"'])
      await store(odd).then(async () => expect(await read()).toEqual({}));
    await store('{"groupsFrom":["cookie"],"responseLimits":{"maxDepth":"32","maxElements":300.5}}');
    expect(await read()).toEqual({ responseLimits: {} });
  });

  it('the admin API shows and updates such a row as read', async () => {
    const { tenant, store } = await storedIdp();
    await store(
      '{"issuer":"https://idp.example.com","clientId":"client","pkce":"no","accountLinking":"all"}',
    );
    const url = `/api/v1/tenants/${tenant}/identity-providers/okta`;
    const shown = (await t.op.get(url).expect(200)).body as Record<string, unknown>;
    expect(shown).toMatchObject({
      issuer: 'https://idp.example.com',
      clientId: 'client',
      accountLinking: 'none',
    });
    expect(shown).not.toHaveProperty('pkce');
    const updated = (await t.op.patch(url).send({ pkce: false }).expect(200)).body as Record<string, unknown>;
    expect(updated).toMatchObject({ pkce: false, accountLinking: 'none' });
  });
});
