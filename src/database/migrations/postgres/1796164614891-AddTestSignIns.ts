import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddTestSignIns1796164614891 implements MigrationInterface {
  name = 'AddTestSignIns1796164614891';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Written by hand: the email prefix search's index (see the User entity).
    await queryRunner.query(
      `CREATE INDEX "IDX_users_email_prefix" ON "users" ("tenantId", "email" varchar_pattern_ops)`,
    );
    await queryRunner.query(`
            CREATE TABLE "test_sign_ins" (
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "idpId" uuid NOT NULL,
                "tokenHash" character varying(64) NOT NULL,
                "status" character varying(16) NOT NULL,
                "startedBy" character varying(320) NOT NULL,
                "result" jsonb,
                "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "completedAt" TIMESTAMP(3) WITH TIME ZONE,
                "expiresAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "UQ_45e69bbc847497ec15a304eb432" UNIQUE ("tokenHash"),
                CONSTRAINT "PK_51bf01e53f2064f2fa0115a5f1f" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_42ff358a7b43a515f48ef3a859" ON "test_sign_ins" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_93e0392979932a8a46083fcc98" ON "test_sign_ins" ("expiresAt")
        `);
    await queryRunner.query(`
            ALTER TABLE "sso_login_states"
            ADD "testSignInId" uuid
        `);
    await queryRunner.query(`
            ALTER TABLE "test_sign_ins"
            ADD CONSTRAINT "FK_42ff358a7b43a515f48ef3a859f" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "test_sign_ins"
            ADD CONSTRAINT "FK_29737a5b9a7aa47f7daff4ea287" FOREIGN KEY ("idpId") REFERENCES "identity_providers"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_users_email_prefix"`);
    await queryRunner.query(`
            ALTER TABLE "test_sign_ins" DROP CONSTRAINT "FK_29737a5b9a7aa47f7daff4ea287"
        `);
    await queryRunner.query(`
            ALTER TABLE "test_sign_ins" DROP CONSTRAINT "FK_42ff358a7b43a515f48ef3a859f"
        `);
    await queryRunner.query(`
            ALTER TABLE "sso_login_states" DROP COLUMN "testSignInId"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_93e0392979932a8a46083fcc98"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_42ff358a7b43a515f48ef3a859"
        `);
    await queryRunner.query(`
            DROP TABLE "test_sign_ins"
        `);
  }
}
