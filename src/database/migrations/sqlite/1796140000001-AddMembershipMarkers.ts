import { MigrationInterface, QueryRunner } from 'typeorm';

/** Grace period (pending removal) and last-owner markers on memberships (issue 15). */
export class AddMembershipMarkers1796140000001 implements MigrationInterface {
  name = 'AddMembershipMarkers1796140000001';

  // ADD/DROP COLUMN instead of a rebuild: every column is nullable.
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "memberships" ADD COLUMN "removalDueAt" datetime`);
    await queryRunner.query(`ALTER TABLE "memberships" ADD COLUMN "removalIdpId" varchar(36)`);
    await queryRunner.query(`ALTER TABLE "memberships" ADD COLUMN "removalReason" text`);
    await queryRunner.query(`ALTER TABLE "memberships" ADD COLUMN "lastOwnerKeptAt" datetime`);
    await queryRunner.query(`CREATE INDEX "IDX_memberships_removalDueAt" ON "memberships" ("removalDueAt")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_memberships_removalDueAt"`);
    for (const column of ['lastOwnerKeptAt', 'removalReason', 'removalIdpId', 'removalDueAt'])
      await queryRunner.query(`ALTER TABLE "memberships" DROP COLUMN "${column}"`);
  }
}
