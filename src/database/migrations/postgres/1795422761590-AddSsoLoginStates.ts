import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddSsoLoginStates1795422761590 implements MigrationInterface {
  name = 'AddSsoLoginStates1795422761590';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "sso_login_states" (
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "idpId" uuid NOT NULL,
                "stateHash" character varying(64) NOT NULL,
                "bindingHash" character varying(64) NOT NULL,
                "nonce" character varying(128) NOT NULL,
                "codeVerifier" character varying(128),
                "returnTo" character varying(2048),
                "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "expiresAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "UQ_0aa152d5b2c435fb63997b0671c" UNIQUE ("stateHash"),
                CONSTRAINT "PK_187f7f6b9c341b10d45c8658a0f" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_f1c8046afa0f101175a095a3aa" ON "sso_login_states" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_ddecb210ae3ad97a0fb583691a" ON "sso_login_states" ("expiresAt")
        `);
    await queryRunner.query(`
            ALTER TABLE "sso_login_states"
            ADD CONSTRAINT "FK_2ffdb3acb001329f09a511e731d" FOREIGN KEY ("idpId") REFERENCES "identity_providers"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "sso_login_states" DROP CONSTRAINT "FK_2ffdb3acb001329f09a511e731d"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_ddecb210ae3ad97a0fb583691a"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_f1c8046afa0f101175a095a3aa"
        `);
    await queryRunner.query(`
            DROP TABLE "sso_login_states"
        `);
  }
}
