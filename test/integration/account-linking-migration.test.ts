import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source';
import { StoreAccountLinkingDefaults1795440000002 } from '../../src/database/migrations/postgres/1795440000002-StoreAccountLinkingDefaults';
import { StoreAccountLinkingDefaults1795440000001 } from '../../src/database/migrations/sqlite/1795440000001-StoreAccountLinkingDefaults';
import { IdentityProvider } from '../../src/identity-providers/identity-provider.entity';
import { Tenant } from '../../src/tenants/tenant.entity';
import { createTestDatabase, TestDatabase } from '../support/test-database';

// IdPs stored before account linking existed get the default new IdPs get, stored explicitly.
describe('migration StoreAccountLinkingDefaults', () => {
  let db: TestDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource(buildDataSourceOptions(db.url));
    await ds.initialize();
    await ds.runMigrations();
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it("links for each tenant's oldest IdP only, and keeps values already stored", async () => {
    const tenants = ds.getRepository(Tenant);
    const idps = ds.getRepository(IdentityProvider);
    const a = await tenants.save(tenants.create({ slug: 'mig-a', name: 'A' }));
    const b = await tenants.save(tenants.create({ slug: 'mig-b', name: 'B' }));
    const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 0, minutes));
    const idp = (tenantId: string, slug: string, minutes: number, config: Record<string, unknown> = {}) =>
      idps.save(
        idps.create({
          tenantId,
          slug,
          name: slug,
          type: 'saml',
          config,
          createdAt: at(minutes),
          updatedAt: at(minutes),
        }),
      );
    await idp(a.id, 'later', 5);
    await idp(a.id, 'oldest', 1);
    await idp(a.id, 'chosen', 9, { accountLinking: 'email' });
    await idp(b.id, 'only', 3, { entityId: 'https://b.example' });

    const migration =
      db.dialect === 'postgres'
        ? new StoreAccountLinkingDefaults1795440000002()
        : new StoreAccountLinkingDefaults1795440000001();
    const runner = ds.createQueryRunner();
    await migration.up(runner);
    await runner.release();

    const stored = Object.fromEntries(
      (await idps.find({ order: { slug: 'ASC' } })).map((i) => [i.slug, i.config]),
    );
    expect(stored).toEqual({
      chosen: { accountLinking: 'email' },
      later: { accountLinking: 'none' },
      oldest: { accountLinking: 'unowned' },
      only: { entityId: 'https://b.example', accountLinking: 'unowned' },
    });
  });
});
