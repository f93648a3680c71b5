import { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1795419016659 implements MigrationInterface {
  name = 'Init1795419016659';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "tenants" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "slug" varchar(63) NOT NULL,
                "name" varchar(200) NOT NULL,
                "settings" text NOT NULL,
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_2310ecc5cb8be427097154b18fc" UNIQUE ("slug")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "api_keys" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "name" varchar(200) NOT NULL,
                "tokenHash" varchar(64) NOT NULL,
                "tokenPrefix" varchar(16) NOT NULL,
                "createdAt" datetime NOT NULL,
                "lastUsedAt" datetime,
                "revokedAt" datetime,
                CONSTRAINT "UQ_145351578a50e59b090c1c06da6" UNIQUE ("tokenHash")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_2cd545077d6e6e8378b051cf1b" ON "api_keys" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE TABLE "users" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "email" varchar(320) NOT NULL,
                "displayName" varchar(200),
                "isAdmin" boolean NOT NULL,
                "adminSource" varchar(8),
                "status" varchar(16) NOT NULL,
                "lastSignInAt" datetime,
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_7346b08032078107fce81e014f6" UNIQUE ("tenantId", "email")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_c58f7e88c286e5e3478960a998" ON "users" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE TABLE "sessions" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "userId" varchar(36) NOT NULL,
                "idpId" varchar(36),
                "tokenHash" varchar(64) NOT NULL,
                "csrfToken" varchar(64) NOT NULL,
                "createdAt" datetime NOT NULL,
                "expiresAt" datetime NOT NULL,
                "lastSeenAt" datetime NOT NULL,
                CONSTRAINT "UQ_bace6c68efc156fddac9b14bda2" UNIQUE ("tokenHash")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_3c03d45d6b55202b9563107dc6" ON "sessions" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_57de40bc620f456c7311aa3a1e" ON "sessions" ("userId")
        `);
    await queryRunner.query(`
            CREATE TABLE "audit_events" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "createdAt" datetime NOT NULL,
                "actorType" varchar(16) NOT NULL,
                "actorId" varchar(64),
                "actorLabel" varchar(320),
                "action" varchar(64) NOT NULL,
                "targetType" varchar(32) NOT NULL,
                "targetId" varchar(64),
                "userId" varchar(36),
                "before" text,
                "after" text,
                "details" text,
                "correlationId" varchar(64) NOT NULL,
                "ip" varchar(64),
                "userAgent" varchar(512)
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_239026134c7fa8b62eddac6545" ON "audit_events" ("tenantId", "userId", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_550fccac1264926b5f6228991e" ON "audit_events" ("tenantId", "action", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_3919a39966d8e45541a7f3559b" ON "audit_events" ("tenantId", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "groups" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "name" varchar(255) NOT NULL,
                "description" text,
                "parentId" varchar(36),
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_d1becd0f3a66d6ce380296223fc" UNIQUE ("tenantId", "name")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_ca257df4814415f02a6799bce4" ON "groups" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_2dbdff6d03e57660064791a768" ON "groups" ("parentId")
        `);
    await queryRunner.query(`
            CREATE TABLE "identity_providers" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "slug" varchar(63) NOT NULL,
                "name" varchar(200) NOT NULL,
                "type" varchar(8) NOT NULL,
                "enabled" boolean NOT NULL,
                "config" text NOT NULL,
                "secrets" text,
                "groupSync" text NOT NULL,
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_6927284fe8b33b58c8eed14bcb3" UNIQUE ("tenantId", "slug")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_c7cd520aa473592b84ac1af1ee" ON "identity_providers" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE TABLE "group_links" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "groupId" varchar(36) NOT NULL,
                "idpId" varchar(36),
                "idpKey" varchar(36) NOT NULL,
                "externalGroup" varchar(512) NOT NULL,
                "label" varchar(255),
                "role" varchar(16) NOT NULL,
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_5f310e166891a7ecbf9422fc479" UNIQUE ("groupId", "idpKey", "externalGroup")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_3182cf75fde6dca39bc33e6368" ON "group_links" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_f2451f8794083ca3af59cb6416" ON "group_links" ("idpId")
        `);
    await queryRunner.query(`
            CREATE TABLE "memberships" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "userId" varchar(36) NOT NULL,
                "groupId" varchar(36) NOT NULL,
                "role" varchar(16) NOT NULL,
                "source" varchar(8) NOT NULL,
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_1b73e5ee75de28dea0b6172841d" UNIQUE ("userId", "groupId")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_3eed8323a0d00041f74753d411" ON "memberships" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_0cd1858e93877b2ef239d4cf92" ON "memberships" ("groupId")
        `);
    await queryRunner.query(`
            CREATE TABLE "scim_tokens" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "name" varchar(200) NOT NULL,
                "tokenHash" varchar(64) NOT NULL,
                "tokenPrefix" varchar(16) NOT NULL,
                "createdAt" datetime NOT NULL,
                "lastUsedAt" datetime,
                "revokedAt" datetime,
                CONSTRAINT "UQ_d20e705b63146b30c6c6189bf38" UNIQUE ("tokenHash")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_db4aaab161132d7ba7629f7ec0" ON "scim_tokens" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_b074c8f247e2b18853d1f877bc" ON "scim_tokens" ("idpId")
        `);
    await queryRunner.query(`
            CREATE TABLE "external_memberships" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "userId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "externalGroup" varchar(512) NOT NULL,
                "source" varchar(8) NOT NULL,
                "seenAt" datetime NOT NULL,
                CONSTRAINT "UQ_e621e9a979607e5dc1123f35e31" UNIQUE ("userId", "idpId", "source", "externalGroup")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_fa6f85a38dad95dc9b63987961" ON "external_memberships" ("tenantId", "idpId", "externalGroup")
        `);
    await queryRunner.query(`
            CREATE TABLE "identities" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "userId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "externalId" varchar(512) NOT NULL,
                "createdAt" datetime NOT NULL,
                "lastSignInAt" datetime,
                "claimStatus" varchar(8),
                "claimsSeenAt" datetime,
                CONSTRAINT "UQ_df95921c8d349bd46d6816ec51f" UNIQUE ("idpId", "externalId")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_96331bc64584c8c3b390afdd44" ON "identities" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_3144d31adb77f8fdd5aecf28f4" ON "identities" ("userId")
        `);
    await queryRunner.query(`
            CREATE TABLE "system_settings" (
                "key" varchar(64) PRIMARY KEY NOT NULL,
                "value" text NOT NULL,
                "updatedAt" datetime NOT NULL
            )
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_2cd545077d6e6e8378b051cf1b"
        `);
    await queryRunner.query(`
            CREATE TABLE "temporary_api_keys" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "name" varchar(200) NOT NULL,
                "tokenHash" varchar(64) NOT NULL,
                "tokenPrefix" varchar(16) NOT NULL,
                "createdAt" datetime NOT NULL,
                "lastUsedAt" datetime,
                "revokedAt" datetime,
                CONSTRAINT "UQ_145351578a50e59b090c1c06da6" UNIQUE ("tokenHash"),
                CONSTRAINT "FK_2cd545077d6e6e8378b051cf1b7" FOREIGN KEY ("tenantId") REFERENCES "tenants" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`
            INSERT INTO "temporary_api_keys"(
                    "id",
                    "tenantId",
                    "name",
                    "tokenHash",
                    "tokenPrefix",
                    "createdAt",
                    "lastUsedAt",
                    "revokedAt"
                )
            SELECT "id",
                "tenantId",
                "name",
                "tokenHash",
                "tokenPrefix",
                "createdAt",
                "lastUsedAt",
                "revokedAt"
            FROM "api_keys"
        `);
    await queryRunner.query(`
            DROP TABLE "api_keys"
        `);
    await queryRunner.query(`
            ALTER TABLE "temporary_api_keys"
                RENAME TO "api_keys"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_2cd545077d6e6e8378b051cf1b" ON "api_keys" ("tenantId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_c58f7e88c286e5e3478960a998"
        `);
    await queryRunner.query(`
            CREATE TABLE "temporary_users" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "email" varchar(320) NOT NULL,
                "displayName" varchar(200),
                "isAdmin" boolean NOT NULL,
                "adminSource" varchar(8),
                "status" varchar(16) NOT NULL,
                "lastSignInAt" datetime,
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_7346b08032078107fce81e014f6" UNIQUE ("tenantId", "email"),
                CONSTRAINT "FK_c58f7e88c286e5e3478960a998b" FOREIGN KEY ("tenantId") REFERENCES "tenants" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`
            INSERT INTO "temporary_users"(
                    "id",
                    "tenantId",
                    "email",
                    "displayName",
                    "isAdmin",
                    "adminSource",
                    "status",
                    "lastSignInAt",
                    "createdAt",
                    "updatedAt"
                )
            SELECT "id",
                "tenantId",
                "email",
                "displayName",
                "isAdmin",
                "adminSource",
                "status",
                "lastSignInAt",
                "createdAt",
                "updatedAt"
            FROM "users"
        `);
    await queryRunner.query(`
            DROP TABLE "users"
        `);
    await queryRunner.query(`
            ALTER TABLE "temporary_users"
                RENAME TO "users"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_c58f7e88c286e5e3478960a998" ON "users" ("tenantId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_3c03d45d6b55202b9563107dc6"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_57de40bc620f456c7311aa3a1e"
        `);
    await queryRunner.query(`
            CREATE TABLE "temporary_sessions" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "userId" varchar(36) NOT NULL,
                "idpId" varchar(36),
                "tokenHash" varchar(64) NOT NULL,
                "csrfToken" varchar(64) NOT NULL,
                "createdAt" datetime NOT NULL,
                "expiresAt" datetime NOT NULL,
                "lastSeenAt" datetime NOT NULL,
                CONSTRAINT "UQ_bace6c68efc156fddac9b14bda2" UNIQUE ("tokenHash"),
                CONSTRAINT "FK_3c03d45d6b55202b9563107dc68" FOREIGN KEY ("tenantId") REFERENCES "tenants" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_57de40bc620f456c7311aa3a1e6" FOREIGN KEY ("userId") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`
            INSERT INTO "temporary_sessions"(
                    "id",
                    "tenantId",
                    "userId",
                    "idpId",
                    "tokenHash",
                    "csrfToken",
                    "createdAt",
                    "expiresAt",
                    "lastSeenAt"
                )
            SELECT "id",
                "tenantId",
                "userId",
                "idpId",
                "tokenHash",
                "csrfToken",
                "createdAt",
                "expiresAt",
                "lastSeenAt"
            FROM "sessions"
        `);
    await queryRunner.query(`
            DROP TABLE "sessions"
        `);
    await queryRunner.query(`
            ALTER TABLE "temporary_sessions"
                RENAME TO "sessions"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_3c03d45d6b55202b9563107dc6" ON "sessions" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_57de40bc620f456c7311aa3a1e" ON "sessions" ("userId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_ca257df4814415f02a6799bce4"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_2dbdff6d03e57660064791a768"
        `);
    await queryRunner.query(`
            CREATE TABLE "temporary_groups" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "name" varchar(255) NOT NULL,
                "description" text,
                "parentId" varchar(36),
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_d1becd0f3a66d6ce380296223fc" UNIQUE ("tenantId", "name"),
                CONSTRAINT "FK_ca257df4814415f02a6799bce41" FOREIGN KEY ("tenantId") REFERENCES "tenants" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_2dbdff6d03e57660064791a7682" FOREIGN KEY ("parentId") REFERENCES "groups" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`
            INSERT INTO "temporary_groups"(
                    "id",
                    "tenantId",
                    "name",
                    "description",
                    "parentId",
                    "createdAt",
                    "updatedAt"
                )
            SELECT "id",
                "tenantId",
                "name",
                "description",
                "parentId",
                "createdAt",
                "updatedAt"
            FROM "groups"
        `);
    await queryRunner.query(`
            DROP TABLE "groups"
        `);
    await queryRunner.query(`
            ALTER TABLE "temporary_groups"
                RENAME TO "groups"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_ca257df4814415f02a6799bce4" ON "groups" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_2dbdff6d03e57660064791a768" ON "groups" ("parentId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_c7cd520aa473592b84ac1af1ee"
        `);
    await queryRunner.query(`
            CREATE TABLE "temporary_identity_providers" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "slug" varchar(63) NOT NULL,
                "name" varchar(200) NOT NULL,
                "type" varchar(8) NOT NULL,
                "enabled" boolean NOT NULL,
                "config" text NOT NULL,
                "secrets" text,
                "groupSync" text NOT NULL,
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_6927284fe8b33b58c8eed14bcb3" UNIQUE ("tenantId", "slug"),
                CONSTRAINT "FK_c7cd520aa473592b84ac1af1eed" FOREIGN KEY ("tenantId") REFERENCES "tenants" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`
            INSERT INTO "temporary_identity_providers"(
                    "id",
                    "tenantId",
                    "slug",
                    "name",
                    "type",
                    "enabled",
                    "config",
                    "secrets",
                    "groupSync",
                    "createdAt",
                    "updatedAt"
                )
            SELECT "id",
                "tenantId",
                "slug",
                "name",
                "type",
                "enabled",
                "config",
                "secrets",
                "groupSync",
                "createdAt",
                "updatedAt"
            FROM "identity_providers"
        `);
    await queryRunner.query(`
            DROP TABLE "identity_providers"
        `);
    await queryRunner.query(`
            ALTER TABLE "temporary_identity_providers"
                RENAME TO "identity_providers"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_c7cd520aa473592b84ac1af1ee" ON "identity_providers" ("tenantId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_3182cf75fde6dca39bc33e6368"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_f2451f8794083ca3af59cb6416"
        `);
    await queryRunner.query(`
            CREATE TABLE "temporary_group_links" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "groupId" varchar(36) NOT NULL,
                "idpId" varchar(36),
                "idpKey" varchar(36) NOT NULL,
                "externalGroup" varchar(512) NOT NULL,
                "label" varchar(255),
                "role" varchar(16) NOT NULL,
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_5f310e166891a7ecbf9422fc479" UNIQUE ("groupId", "idpKey", "externalGroup"),
                CONSTRAINT "FK_65b464b0d598f848759285401c2" FOREIGN KEY ("groupId") REFERENCES "groups" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_f2451f8794083ca3af59cb64165" FOREIGN KEY ("idpId") REFERENCES "identity_providers" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`
            INSERT INTO "temporary_group_links"(
                    "id",
                    "tenantId",
                    "groupId",
                    "idpId",
                    "idpKey",
                    "externalGroup",
                    "label",
                    "role",
                    "createdAt",
                    "updatedAt"
                )
            SELECT "id",
                "tenantId",
                "groupId",
                "idpId",
                "idpKey",
                "externalGroup",
                "label",
                "role",
                "createdAt",
                "updatedAt"
            FROM "group_links"
        `);
    await queryRunner.query(`
            DROP TABLE "group_links"
        `);
    await queryRunner.query(`
            ALTER TABLE "temporary_group_links"
                RENAME TO "group_links"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_3182cf75fde6dca39bc33e6368" ON "group_links" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_f2451f8794083ca3af59cb6416" ON "group_links" ("idpId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_3eed8323a0d00041f74753d411"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_0cd1858e93877b2ef239d4cf92"
        `);
    await queryRunner.query(`
            CREATE TABLE "temporary_memberships" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "userId" varchar(36) NOT NULL,
                "groupId" varchar(36) NOT NULL,
                "role" varchar(16) NOT NULL,
                "source" varchar(8) NOT NULL,
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_1b73e5ee75de28dea0b6172841d" UNIQUE ("userId", "groupId"),
                CONSTRAINT "FK_187d573e43b2c2aa3960df20b78" FOREIGN KEY ("userId") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_0cd1858e93877b2ef239d4cf92c" FOREIGN KEY ("groupId") REFERENCES "groups" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`
            INSERT INTO "temporary_memberships"(
                    "id",
                    "tenantId",
                    "userId",
                    "groupId",
                    "role",
                    "source",
                    "createdAt",
                    "updatedAt"
                )
            SELECT "id",
                "tenantId",
                "userId",
                "groupId",
                "role",
                "source",
                "createdAt",
                "updatedAt"
            FROM "memberships"
        `);
    await queryRunner.query(`
            DROP TABLE "memberships"
        `);
    await queryRunner.query(`
            ALTER TABLE "temporary_memberships"
                RENAME TO "memberships"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_3eed8323a0d00041f74753d411" ON "memberships" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_0cd1858e93877b2ef239d4cf92" ON "memberships" ("groupId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_db4aaab161132d7ba7629f7ec0"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_b074c8f247e2b18853d1f877bc"
        `);
    await queryRunner.query(`
            CREATE TABLE "temporary_scim_tokens" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "name" varchar(200) NOT NULL,
                "tokenHash" varchar(64) NOT NULL,
                "tokenPrefix" varchar(16) NOT NULL,
                "createdAt" datetime NOT NULL,
                "lastUsedAt" datetime,
                "revokedAt" datetime,
                CONSTRAINT "UQ_d20e705b63146b30c6c6189bf38" UNIQUE ("tokenHash"),
                CONSTRAINT "FK_db4aaab161132d7ba7629f7ec08" FOREIGN KEY ("tenantId") REFERENCES "tenants" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_b074c8f247e2b18853d1f877bcb" FOREIGN KEY ("idpId") REFERENCES "identity_providers" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`
            INSERT INTO "temporary_scim_tokens"(
                    "id",
                    "tenantId",
                    "idpId",
                    "name",
                    "tokenHash",
                    "tokenPrefix",
                    "createdAt",
                    "lastUsedAt",
                    "revokedAt"
                )
            SELECT "id",
                "tenantId",
                "idpId",
                "name",
                "tokenHash",
                "tokenPrefix",
                "createdAt",
                "lastUsedAt",
                "revokedAt"
            FROM "scim_tokens"
        `);
    await queryRunner.query(`
            DROP TABLE "scim_tokens"
        `);
    await queryRunner.query(`
            ALTER TABLE "temporary_scim_tokens"
                RENAME TO "scim_tokens"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_db4aaab161132d7ba7629f7ec0" ON "scim_tokens" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_b074c8f247e2b18853d1f877bc" ON "scim_tokens" ("idpId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_fa6f85a38dad95dc9b63987961"
        `);
    await queryRunner.query(`
            CREATE TABLE "temporary_external_memberships" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "userId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "externalGroup" varchar(512) NOT NULL,
                "source" varchar(8) NOT NULL,
                "seenAt" datetime NOT NULL,
                CONSTRAINT "UQ_e621e9a979607e5dc1123f35e31" UNIQUE ("userId", "idpId", "source", "externalGroup"),
                CONSTRAINT "FK_490ce4a2871719dfd2fafe207a9" FOREIGN KEY ("userId") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_4617f3c48da4d7005d873400a7e" FOREIGN KEY ("idpId") REFERENCES "identity_providers" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`
            INSERT INTO "temporary_external_memberships"(
                    "id",
                    "tenantId",
                    "userId",
                    "idpId",
                    "externalGroup",
                    "source",
                    "seenAt"
                )
            SELECT "id",
                "tenantId",
                "userId",
                "idpId",
                "externalGroup",
                "source",
                "seenAt"
            FROM "external_memberships"
        `);
    await queryRunner.query(`
            DROP TABLE "external_memberships"
        `);
    await queryRunner.query(`
            ALTER TABLE "temporary_external_memberships"
                RENAME TO "external_memberships"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_fa6f85a38dad95dc9b63987961" ON "external_memberships" ("tenantId", "idpId", "externalGroup")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_96331bc64584c8c3b390afdd44"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_3144d31adb77f8fdd5aecf28f4"
        `);
    await queryRunner.query(`
            CREATE TABLE "temporary_identities" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "userId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "externalId" varchar(512) NOT NULL,
                "createdAt" datetime NOT NULL,
                "lastSignInAt" datetime,
                "claimStatus" varchar(8),
                "claimsSeenAt" datetime,
                CONSTRAINT "UQ_df95921c8d349bd46d6816ec51f" UNIQUE ("idpId", "externalId"),
                CONSTRAINT "FK_3144d31adb77f8fdd5aecf28f4a" FOREIGN KEY ("userId") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_181b8013bf12d65cd145d62ca21" FOREIGN KEY ("idpId") REFERENCES "identity_providers" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`
            INSERT INTO "temporary_identities"(
                    "id",
                    "tenantId",
                    "userId",
                    "idpId",
                    "externalId",
                    "createdAt",
                    "lastSignInAt",
                    "claimStatus",
                    "claimsSeenAt"
                )
            SELECT "id",
                "tenantId",
                "userId",
                "idpId",
                "externalId",
                "createdAt",
                "lastSignInAt",
                "claimStatus",
                "claimsSeenAt"
            FROM "identities"
        `);
    await queryRunner.query(`
            DROP TABLE "identities"
        `);
    await queryRunner.query(`
            ALTER TABLE "temporary_identities"
                RENAME TO "identities"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_96331bc64584c8c3b390afdd44" ON "identities" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_3144d31adb77f8fdd5aecf28f4" ON "identities" ("userId")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "IDX_3144d31adb77f8fdd5aecf28f4"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_96331bc64584c8c3b390afdd44"
        `);
    await queryRunner.query(`
            ALTER TABLE "identities"
                RENAME TO "temporary_identities"
        `);
    await queryRunner.query(`
            CREATE TABLE "identities" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "userId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "externalId" varchar(512) NOT NULL,
                "createdAt" datetime NOT NULL,
                "lastSignInAt" datetime,
                "claimStatus" varchar(8),
                "claimsSeenAt" datetime,
                CONSTRAINT "UQ_df95921c8d349bd46d6816ec51f" UNIQUE ("idpId", "externalId")
            )
        `);
    await queryRunner.query(`
            INSERT INTO "identities"(
                    "id",
                    "tenantId",
                    "userId",
                    "idpId",
                    "externalId",
                    "createdAt",
                    "lastSignInAt",
                    "claimStatus",
                    "claimsSeenAt"
                )
            SELECT "id",
                "tenantId",
                "userId",
                "idpId",
                "externalId",
                "createdAt",
                "lastSignInAt",
                "claimStatus",
                "claimsSeenAt"
            FROM "temporary_identities"
        `);
    await queryRunner.query(`
            DROP TABLE "temporary_identities"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_3144d31adb77f8fdd5aecf28f4" ON "identities" ("userId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_96331bc64584c8c3b390afdd44" ON "identities" ("tenantId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_fa6f85a38dad95dc9b63987961"
        `);
    await queryRunner.query(`
            ALTER TABLE "external_memberships"
                RENAME TO "temporary_external_memberships"
        `);
    await queryRunner.query(`
            CREATE TABLE "external_memberships" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "userId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "externalGroup" varchar(512) NOT NULL,
                "source" varchar(8) NOT NULL,
                "seenAt" datetime NOT NULL,
                CONSTRAINT "UQ_e621e9a979607e5dc1123f35e31" UNIQUE ("userId", "idpId", "source", "externalGroup")
            )
        `);
    await queryRunner.query(`
            INSERT INTO "external_memberships"(
                    "id",
                    "tenantId",
                    "userId",
                    "idpId",
                    "externalGroup",
                    "source",
                    "seenAt"
                )
            SELECT "id",
                "tenantId",
                "userId",
                "idpId",
                "externalGroup",
                "source",
                "seenAt"
            FROM "temporary_external_memberships"
        `);
    await queryRunner.query(`
            DROP TABLE "temporary_external_memberships"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_fa6f85a38dad95dc9b63987961" ON "external_memberships" ("tenantId", "idpId", "externalGroup")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_b074c8f247e2b18853d1f877bc"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_db4aaab161132d7ba7629f7ec0"
        `);
    await queryRunner.query(`
            ALTER TABLE "scim_tokens"
                RENAME TO "temporary_scim_tokens"
        `);
    await queryRunner.query(`
            CREATE TABLE "scim_tokens" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "name" varchar(200) NOT NULL,
                "tokenHash" varchar(64) NOT NULL,
                "tokenPrefix" varchar(16) NOT NULL,
                "createdAt" datetime NOT NULL,
                "lastUsedAt" datetime,
                "revokedAt" datetime,
                CONSTRAINT "UQ_d20e705b63146b30c6c6189bf38" UNIQUE ("tokenHash")
            )
        `);
    await queryRunner.query(`
            INSERT INTO "scim_tokens"(
                    "id",
                    "tenantId",
                    "idpId",
                    "name",
                    "tokenHash",
                    "tokenPrefix",
                    "createdAt",
                    "lastUsedAt",
                    "revokedAt"
                )
            SELECT "id",
                "tenantId",
                "idpId",
                "name",
                "tokenHash",
                "tokenPrefix",
                "createdAt",
                "lastUsedAt",
                "revokedAt"
            FROM "temporary_scim_tokens"
        `);
    await queryRunner.query(`
            DROP TABLE "temporary_scim_tokens"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_b074c8f247e2b18853d1f877bc" ON "scim_tokens" ("idpId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_db4aaab161132d7ba7629f7ec0" ON "scim_tokens" ("tenantId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_0cd1858e93877b2ef239d4cf92"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_3eed8323a0d00041f74753d411"
        `);
    await queryRunner.query(`
            ALTER TABLE "memberships"
                RENAME TO "temporary_memberships"
        `);
    await queryRunner.query(`
            CREATE TABLE "memberships" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "userId" varchar(36) NOT NULL,
                "groupId" varchar(36) NOT NULL,
                "role" varchar(16) NOT NULL,
                "source" varchar(8) NOT NULL,
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_1b73e5ee75de28dea0b6172841d" UNIQUE ("userId", "groupId")
            )
        `);
    await queryRunner.query(`
            INSERT INTO "memberships"(
                    "id",
                    "tenantId",
                    "userId",
                    "groupId",
                    "role",
                    "source",
                    "createdAt",
                    "updatedAt"
                )
            SELECT "id",
                "tenantId",
                "userId",
                "groupId",
                "role",
                "source",
                "createdAt",
                "updatedAt"
            FROM "temporary_memberships"
        `);
    await queryRunner.query(`
            DROP TABLE "temporary_memberships"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_0cd1858e93877b2ef239d4cf92" ON "memberships" ("groupId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_3eed8323a0d00041f74753d411" ON "memberships" ("tenantId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_f2451f8794083ca3af59cb6416"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_3182cf75fde6dca39bc33e6368"
        `);
    await queryRunner.query(`
            ALTER TABLE "group_links"
                RENAME TO "temporary_group_links"
        `);
    await queryRunner.query(`
            CREATE TABLE "group_links" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "groupId" varchar(36) NOT NULL,
                "idpId" varchar(36),
                "idpKey" varchar(36) NOT NULL,
                "externalGroup" varchar(512) NOT NULL,
                "label" varchar(255),
                "role" varchar(16) NOT NULL,
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_5f310e166891a7ecbf9422fc479" UNIQUE ("groupId", "idpKey", "externalGroup")
            )
        `);
    await queryRunner.query(`
            INSERT INTO "group_links"(
                    "id",
                    "tenantId",
                    "groupId",
                    "idpId",
                    "idpKey",
                    "externalGroup",
                    "label",
                    "role",
                    "createdAt",
                    "updatedAt"
                )
            SELECT "id",
                "tenantId",
                "groupId",
                "idpId",
                "idpKey",
                "externalGroup",
                "label",
                "role",
                "createdAt",
                "updatedAt"
            FROM "temporary_group_links"
        `);
    await queryRunner.query(`
            DROP TABLE "temporary_group_links"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_f2451f8794083ca3af59cb6416" ON "group_links" ("idpId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_3182cf75fde6dca39bc33e6368" ON "group_links" ("tenantId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_c7cd520aa473592b84ac1af1ee"
        `);
    await queryRunner.query(`
            ALTER TABLE "identity_providers"
                RENAME TO "temporary_identity_providers"
        `);
    await queryRunner.query(`
            CREATE TABLE "identity_providers" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "slug" varchar(63) NOT NULL,
                "name" varchar(200) NOT NULL,
                "type" varchar(8) NOT NULL,
                "enabled" boolean NOT NULL,
                "config" text NOT NULL,
                "secrets" text,
                "groupSync" text NOT NULL,
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_6927284fe8b33b58c8eed14bcb3" UNIQUE ("tenantId", "slug")
            )
        `);
    await queryRunner.query(`
            INSERT INTO "identity_providers"(
                    "id",
                    "tenantId",
                    "slug",
                    "name",
                    "type",
                    "enabled",
                    "config",
                    "secrets",
                    "groupSync",
                    "createdAt",
                    "updatedAt"
                )
            SELECT "id",
                "tenantId",
                "slug",
                "name",
                "type",
                "enabled",
                "config",
                "secrets",
                "groupSync",
                "createdAt",
                "updatedAt"
            FROM "temporary_identity_providers"
        `);
    await queryRunner.query(`
            DROP TABLE "temporary_identity_providers"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_c7cd520aa473592b84ac1af1ee" ON "identity_providers" ("tenantId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_2dbdff6d03e57660064791a768"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_ca257df4814415f02a6799bce4"
        `);
    await queryRunner.query(`
            ALTER TABLE "groups"
                RENAME TO "temporary_groups"
        `);
    await queryRunner.query(`
            CREATE TABLE "groups" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "name" varchar(255) NOT NULL,
                "description" text,
                "parentId" varchar(36),
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_d1becd0f3a66d6ce380296223fc" UNIQUE ("tenantId", "name")
            )
        `);
    await queryRunner.query(`
            INSERT INTO "groups"(
                    "id",
                    "tenantId",
                    "name",
                    "description",
                    "parentId",
                    "createdAt",
                    "updatedAt"
                )
            SELECT "id",
                "tenantId",
                "name",
                "description",
                "parentId",
                "createdAt",
                "updatedAt"
            FROM "temporary_groups"
        `);
    await queryRunner.query(`
            DROP TABLE "temporary_groups"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_2dbdff6d03e57660064791a768" ON "groups" ("parentId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_ca257df4814415f02a6799bce4" ON "groups" ("tenantId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_57de40bc620f456c7311aa3a1e"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_3c03d45d6b55202b9563107dc6"
        `);
    await queryRunner.query(`
            ALTER TABLE "sessions"
                RENAME TO "temporary_sessions"
        `);
    await queryRunner.query(`
            CREATE TABLE "sessions" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "userId" varchar(36) NOT NULL,
                "idpId" varchar(36),
                "tokenHash" varchar(64) NOT NULL,
                "csrfToken" varchar(64) NOT NULL,
                "createdAt" datetime NOT NULL,
                "expiresAt" datetime NOT NULL,
                "lastSeenAt" datetime NOT NULL,
                CONSTRAINT "UQ_bace6c68efc156fddac9b14bda2" UNIQUE ("tokenHash")
            )
        `);
    await queryRunner.query(`
            INSERT INTO "sessions"(
                    "id",
                    "tenantId",
                    "userId",
                    "idpId",
                    "tokenHash",
                    "csrfToken",
                    "createdAt",
                    "expiresAt",
                    "lastSeenAt"
                )
            SELECT "id",
                "tenantId",
                "userId",
                "idpId",
                "tokenHash",
                "csrfToken",
                "createdAt",
                "expiresAt",
                "lastSeenAt"
            FROM "temporary_sessions"
        `);
    await queryRunner.query(`
            DROP TABLE "temporary_sessions"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_57de40bc620f456c7311aa3a1e" ON "sessions" ("userId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_3c03d45d6b55202b9563107dc6" ON "sessions" ("tenantId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_c58f7e88c286e5e3478960a998"
        `);
    await queryRunner.query(`
            ALTER TABLE "users"
                RENAME TO "temporary_users"
        `);
    await queryRunner.query(`
            CREATE TABLE "users" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "email" varchar(320) NOT NULL,
                "displayName" varchar(200),
                "isAdmin" boolean NOT NULL,
                "adminSource" varchar(8),
                "status" varchar(16) NOT NULL,
                "lastSignInAt" datetime,
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "UQ_7346b08032078107fce81e014f6" UNIQUE ("tenantId", "email")
            )
        `);
    await queryRunner.query(`
            INSERT INTO "users"(
                    "id",
                    "tenantId",
                    "email",
                    "displayName",
                    "isAdmin",
                    "adminSource",
                    "status",
                    "lastSignInAt",
                    "createdAt",
                    "updatedAt"
                )
            SELECT "id",
                "tenantId",
                "email",
                "displayName",
                "isAdmin",
                "adminSource",
                "status",
                "lastSignInAt",
                "createdAt",
                "updatedAt"
            FROM "temporary_users"
        `);
    await queryRunner.query(`
            DROP TABLE "temporary_users"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_c58f7e88c286e5e3478960a998" ON "users" ("tenantId")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_2cd545077d6e6e8378b051cf1b"
        `);
    await queryRunner.query(`
            ALTER TABLE "api_keys"
                RENAME TO "temporary_api_keys"
        `);
    await queryRunner.query(`
            CREATE TABLE "api_keys" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "name" varchar(200) NOT NULL,
                "tokenHash" varchar(64) NOT NULL,
                "tokenPrefix" varchar(16) NOT NULL,
                "createdAt" datetime NOT NULL,
                "lastUsedAt" datetime,
                "revokedAt" datetime,
                CONSTRAINT "UQ_145351578a50e59b090c1c06da6" UNIQUE ("tokenHash")
            )
        `);
    await queryRunner.query(`
            INSERT INTO "api_keys"(
                    "id",
                    "tenantId",
                    "name",
                    "tokenHash",
                    "tokenPrefix",
                    "createdAt",
                    "lastUsedAt",
                    "revokedAt"
                )
            SELECT "id",
                "tenantId",
                "name",
                "tokenHash",
                "tokenPrefix",
                "createdAt",
                "lastUsedAt",
                "revokedAt"
            FROM "temporary_api_keys"
        `);
    await queryRunner.query(`
            DROP TABLE "temporary_api_keys"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_2cd545077d6e6e8378b051cf1b" ON "api_keys" ("tenantId")
        `);
    await queryRunner.query(`
            DROP TABLE "system_settings"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_3144d31adb77f8fdd5aecf28f4"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_96331bc64584c8c3b390afdd44"
        `);
    await queryRunner.query(`
            DROP TABLE "identities"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_fa6f85a38dad95dc9b63987961"
        `);
    await queryRunner.query(`
            DROP TABLE "external_memberships"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_b074c8f247e2b18853d1f877bc"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_db4aaab161132d7ba7629f7ec0"
        `);
    await queryRunner.query(`
            DROP TABLE "scim_tokens"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_0cd1858e93877b2ef239d4cf92"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_3eed8323a0d00041f74753d411"
        `);
    await queryRunner.query(`
            DROP TABLE "memberships"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_f2451f8794083ca3af59cb6416"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_3182cf75fde6dca39bc33e6368"
        `);
    await queryRunner.query(`
            DROP TABLE "group_links"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_c7cd520aa473592b84ac1af1ee"
        `);
    await queryRunner.query(`
            DROP TABLE "identity_providers"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_2dbdff6d03e57660064791a768"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_ca257df4814415f02a6799bce4"
        `);
    await queryRunner.query(`
            DROP TABLE "groups"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_3919a39966d8e45541a7f3559b"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_550fccac1264926b5f6228991e"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_239026134c7fa8b62eddac6545"
        `);
    await queryRunner.query(`
            DROP TABLE "audit_events"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_57de40bc620f456c7311aa3a1e"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_3c03d45d6b55202b9563107dc6"
        `);
    await queryRunner.query(`
            DROP TABLE "sessions"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_c58f7e88c286e5e3478960a998"
        `);
    await queryRunner.query(`
            DROP TABLE "users"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_2cd545077d6e6e8378b051cf1b"
        `);
    await queryRunner.query(`
            DROP TABLE "api_keys"
        `);
    await queryRunner.query(`
            DROP TABLE "tenants"
        `);
  }
}
