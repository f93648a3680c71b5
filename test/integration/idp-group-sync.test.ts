import { IdentityProvider } from '../../src/identity-providers/identity-provider.entity';
import { DEFAULT_GROUP_SYNC_POLICY } from '../../src/sync/engine';
import { newOidcIdp, newTenant } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

// The group-sync policy is resolved where it is read from the database, so every reader sees it whole.
describe('identity provider group-sync policy, read whole', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('a row stored with only some keys (or none, or junk) reads as the defaults overlaid with them', async () => {
    const { slug } = await newTenant(t);
    const { id } = await newOidcIdp(t, slug, 'okta');
    const cast = t.db.dialect === 'postgres' ? '::jsonb' : '';
    const place = t.db.dialect === 'postgres' ? '$' : '?';
    const store = (json: string) =>
      t.dataSource.query(
        `UPDATE "identity_providers" SET "groupSync" = ${place}1${cast} WHERE "id" = ${place}2`.replace(
          /\?\d/g,
          '?',
        ),
        [json, id],
      );
    const read = async () =>
      (await t.dataSource.getRepository(IdentityProvider).findOneByOrFail({ id })).groupSync;

    await store('{"removal":"never","adminGroups":["admins"]}');
    expect(await read()).toEqual({ ...DEFAULT_GROUP_SYNC_POLICY, removal: 'never', adminGroups: ['admins'] });
    await store('{}');
    expect(await read()).toEqual(DEFAULT_GROUP_SYNC_POLICY);
    await store('[]');
    expect(await read()).toEqual(DEFAULT_GROUP_SYNC_POLICY);
  });
});
