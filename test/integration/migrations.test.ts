import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source';
import { createTestDatabase, TestDatabase } from '../support/test-database';

describe('migrations', () => {
  let db: TestDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource(buildDataSourceOptions(db.url));
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('applies the whole chain to an empty database', async () => {
    const applied = await ds.runMigrations();
    expect(applied.length).toBe(ds.migrations.length);
    expect(applied.length).toBeGreaterThan(0);
    expect(await ds.showMigrations()).toBe(false); // nothing pending
  });

  it('leaves a schema that matches the entities exactly (no pending schema change)', async () => {
    const sql = await ds.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('reverts every migration and applies them again', async () => {
    for (let i = 0; i < ds.migrations.length; i++) await ds.undoLastMigration();
    const tables = await ds.createQueryRunner().getTables(['tenants', 'groups']);
    expect(tables).toHaveLength(0);
    await ds.runMigrations();
    const after = await ds.driver.createSchemaBuilder().log();
    expect(after.upQueries).toHaveLength(0);
  });
});
