import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddTenantSyncVersion1795427689743 implements MigrationInterface {
  name = 'AddTenantSyncVersion1795427689743';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "tenants"
            ADD "syncVersion" integer NOT NULL DEFAULT '0'
        `);
    // Every write to groups or group links (cascades included) bumps the tenant's syncVersion, so
    // cached sync contexts reload; triggers cannot be forgotten by a future code path.
    await queryRunner.query(`
            CREATE FUNCTION "bump_tenant_sync_version"() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'DELETE' THEN
                UPDATE "tenants" SET "syncVersion" = "syncVersion" + 1 WHERE "id" = OLD."tenantId";
              ELSE
                UPDATE "tenants" SET "syncVersion" = "syncVersion" + 1 WHERE "id" = NEW."tenantId";
              END IF;
              RETURN NULL;
            END $$
        `);
    for (const table of ['groups', 'group_links']) {
      await queryRunner.query(`
            CREATE TRIGGER "${table}_bump_sync_version" AFTER INSERT OR UPDATE OR DELETE ON "${table}"
            FOR EACH ROW EXECUTE FUNCTION "bump_tenant_sync_version"()
        `);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['groups', 'group_links']) {
      await queryRunner.query(`DROP TRIGGER "${table}_bump_sync_version" ON "${table}"`);
    }
    await queryRunner.query(`DROP FUNCTION "bump_tenant_sync_version"()`);
    await queryRunner.query(`
            ALTER TABLE "tenants" DROP COLUMN "syncVersion"
        `);
  }
}
