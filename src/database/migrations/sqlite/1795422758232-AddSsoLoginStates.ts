import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddSsoLoginStates1795422758232 implements MigrationInterface {
  name = 'AddSsoLoginStates1795422758232';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "sso_login_states" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "stateHash" varchar(64) NOT NULL,
                "bindingHash" varchar(64) NOT NULL,
                "nonce" varchar(128) NOT NULL,
                "codeVerifier" varchar(128),
                "returnTo" varchar(2048),
                "createdAt" datetime NOT NULL,
                "expiresAt" datetime NOT NULL,
                CONSTRAINT "UQ_0aa152d5b2c435fb63997b0671c" UNIQUE ("stateHash")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_f1c8046afa0f101175a095a3aa" ON "sso_login_states" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_ddecb210ae3ad97a0fb583691a" ON "sso_login_states" ("expiresAt")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_f1c8046afa0f101175a095a3aa"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_ddecb210ae3ad97a0fb583691a"
        `);
    await queryRunner.query(`
            CREATE TABLE "temporary_sso_login_states" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "stateHash" varchar(64) NOT NULL,
                "bindingHash" varchar(64) NOT NULL,
                "nonce" varchar(128) NOT NULL,
                "codeVerifier" varchar(128),
                "returnTo" varchar(2048),
                "createdAt" datetime NOT NULL,
                "expiresAt" datetime NOT NULL,
                CONSTRAINT "UQ_0aa152d5b2c435fb63997b0671c" UNIQUE ("stateHash"),
                CONSTRAINT "FK_2ffdb3acb001329f09a511e731d" FOREIGN KEY ("idpId") REFERENCES "identity_providers" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`
            INSERT INTO "temporary_sso_login_states"(
                    "id",
                    "tenantId",
                    "idpId",
                    "stateHash",
                    "bindingHash",
                    "nonce",
                    "codeVerifier",
                    "returnTo",
                    "createdAt",
                    "expiresAt"
                )
            SELECT "id",
                "tenantId",
                "idpId",
                "stateHash",
                "bindingHash",
                "nonce",
                "codeVerifier",
                "returnTo",
                "createdAt",
                "expiresAt"
            FROM "sso_login_states"
        `);
    await queryRunner.query(`
            DROP TABLE "sso_login_states"
        `);
    await queryRunner.query(`
            ALTER TABLE "temporary_sso_login_states"
                RENAME TO "sso_login_states"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_f1c8046afa0f101175a095a3aa" ON "sso_login_states" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_ddecb210ae3ad97a0fb583691a" ON "sso_login_states" ("expiresAt")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "IDX_ddecb210ae3ad97a0fb583691a"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_f1c8046afa0f101175a095a3aa"
        `);
    await queryRunner.query(`
            ALTER TABLE "sso_login_states"
                RENAME TO "temporary_sso_login_states"
        `);
    await queryRunner.query(`
            CREATE TABLE "sso_login_states" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "stateHash" varchar(64) NOT NULL,
                "bindingHash" varchar(64) NOT NULL,
                "nonce" varchar(128) NOT NULL,
                "codeVerifier" varchar(128),
                "returnTo" varchar(2048),
                "createdAt" datetime NOT NULL,
                "expiresAt" datetime NOT NULL,
                CONSTRAINT "UQ_0aa152d5b2c435fb63997b0671c" UNIQUE ("stateHash")
            )
        `);
    await queryRunner.query(`
            INSERT INTO "sso_login_states"(
                    "id",
                    "tenantId",
                    "idpId",
                    "stateHash",
                    "bindingHash",
                    "nonce",
                    "codeVerifier",
                    "returnTo",
                    "createdAt",
                    "expiresAt"
                )
            SELECT "id",
                "tenantId",
                "idpId",
                "stateHash",
                "bindingHash",
                "nonce",
                "codeVerifier",
                "returnTo",
                "createdAt",
                "expiresAt"
            FROM "temporary_sso_login_states"
        `);
    await queryRunner.query(`
            DROP TABLE "temporary_sso_login_states"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_ddecb210ae3ad97a0fb583691a" ON "sso_login_states" ("expiresAt")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_f1c8046afa0f101175a095a3aa" ON "sso_login_states" ("tenantId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_ddecb210ae3ad97a0fb583691a"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_f1c8046afa0f101175a095a3aa"
        `);
    await queryRunner.query(`
            DROP TABLE "sso_login_states"
        `);
  }
}
