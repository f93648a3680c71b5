import { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1795419025182 implements MigrationInterface {
  name = 'Init1795419025182';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "tenants" (
                "id" uuid NOT NULL,
                "slug" character varying(63) NOT NULL,
                "name" character varying(200) NOT NULL,
                "settings" jsonb NOT NULL,
                "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "updatedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "UQ_2310ecc5cb8be427097154b18fc" UNIQUE ("slug"),
                CONSTRAINT "PK_53be67a04681c66b87ee27c9321" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "api_keys" (
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "name" character varying(200) NOT NULL,
                "tokenHash" character varying(64) NOT NULL,
                "tokenPrefix" character varying(16) NOT NULL,
                "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "lastUsedAt" TIMESTAMP(3) WITH TIME ZONE,
                "revokedAt" TIMESTAMP(3) WITH TIME ZONE,
                CONSTRAINT "UQ_145351578a50e59b090c1c06da6" UNIQUE ("tokenHash"),
                CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_2cd545077d6e6e8378b051cf1b" ON "api_keys" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE TABLE "users" (
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "email" character varying(320) NOT NULL,
                "displayName" character varying(200),
                "isAdmin" boolean NOT NULL,
                "adminSource" character varying(8),
                "status" character varying(16) NOT NULL,
                "lastSignInAt" TIMESTAMP(3) WITH TIME ZONE,
                "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "updatedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "UQ_7346b08032078107fce81e014f6" UNIQUE ("tenantId", "email"),
                CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_c58f7e88c286e5e3478960a998" ON "users" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE TABLE "sessions" (
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "userId" uuid NOT NULL,
                "idpId" uuid,
                "tokenHash" character varying(64) NOT NULL,
                "csrfToken" character varying(64) NOT NULL,
                "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "expiresAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "lastSeenAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "UQ_bace6c68efc156fddac9b14bda2" UNIQUE ("tokenHash"),
                CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id")
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
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "actorType" character varying(16) NOT NULL,
                "actorId" character varying(64),
                "actorLabel" character varying(320),
                "action" character varying(64) NOT NULL,
                "targetType" character varying(32) NOT NULL,
                "targetId" character varying(64),
                "userId" uuid,
                "before" jsonb,
                "after" jsonb,
                "details" jsonb,
                "correlationId" character varying(64) NOT NULL,
                "ip" character varying(64),
                "userAgent" character varying(512),
                CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id")
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
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "name" character varying(255) NOT NULL,
                "description" text,
                "parentId" uuid,
                "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "updatedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "UQ_d1becd0f3a66d6ce380296223fc" UNIQUE ("tenantId", "name"),
                CONSTRAINT "PK_659d1483316afb28afd3a90646e" PRIMARY KEY ("id")
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
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "slug" character varying(63) NOT NULL,
                "name" character varying(200) NOT NULL,
                "type" character varying(8) NOT NULL,
                "enabled" boolean NOT NULL,
                "config" jsonb NOT NULL,
                "secrets" text,
                "groupSync" jsonb NOT NULL,
                "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "updatedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "UQ_6927284fe8b33b58c8eed14bcb3" UNIQUE ("tenantId", "slug"),
                CONSTRAINT "PK_3ac9e77e3690c03f7f25579c8e0" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_c7cd520aa473592b84ac1af1ee" ON "identity_providers" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE TABLE "group_links" (
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "groupId" uuid NOT NULL,
                "idpId" uuid,
                "idpKey" character varying(36) NOT NULL,
                "externalGroup" character varying(512) NOT NULL,
                "label" character varying(255),
                "role" character varying(16) NOT NULL,
                "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "updatedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "UQ_5f310e166891a7ecbf9422fc479" UNIQUE ("groupId", "idpKey", "externalGroup"),
                CONSTRAINT "PK_256bf779909ba18ca755bdbd91a" PRIMARY KEY ("id")
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
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "userId" uuid NOT NULL,
                "groupId" uuid NOT NULL,
                "role" character varying(16) NOT NULL,
                "source" character varying(8) NOT NULL,
                "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "updatedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "UQ_1b73e5ee75de28dea0b6172841d" UNIQUE ("userId", "groupId"),
                CONSTRAINT "PK_25d28bd932097a9e90495ede7b4" PRIMARY KEY ("id")
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
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "idpId" uuid NOT NULL,
                "name" character varying(200) NOT NULL,
                "tokenHash" character varying(64) NOT NULL,
                "tokenPrefix" character varying(16) NOT NULL,
                "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "lastUsedAt" TIMESTAMP(3) WITH TIME ZONE,
                "revokedAt" TIMESTAMP(3) WITH TIME ZONE,
                CONSTRAINT "UQ_d20e705b63146b30c6c6189bf38" UNIQUE ("tokenHash"),
                CONSTRAINT "PK_5e368798dfa88b0d9fb185e8901" PRIMARY KEY ("id")
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
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "userId" uuid NOT NULL,
                "idpId" uuid NOT NULL,
                "externalGroup" character varying(512) NOT NULL,
                "source" character varying(8) NOT NULL,
                "seenAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "UQ_e621e9a979607e5dc1123f35e31" UNIQUE ("userId", "idpId", "source", "externalGroup"),
                CONSTRAINT "PK_db0b1f00c1fa7f0c55b3865efc2" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_fa6f85a38dad95dc9b63987961" ON "external_memberships" ("tenantId", "idpId", "externalGroup")
        `);
    await queryRunner.query(`
            CREATE TABLE "identities" (
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "userId" uuid NOT NULL,
                "idpId" uuid NOT NULL,
                "externalId" character varying(512) NOT NULL,
                "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "lastSignInAt" TIMESTAMP(3) WITH TIME ZONE,
                "claimStatus" character varying(8),
                "claimsSeenAt" TIMESTAMP(3) WITH TIME ZONE,
                CONSTRAINT "UQ_df95921c8d349bd46d6816ec51f" UNIQUE ("idpId", "externalId"),
                CONSTRAINT "PK_7b2f8cccf4ac6a2d7e6e9e8b1f6" PRIMARY KEY ("id")
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
                "key" character varying(64) NOT NULL,
                "value" text NOT NULL,
                "updatedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_b1b5bc664526d375c94ce9ad43d" PRIMARY KEY ("key")
            )
        `);
    await queryRunner.query(`
            ALTER TABLE "api_keys"
            ADD CONSTRAINT "FK_2cd545077d6e6e8378b051cf1b7" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "users"
            ADD CONSTRAINT "FK_c58f7e88c286e5e3478960a998b" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "sessions"
            ADD CONSTRAINT "FK_3c03d45d6b55202b9563107dc68" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "sessions"
            ADD CONSTRAINT "FK_57de40bc620f456c7311aa3a1e6" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "groups"
            ADD CONSTRAINT "FK_ca257df4814415f02a6799bce41" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "groups"
            ADD CONSTRAINT "FK_2dbdff6d03e57660064791a7682" FOREIGN KEY ("parentId") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "identity_providers"
            ADD CONSTRAINT "FK_c7cd520aa473592b84ac1af1eed" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "group_links"
            ADD CONSTRAINT "FK_65b464b0d598f848759285401c2" FOREIGN KEY ("groupId") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "group_links"
            ADD CONSTRAINT "FK_f2451f8794083ca3af59cb64165" FOREIGN KEY ("idpId") REFERENCES "identity_providers"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "memberships"
            ADD CONSTRAINT "FK_187d573e43b2c2aa3960df20b78" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "memberships"
            ADD CONSTRAINT "FK_0cd1858e93877b2ef239d4cf92c" FOREIGN KEY ("groupId") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "scim_tokens"
            ADD CONSTRAINT "FK_db4aaab161132d7ba7629f7ec08" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "scim_tokens"
            ADD CONSTRAINT "FK_b074c8f247e2b18853d1f877bcb" FOREIGN KEY ("idpId") REFERENCES "identity_providers"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "external_memberships"
            ADD CONSTRAINT "FK_490ce4a2871719dfd2fafe207a9" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "external_memberships"
            ADD CONSTRAINT "FK_4617f3c48da4d7005d873400a7e" FOREIGN KEY ("idpId") REFERENCES "identity_providers"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "identities"
            ADD CONSTRAINT "FK_3144d31adb77f8fdd5aecf28f4a" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "identities"
            ADD CONSTRAINT "FK_181b8013bf12d65cd145d62ca21" FOREIGN KEY ("idpId") REFERENCES "identity_providers"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "identities" DROP CONSTRAINT "FK_181b8013bf12d65cd145d62ca21"
        `);
    await queryRunner.query(`
            ALTER TABLE "identities" DROP CONSTRAINT "FK_3144d31adb77f8fdd5aecf28f4a"
        `);
    await queryRunner.query(`
            ALTER TABLE "external_memberships" DROP CONSTRAINT "FK_4617f3c48da4d7005d873400a7e"
        `);
    await queryRunner.query(`
            ALTER TABLE "external_memberships" DROP CONSTRAINT "FK_490ce4a2871719dfd2fafe207a9"
        `);
    await queryRunner.query(`
            ALTER TABLE "scim_tokens" DROP CONSTRAINT "FK_b074c8f247e2b18853d1f877bcb"
        `);
    await queryRunner.query(`
            ALTER TABLE "scim_tokens" DROP CONSTRAINT "FK_db4aaab161132d7ba7629f7ec08"
        `);
    await queryRunner.query(`
            ALTER TABLE "memberships" DROP CONSTRAINT "FK_0cd1858e93877b2ef239d4cf92c"
        `);
    await queryRunner.query(`
            ALTER TABLE "memberships" DROP CONSTRAINT "FK_187d573e43b2c2aa3960df20b78"
        `);
    await queryRunner.query(`
            ALTER TABLE "group_links" DROP CONSTRAINT "FK_f2451f8794083ca3af59cb64165"
        `);
    await queryRunner.query(`
            ALTER TABLE "group_links" DROP CONSTRAINT "FK_65b464b0d598f848759285401c2"
        `);
    await queryRunner.query(`
            ALTER TABLE "identity_providers" DROP CONSTRAINT "FK_c7cd520aa473592b84ac1af1eed"
        `);
    await queryRunner.query(`
            ALTER TABLE "groups" DROP CONSTRAINT "FK_2dbdff6d03e57660064791a7682"
        `);
    await queryRunner.query(`
            ALTER TABLE "groups" DROP CONSTRAINT "FK_ca257df4814415f02a6799bce41"
        `);
    await queryRunner.query(`
            ALTER TABLE "sessions" DROP CONSTRAINT "FK_57de40bc620f456c7311aa3a1e6"
        `);
    await queryRunner.query(`
            ALTER TABLE "sessions" DROP CONSTRAINT "FK_3c03d45d6b55202b9563107dc68"
        `);
    await queryRunner.query(`
            ALTER TABLE "users" DROP CONSTRAINT "FK_c58f7e88c286e5e3478960a998b"
        `);
    await queryRunner.query(`
            ALTER TABLE "api_keys" DROP CONSTRAINT "FK_2cd545077d6e6e8378b051cf1b7"
        `);
    await queryRunner.query(`
            DROP TABLE "system_settings"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_3144d31adb77f8fdd5aecf28f4"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_96331bc64584c8c3b390afdd44"
        `);
    await queryRunner.query(`
            DROP TABLE "identities"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_fa6f85a38dad95dc9b63987961"
        `);
    await queryRunner.query(`
            DROP TABLE "external_memberships"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_b074c8f247e2b18853d1f877bc"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_db4aaab161132d7ba7629f7ec0"
        `);
    await queryRunner.query(`
            DROP TABLE "scim_tokens"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_0cd1858e93877b2ef239d4cf92"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_3eed8323a0d00041f74753d411"
        `);
    await queryRunner.query(`
            DROP TABLE "memberships"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_f2451f8794083ca3af59cb6416"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_3182cf75fde6dca39bc33e6368"
        `);
    await queryRunner.query(`
            DROP TABLE "group_links"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_c7cd520aa473592b84ac1af1ee"
        `);
    await queryRunner.query(`
            DROP TABLE "identity_providers"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_2dbdff6d03e57660064791a768"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_ca257df4814415f02a6799bce4"
        `);
    await queryRunner.query(`
            DROP TABLE "groups"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_3919a39966d8e45541a7f3559b"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_550fccac1264926b5f6228991e"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_239026134c7fa8b62eddac6545"
        `);
    await queryRunner.query(`
            DROP TABLE "audit_events"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_57de40bc620f456c7311aa3a1e"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_3c03d45d6b55202b9563107dc6"
        `);
    await queryRunner.query(`
            DROP TABLE "sessions"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_c58f7e88c286e5e3478960a998"
        `);
    await queryRunner.query(`
            DROP TABLE "users"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_2cd545077d6e6e8378b051cf1b"
        `);
    await queryRunner.query(`
            DROP TABLE "api_keys"
        `);
    await queryRunner.query(`
            DROP TABLE "tenants"
        `);
  }
}
