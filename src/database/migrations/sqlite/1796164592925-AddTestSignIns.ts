import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddTestSignIns1796164592925 implements MigrationInterface {
  name = 'AddTestSignIns1796164592925';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Written by hand: the email prefix search's index (see the User entity).
    await queryRunner.query(`CREATE INDEX "IDX_users_email_prefix" ON "users" ("tenantId", "email")`);
    await queryRunner.query(`
            CREATE TABLE "test_sign_ins" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "tokenHash" varchar(64) NOT NULL,
                "status" varchar(16) NOT NULL,
                "startedBy" varchar(320) NOT NULL,
                "result" text,
                "createdAt" datetime NOT NULL,
                "completedAt" datetime,
                "expiresAt" datetime NOT NULL,
                CONSTRAINT "UQ_45e69bbc847497ec15a304eb432" UNIQUE ("tokenHash")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_42ff358a7b43a515f48ef3a859" ON "test_sign_ins" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_93e0392979932a8a46083fcc98" ON "test_sign_ins" ("expiresAt")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_ddecb210ae3ad97a0fb583691a"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_f1c8046afa0f101175a095a3aa"
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
                "testSignInId" varchar(36),
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
            CREATE INDEX "IDX_ddecb210ae3ad97a0fb583691a" ON "sso_login_states" ("expiresAt")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_f1c8046afa0f101175a095a3aa" ON "sso_login_states" ("tenantId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_42ff358a7b43a515f48ef3a859"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_93e0392979932a8a46083fcc98"
        `);
    await queryRunner.query(`
            CREATE TABLE "temporary_test_sign_ins" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "tokenHash" varchar(64) NOT NULL,
                "status" varchar(16) NOT NULL,
                "startedBy" varchar(320) NOT NULL,
                "result" text,
                "createdAt" datetime NOT NULL,
                "completedAt" datetime,
                "expiresAt" datetime NOT NULL,
                CONSTRAINT "UQ_45e69bbc847497ec15a304eb432" UNIQUE ("tokenHash"),
                CONSTRAINT "FK_42ff358a7b43a515f48ef3a859f" FOREIGN KEY ("tenantId") REFERENCES "tenants" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_29737a5b9a7aa47f7daff4ea287" FOREIGN KEY ("idpId") REFERENCES "identity_providers" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`
            INSERT INTO "temporary_test_sign_ins"(
                    "id",
                    "tenantId",
                    "idpId",
                    "tokenHash",
                    "status",
                    "startedBy",
                    "result",
                    "createdAt",
                    "completedAt",
                    "expiresAt"
                )
            SELECT "id",
                "tenantId",
                "idpId",
                "tokenHash",
                "status",
                "startedBy",
                "result",
                "createdAt",
                "completedAt",
                "expiresAt"
            FROM "test_sign_ins"
        `);
    await queryRunner.query(`
            DROP TABLE "test_sign_ins"
        `);
    await queryRunner.query(`
            ALTER TABLE "temporary_test_sign_ins"
                RENAME TO "test_sign_ins"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_42ff358a7b43a515f48ef3a859" ON "test_sign_ins" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_93e0392979932a8a46083fcc98" ON "test_sign_ins" ("expiresAt")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_users_email_prefix"`);
    await queryRunner.query(`
            DROP INDEX "IDX_93e0392979932a8a46083fcc98"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_42ff358a7b43a515f48ef3a859"
        `);
    await queryRunner.query(`
            ALTER TABLE "test_sign_ins"
                RENAME TO "temporary_test_sign_ins"
        `);
    await queryRunner.query(`
            CREATE TABLE "test_sign_ins" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "tokenHash" varchar(64) NOT NULL,
                "status" varchar(16) NOT NULL,
                "startedBy" varchar(320) NOT NULL,
                "result" text,
                "createdAt" datetime NOT NULL,
                "completedAt" datetime,
                "expiresAt" datetime NOT NULL,
                CONSTRAINT "UQ_45e69bbc847497ec15a304eb432" UNIQUE ("tokenHash")
            )
        `);
    await queryRunner.query(`
            INSERT INTO "test_sign_ins"(
                    "id",
                    "tenantId",
                    "idpId",
                    "tokenHash",
                    "status",
                    "startedBy",
                    "result",
                    "createdAt",
                    "completedAt",
                    "expiresAt"
                )
            SELECT "id",
                "tenantId",
                "idpId",
                "tokenHash",
                "status",
                "startedBy",
                "result",
                "createdAt",
                "completedAt",
                "expiresAt"
            FROM "temporary_test_sign_ins"
        `);
    await queryRunner.query(`
            DROP TABLE "temporary_test_sign_ins"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_93e0392979932a8a46083fcc98" ON "test_sign_ins" ("expiresAt")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_42ff358a7b43a515f48ef3a859" ON "test_sign_ins" ("tenantId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_f1c8046afa0f101175a095a3aa"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_ddecb210ae3ad97a0fb583691a"
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
                CONSTRAINT "UQ_0aa152d5b2c435fb63997b0671c" UNIQUE ("stateHash"),
                CONSTRAINT "FK_2ffdb3acb001329f09a511e731d" FOREIGN KEY ("idpId") REFERENCES "identity_providers" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
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
            CREATE INDEX "IDX_f1c8046afa0f101175a095a3aa" ON "sso_login_states" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_ddecb210ae3ad97a0fb583691a" ON "sso_login_states" ("expiresAt")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_93e0392979932a8a46083fcc98"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_42ff358a7b43a515f48ef3a859"
        `);
    await queryRunner.query(`
            DROP TABLE "test_sign_ins"
        `);
  }
}
