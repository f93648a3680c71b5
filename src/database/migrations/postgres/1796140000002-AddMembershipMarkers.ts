import { MigrationInterface, QueryRunner } from 'typeorm';

/** Grace period (pending removal) and last-owner markers on memberships (issue 15). */
export class AddMembershipMarkers1796140000002 implements MigrationInterface {
  name = 'AddMembershipMarkers1796140000002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "memberships"
                ADD "removalDueAt" TIMESTAMP(3) WITH TIME ZONE,
                ADD "removalIdpId" uuid,
                ADD "removalReason" text,
                ADD "lastOwnerKeptAt" TIMESTAMP(3) WITH TIME ZONE
        `);
    await queryRunner.query(`CREATE INDEX "IDX_memberships_removalDueAt" ON "memberships" ("removalDueAt")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_memberships_removalDueAt"`);
    await queryRunner.query(`
            ALTER TABLE "memberships"
                DROP COLUMN "lastOwnerKeptAt",
                DROP COLUMN "removalReason",
                DROP COLUMN "removalIdpId",
                DROP COLUMN "removalDueAt"
        `);
  }
}
