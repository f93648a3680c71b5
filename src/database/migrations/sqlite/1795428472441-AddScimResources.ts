import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddScimResources1795428472441 implements MigrationInterface {
  name = 'AddScimResources1795428472441';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "scim_groups" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "displayName" varchar(512) NOT NULL,
                "displayNameKey" varchar(512) NOT NULL,
                "externalId" varchar(512),
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_bed67c48b07729443e7378d8fd8" UNIQUE ("idpId", "displayNameKey")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_621bc4e063b168f7d5d92b8c08" ON "scim_groups" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_c3cb8e260865826a19c740eb0f" ON "scim_groups" ("idpId", "externalId")
        `);
    await queryRunner.query(`
            CREATE TABLE "scim_group_members" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "scimGroupId" varchar(36) NOT NULL,
                "userId" varchar(36) NOT NULL,
                CONSTRAINT "UQ_63254f07f2e22f3938dbff7b264" UNIQUE ("scimGroupId", "userId")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_f5a6e05cac0d928be978454a45" ON "scim_group_members" ("userId")
        `);
    await queryRunner.query(`
            CREATE TABLE "scim_users" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "userId" varchar(36) NOT NULL,
                "userName" varchar(512) NOT NULL,
                "userNameKey" varchar(512) NOT NULL,
                "externalId" varchar(512),
                "displayName" varchar(512),
                "givenName" varchar(255),
                "familyName" varchar(255),
                "employeeNumber" varchar(255),
                "active" boolean NOT NULL,
                "resource" text NOT NULL,
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_9a7dde367bd29f8a4409024e718" UNIQUE ("idpId", "userId"),
                CONSTRAINT "UQ_4428662e713c533cce06354ab93" UNIQUE ("idpId", "userNameKey")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_a3155f40d5440a16a3ef89d882" ON "scim_users" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_6b6ae1e31389e0ea2209cf54b4" ON "scim_users" ("userId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_dab49a4cd5c1f509aff9daf5fe" ON "scim_users" ("idpId", "externalId")
        `);
    await queryRunner.query(`
            CREATE TABLE "scim_user_emails" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "scimUserId" varchar(36) NOT NULL,
                "valueKey" varchar(320) NOT NULL,
                "type" varchar(32),
                "primary" boolean NOT NULL
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_381a915d02086ba29c64af6da8" ON "scim_user_emails" ("scimUserId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_c3f49a5de5e5bf9e3622c95842" ON "scim_user_emails" ("tenantId", "valueKey")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_621bc4e063b168f7d5d92b8c08"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_c3cb8e260865826a19c740eb0f"
        `);
    await queryRunner.query(`
            CREATE TABLE "temporary_scim_groups" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "displayName" varchar(512) NOT NULL,
                "displayNameKey" varchar(512) NOT NULL,
                "externalId" varchar(512),
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_bed67c48b07729443e7378d8fd8" UNIQUE ("idpId", "displayNameKey"),
                CONSTRAINT "FK_50b113e22998f3f5899fc70acf5" FOREIGN KEY ("idpId") REFERENCES "identity_providers" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`
            INSERT INTO "temporary_scim_groups"(
                    "id",
                    "tenantId",
                    "idpId",
                    "displayName",
                    "displayNameKey",
                    "externalId",
                    "createdAt",
                    "updatedAt"
                )
            SELECT "id",
                "tenantId",
                "idpId",
                "displayName",
                "displayNameKey",
                "externalId",
                "createdAt",
                "updatedAt"
            FROM "scim_groups"
        `);
    await queryRunner.query(`
            DROP TABLE "scim_groups"
        `);
    await queryRunner.query(`
            ALTER TABLE "temporary_scim_groups"
                RENAME TO "scim_groups"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_621bc4e063b168f7d5d92b8c08" ON "scim_groups" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_c3cb8e260865826a19c740eb0f" ON "scim_groups" ("idpId", "externalId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_f5a6e05cac0d928be978454a45"
        `);
    await queryRunner.query(`
            CREATE TABLE "temporary_scim_group_members" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "scimGroupId" varchar(36) NOT NULL,
                "userId" varchar(36) NOT NULL,
                CONSTRAINT "UQ_63254f07f2e22f3938dbff7b264" UNIQUE ("scimGroupId", "userId"),
                CONSTRAINT "FK_1e303362d6ec75f1eb2d94b6dcb" FOREIGN KEY ("scimGroupId") REFERENCES "scim_groups" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_f5a6e05cac0d928be978454a452" FOREIGN KEY ("userId") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`
            INSERT INTO "temporary_scim_group_members"("id", "tenantId", "scimGroupId", "userId")
            SELECT "id",
                "tenantId",
                "scimGroupId",
                "userId"
            FROM "scim_group_members"
        `);
    await queryRunner.query(`
            DROP TABLE "scim_group_members"
        `);
    await queryRunner.query(`
            ALTER TABLE "temporary_scim_group_members"
                RENAME TO "scim_group_members"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_f5a6e05cac0d928be978454a45" ON "scim_group_members" ("userId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_a3155f40d5440a16a3ef89d882"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_6b6ae1e31389e0ea2209cf54b4"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_dab49a4cd5c1f509aff9daf5fe"
        `);
    await queryRunner.query(`
            CREATE TABLE "temporary_scim_users" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "userId" varchar(36) NOT NULL,
                "userName" varchar(512) NOT NULL,
                "userNameKey" varchar(512) NOT NULL,
                "externalId" varchar(512),
                "displayName" varchar(512),
                "givenName" varchar(255),
                "familyName" varchar(255),
                "employeeNumber" varchar(255),
                "active" boolean NOT NULL,
                "resource" text NOT NULL,
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_9a7dde367bd29f8a4409024e718" UNIQUE ("idpId", "userId"),
                CONSTRAINT "UQ_4428662e713c533cce06354ab93" UNIQUE ("idpId", "userNameKey"),
                CONSTRAINT "FK_0e992bb1984aa85f5b5640e3311" FOREIGN KEY ("idpId") REFERENCES "identity_providers" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_6b6ae1e31389e0ea2209cf54b41" FOREIGN KEY ("userId") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`
            INSERT INTO "temporary_scim_users"(
                    "id",
                    "tenantId",
                    "idpId",
                    "userId",
                    "userName",
                    "userNameKey",
                    "externalId",
                    "displayName",
                    "givenName",
                    "familyName",
                    "employeeNumber",
                    "active",
                    "resource",
                    "createdAt",
                    "updatedAt"
                )
            SELECT "id",
                "tenantId",
                "idpId",
                "userId",
                "userName",
                "userNameKey",
                "externalId",
                "displayName",
                "givenName",
                "familyName",
                "employeeNumber",
                "active",
                "resource",
                "createdAt",
                "updatedAt"
            FROM "scim_users"
        `);
    await queryRunner.query(`
            DROP TABLE "scim_users"
        `);
    await queryRunner.query(`
            ALTER TABLE "temporary_scim_users"
                RENAME TO "scim_users"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_a3155f40d5440a16a3ef89d882" ON "scim_users" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_6b6ae1e31389e0ea2209cf54b4" ON "scim_users" ("userId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_dab49a4cd5c1f509aff9daf5fe" ON "scim_users" ("idpId", "externalId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_381a915d02086ba29c64af6da8"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_c3f49a5de5e5bf9e3622c95842"
        `);
    await queryRunner.query(`
            CREATE TABLE "temporary_scim_user_emails" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "scimUserId" varchar(36) NOT NULL,
                "valueKey" varchar(320) NOT NULL,
                "type" varchar(32),
                "primary" boolean NOT NULL,
                CONSTRAINT "FK_381a915d02086ba29c64af6da8a" FOREIGN KEY ("scimUserId") REFERENCES "scim_users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`
            INSERT INTO "temporary_scim_user_emails"(
                    "id",
                    "tenantId",
                    "scimUserId",
                    "valueKey",
                    "type",
                    "primary"
                )
            SELECT "id",
                "tenantId",
                "scimUserId",
                "valueKey",
                "type",
                "primary"
            FROM "scim_user_emails"
        `);
    await queryRunner.query(`
            DROP TABLE "scim_user_emails"
        `);
    await queryRunner.query(`
            ALTER TABLE "temporary_scim_user_emails"
                RENAME TO "scim_user_emails"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_381a915d02086ba29c64af6da8" ON "scim_user_emails" ("scimUserId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_c3f49a5de5e5bf9e3622c95842" ON "scim_user_emails" ("tenantId", "valueKey")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "IDX_c3f49a5de5e5bf9e3622c95842"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_381a915d02086ba29c64af6da8"
        `);
    await queryRunner.query(`
            ALTER TABLE "scim_user_emails"
                RENAME TO "temporary_scim_user_emails"
        `);
    await queryRunner.query(`
            CREATE TABLE "scim_user_emails" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "scimUserId" varchar(36) NOT NULL,
                "valueKey" varchar(320) NOT NULL,
                "type" varchar(32),
                "primary" boolean NOT NULL
            )
        `);
    await queryRunner.query(`
            INSERT INTO "scim_user_emails"(
                    "id",
                    "tenantId",
                    "scimUserId",
                    "valueKey",
                    "type",
                    "primary"
                )
            SELECT "id",
                "tenantId",
                "scimUserId",
                "valueKey",
                "type",
                "primary"
            FROM "temporary_scim_user_emails"
        `);
    await queryRunner.query(`
            DROP TABLE "temporary_scim_user_emails"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_c3f49a5de5e5bf9e3622c95842" ON "scim_user_emails" ("tenantId", "valueKey")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_381a915d02086ba29c64af6da8" ON "scim_user_emails" ("scimUserId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_dab49a4cd5c1f509aff9daf5fe"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_6b6ae1e31389e0ea2209cf54b4"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_a3155f40d5440a16a3ef89d882"
        `);
    await queryRunner.query(`
            ALTER TABLE "scim_users"
                RENAME TO "temporary_scim_users"
        `);
    await queryRunner.query(`
            CREATE TABLE "scim_users" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "userId" varchar(36) NOT NULL,
                "userName" varchar(512) NOT NULL,
                "userNameKey" varchar(512) NOT NULL,
                "externalId" varchar(512),
                "displayName" varchar(512),
                "givenName" varchar(255),
                "familyName" varchar(255),
                "employeeNumber" varchar(255),
                "active" boolean NOT NULL,
                "resource" text NOT NULL,
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_9a7dde367bd29f8a4409024e718" UNIQUE ("idpId", "userId"),
                CONSTRAINT "UQ_4428662e713c533cce06354ab93" UNIQUE ("idpId", "userNameKey")
            )
        `);
    await queryRunner.query(`
            INSERT INTO "scim_users"(
                    "id",
                    "tenantId",
                    "idpId",
                    "userId",
                    "userName",
                    "userNameKey",
                    "externalId",
                    "displayName",
                    "givenName",
                    "familyName",
                    "employeeNumber",
                    "active",
                    "resource",
                    "createdAt",
                    "updatedAt"
                )
            SELECT "id",
                "tenantId",
                "idpId",
                "userId",
                "userName",
                "userNameKey",
                "externalId",
                "displayName",
                "givenName",
                "familyName",
                "employeeNumber",
                "active",
                "resource",
                "createdAt",
                "updatedAt"
            FROM "temporary_scim_users"
        `);
    await queryRunner.query(`
            DROP TABLE "temporary_scim_users"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_dab49a4cd5c1f509aff9daf5fe" ON "scim_users" ("idpId", "externalId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_6b6ae1e31389e0ea2209cf54b4" ON "scim_users" ("userId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_a3155f40d5440a16a3ef89d882" ON "scim_users" ("tenantId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_f5a6e05cac0d928be978454a45"
        `);
    await queryRunner.query(`
            ALTER TABLE "scim_group_members"
                RENAME TO "temporary_scim_group_members"
        `);
    await queryRunner.query(`
            CREATE TABLE "scim_group_members" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "scimGroupId" varchar(36) NOT NULL,
                "userId" varchar(36) NOT NULL,
                CONSTRAINT "UQ_63254f07f2e22f3938dbff7b264" UNIQUE ("scimGroupId", "userId")
            )
        `);
    await queryRunner.query(`
            INSERT INTO "scim_group_members"("id", "tenantId", "scimGroupId", "userId")
            SELECT "id",
                "tenantId",
                "scimGroupId",
                "userId"
            FROM "temporary_scim_group_members"
        `);
    await queryRunner.query(`
            DROP TABLE "temporary_scim_group_members"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_f5a6e05cac0d928be978454a45" ON "scim_group_members" ("userId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_c3cb8e260865826a19c740eb0f"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_621bc4e063b168f7d5d92b8c08"
        `);
    await queryRunner.query(`
            ALTER TABLE "scim_groups"
                RENAME TO "temporary_scim_groups"
        `);
    await queryRunner.query(`
            CREATE TABLE "scim_groups" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "displayName" varchar(512) NOT NULL,
                "displayNameKey" varchar(512) NOT NULL,
                "externalId" varchar(512),
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_bed67c48b07729443e7378d8fd8" UNIQUE ("idpId", "displayNameKey")
            )
        `);
    await queryRunner.query(`
            INSERT INTO "scim_groups"(
                    "id",
                    "tenantId",
                    "idpId",
                    "displayName",
                    "displayNameKey",
                    "externalId",
                    "createdAt",
                    "updatedAt"
                )
            SELECT "id",
                "tenantId",
                "idpId",
                "displayName",
                "displayNameKey",
                "externalId",
                "createdAt",
                "updatedAt"
            FROM "temporary_scim_groups"
        `);
    await queryRunner.query(`
            DROP TABLE "temporary_scim_groups"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_c3cb8e260865826a19c740eb0f" ON "scim_groups" ("idpId", "externalId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_621bc4e063b168f7d5d92b8c08" ON "scim_groups" ("tenantId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_c3f49a5de5e5bf9e3622c95842"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_381a915d02086ba29c64af6da8"
        `);
    await queryRunner.query(`
            DROP TABLE "scim_user_emails"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_dab49a4cd5c1f509aff9daf5fe"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_6b6ae1e31389e0ea2209cf54b4"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_a3155f40d5440a16a3ef89d882"
        `);
    await queryRunner.query(`
            DROP TABLE "scim_users"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_f5a6e05cac0d928be978454a45"
        `);
    await queryRunner.query(`
            DROP TABLE "scim_group_members"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_c3cb8e260865826a19c740eb0f"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_621bc4e063b168f7d5d92b8c08"
        `);
    await queryRunner.query(`
            DROP TABLE "scim_groups"
        `);
  }
}
