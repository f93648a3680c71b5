import { MigrationInterface, QueryRunner } from 'typeorm';

/** Custom roles per tenant (the built-in ladder is not stored), and their sync-version triggers. */
export class AddCustomRoles1796153672062 implements MigrationInterface {
  name = 'AddCustomRoles1796153672062';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "roles" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "name" varchar(16) NOT NULL,
                "rank" integer NOT NULL,
                "description" varchar(255),
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_b3c5804c04ee0c3c7080d195c6b" UNIQUE ("tenantId", "rank"),
                CONSTRAINT "UQ_078ede97be459ad1cea370e406c" UNIQUE ("tenantId", "name"),
                CONSTRAINT "FK_c954ae3b1156e075ccd4e9ce3e6" FOREIGN KEY ("tenantId") REFERENCES "tenants" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    // Ranks decide "highest role wins", so a role write must reload cached sync contexts, as writes
    // to groups and group links do (AddTenantSyncVersion). A later rebuild of "roles" must recreate these.
    for (const [event, row] of [
      ['INSERT', 'NEW'],
      ['UPDATE', 'NEW'],
      ['DELETE', 'OLD'],
    ]) {
      await queryRunner.query(`
            CREATE TRIGGER "roles_bump_sync_version_${event.toLowerCase()}" AFTER ${event} ON "roles"
            BEGIN
              UPDATE "tenants" SET "syncVersion" = "syncVersion" + 1 WHERE "id" = ${row}."tenantId";
            END
        `);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const event of ['insert', 'update', 'delete']) {
      await queryRunner.query(`DROP TRIGGER "roles_bump_sync_version_${event}"`);
    }
    await queryRunner.query(`
            DROP TABLE "roles"
        `);
  }
}
