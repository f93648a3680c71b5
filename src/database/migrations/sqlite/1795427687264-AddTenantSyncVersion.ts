import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddTenantSyncVersion1795427687264 implements MigrationInterface {
  name = 'AddTenantSyncVersion1795427687264';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // ADD/DROP COLUMN instead of the generated table rebuild: renaming "tenants" would rewrite the
    // foreign keys of every table that references it (SQLite >= 3.26).
    await queryRunner.query(`ALTER TABLE "tenants" ADD COLUMN "syncVersion" integer NOT NULL DEFAULT (0)`);
    // Every write to groups or group links (cascades included) bumps the tenant's syncVersion, so
    // cached sync contexts reload. A later SQLite rebuild of groups or group_links drops these
    // triggers with the table and must create them again (the sync-version test would fail).
    for (const table of ['groups', 'group_links']) {
      for (const [event, row] of [
        ['INSERT', 'NEW'],
        ['UPDATE', 'NEW'],
        ['DELETE', 'OLD'],
      ]) {
        await queryRunner.query(`
            CREATE TRIGGER "${table}_bump_sync_version_${event.toLowerCase()}" AFTER ${event} ON "${table}"
            BEGIN
              UPDATE "tenants" SET "syncVersion" = "syncVersion" + 1 WHERE "id" = ${row}."tenantId";
            END
        `);
      }
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['groups', 'group_links']) {
      for (const event of ['insert', 'update', 'delete']) {
        await queryRunner.query(`DROP TRIGGER "${table}_bump_sync_version_${event}"`);
      }
    }
    await queryRunner.query(`ALTER TABLE "tenants" DROP COLUMN "syncVersion"`);
  }
}
