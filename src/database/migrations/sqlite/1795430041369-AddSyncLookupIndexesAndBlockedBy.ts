import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddSyncLookupIndexesAndBlockedBy1795430041369 implements MigrationInterface {
  name = 'AddSyncLookupIndexesAndBlockedBy1795430041369';

  // ADD/DROP COLUMN instead of the generated rebuild of "users": renaming that table would rewrite
  // the foreign keys of every table that references it (SQLite >= 3.26).
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_c3f49a5de5e5bf9e3622c95842"`);
    await queryRunner.query(`ALTER TABLE "users" ADD COLUMN "blockedBy" varchar(8)`);
    await queryRunner.query(
      `CREATE INDEX "IDX_0ed046d6df9ef6b34e86ce71cf" ON "memberships" ("tenantId", "userId")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_769bb2f54b4d01b8b12f803b55" ON "scim_user_emails" ("valueKey")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_8454efc1d2954ec28e6f3ad0e9" ON "external_memberships" ("tenantId", "idpId", "userId")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_8454efc1d2954ec28e6f3ad0e9"`);
    await queryRunner.query(`DROP INDEX "IDX_769bb2f54b4d01b8b12f803b55"`);
    await queryRunner.query(`DROP INDEX "IDX_0ed046d6df9ef6b34e86ce71cf"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "blockedBy"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_c3f49a5de5e5bf9e3622c95842" ON "scim_user_emails" ("tenantId", "valueKey")`,
    );
  }
}
