import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Leavers caught without a sign-in (docs/sync.md, "Leavers"): when a user was last seen (sign-in or
 * SCIM write), the Entra object id a sign-in carried, and when an IdP's scheduled leaver run is due.
 */
export class AddLeavers1796200004001 implements MigrationInterface {
  name = 'AddLeavers1796200004001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD COLUMN "lastSeenAt" datetime`);
    await queryRunner.query(`UPDATE "users" SET "lastSeenAt" = "lastSignInAt"`);
    await queryRunner.query(`ALTER TABLE "identities" ADD COLUMN "objectId" varchar(64)`);
    await queryRunner.query(`ALTER TABLE "identity_providers" ADD COLUMN "leaversNextRunAt" datetime`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "identity_providers" DROP COLUMN "leaversNextRunAt"`);
    await queryRunner.query(`ALTER TABLE "identities" DROP COLUMN "objectId"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "lastSeenAt"`);
  }
}
