import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddRemovalSafety1796153727372 implements MigrationInterface {
  name = 'AddRemovalSafety1796153727372';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "staged_removals" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "userId" varchar(36) NOT NULL,
                "groupId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "role" varchar(16) NOT NULL,
                "reason" text NOT NULL,
                "trigger" varchar(16) NOT NULL,
                "createdAt" datetime NOT NULL,
                CONSTRAINT "UQ_d1f724febada39eb6c563484bc3" UNIQUE ("userId", "groupId")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_37d08bdb2534d73d8c69f4f97c" ON "staged_removals" ("groupId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_b682d0259bc00125144071c039" ON "staged_removals" ("idpId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_46decb18c33d45c9911fadcdc5" ON "staged_removals" ("tenantId", "createdAt")
        `);
    await queryRunner.query(`
            CREATE TABLE "sync_removal_counts" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "at" datetime NOT NULL,
                "removals" integer NOT NULL
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_f1876eff60948d52aaa9d5f44d" ON "sync_removal_counts" ("tenantId", "at")
        `);
    await queryRunner.query(`
            CREATE TABLE "temporary_tenants" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "slug" varchar(63) NOT NULL,
                "name" varchar(200) NOT NULL,
                "settings" text NOT NULL,
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                "syncVersion" integer NOT NULL DEFAULT (0),
                "removalBreakerTrippedAt" datetime,
                CONSTRAINT "UQ_2310ecc5cb8be427097154b18fc" UNIQUE ("slug")
            )
        `);
    await queryRunner.query(`
            INSERT INTO "temporary_tenants"(
                    "id",
                    "slug",
                    "name",
                    "settings",
                    "createdAt",
                    "updatedAt",
                    "syncVersion"
                )
            SELECT "id",
                "slug",
                "name",
                "settings",
                "createdAt",
                "updatedAt",
                "syncVersion"
            FROM "tenants"
        `);
    await queryRunner.query(`
            DROP TABLE "tenants"
        `);
    await queryRunner.query(`
            ALTER TABLE "temporary_tenants"
                RENAME TO "tenants"
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
                "syncPaused" boolean NOT NULL DEFAULT (0),
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
            DROP INDEX "IDX_37d08bdb2534d73d8c69f4f97c"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_b682d0259bc00125144071c039"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_46decb18c33d45c9911fadcdc5"
        `);
    await queryRunner.query(`
            CREATE TABLE "temporary_staged_removals" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "userId" varchar(36) NOT NULL,
                "groupId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "role" varchar(16) NOT NULL,
                "reason" text NOT NULL,
                "trigger" varchar(16) NOT NULL,
                "createdAt" datetime NOT NULL,
                CONSTRAINT "UQ_d1f724febada39eb6c563484bc3" UNIQUE ("userId", "groupId"),
                CONSTRAINT "FK_dbf38a2a38d8bc633c82d60baad" FOREIGN KEY ("tenantId") REFERENCES "tenants" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_f5896645523f4a34d68fcb4d70f" FOREIGN KEY ("userId") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_37d08bdb2534d73d8c69f4f97c2" FOREIGN KEY ("groupId") REFERENCES "groups" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_b682d0259bc00125144071c039c" FOREIGN KEY ("idpId") REFERENCES "identity_providers" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`
            INSERT INTO "temporary_staged_removals"(
                    "id",
                    "tenantId",
                    "userId",
                    "groupId",
                    "idpId",
                    "role",
                    "reason",
                    "trigger",
                    "createdAt"
                )
            SELECT "id",
                "tenantId",
                "userId",
                "groupId",
                "idpId",
                "role",
                "reason",
                "trigger",
                "createdAt"
            FROM "staged_removals"
        `);
    await queryRunner.query(`
            DROP TABLE "staged_removals"
        `);
    await queryRunner.query(`
            ALTER TABLE "temporary_staged_removals"
                RENAME TO "staged_removals"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_37d08bdb2534d73d8c69f4f97c" ON "staged_removals" ("groupId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_b682d0259bc00125144071c039" ON "staged_removals" ("idpId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_46decb18c33d45c9911fadcdc5" ON "staged_removals" ("tenantId", "createdAt")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_f1876eff60948d52aaa9d5f44d"
        `);
    await queryRunner.query(`
            CREATE TABLE "temporary_sync_removal_counts" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "at" datetime NOT NULL,
                "removals" integer NOT NULL,
                CONSTRAINT "FK_e61a1e65ced1dfb60a4b4b68bc0" FOREIGN KEY ("tenantId") REFERENCES "tenants" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`
            INSERT INTO "temporary_sync_removal_counts"("id", "tenantId", "at", "removals")
            SELECT "id",
                "tenantId",
                "at",
                "removals"
            FROM "sync_removal_counts"
        `);
    await queryRunner.query(`
            DROP TABLE "sync_removal_counts"
        `);
    await queryRunner.query(`
            ALTER TABLE "temporary_sync_removal_counts"
                RENAME TO "sync_removal_counts"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_f1876eff60948d52aaa9d5f44d" ON "sync_removal_counts" ("tenantId", "at")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "IDX_f1876eff60948d52aaa9d5f44d"
        `);
    await queryRunner.query(`
            ALTER TABLE "sync_removal_counts"
                RENAME TO "temporary_sync_removal_counts"
        `);
    await queryRunner.query(`
            CREATE TABLE "sync_removal_counts" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "at" datetime NOT NULL,
                "removals" integer NOT NULL
            )
        `);
    await queryRunner.query(`
            INSERT INTO "sync_removal_counts"("id", "tenantId", "at", "removals")
            SELECT "id",
                "tenantId",
                "at",
                "removals"
            FROM "temporary_sync_removal_counts"
        `);
    await queryRunner.query(`
            DROP TABLE "temporary_sync_removal_counts"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_f1876eff60948d52aaa9d5f44d" ON "sync_removal_counts" ("tenantId", "at")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_46decb18c33d45c9911fadcdc5"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_b682d0259bc00125144071c039"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_37d08bdb2534d73d8c69f4f97c"
        `);
    await queryRunner.query(`
            ALTER TABLE "staged_removals"
                RENAME TO "temporary_staged_removals"
        `);
    await queryRunner.query(`
            CREATE TABLE "staged_removals" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "userId" varchar(36) NOT NULL,
                "groupId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "role" varchar(16) NOT NULL,
                "reason" text NOT NULL,
                "trigger" varchar(16) NOT NULL,
                "createdAt" datetime NOT NULL,
                CONSTRAINT "UQ_d1f724febada39eb6c563484bc3" UNIQUE ("userId", "groupId")
            )
        `);
    await queryRunner.query(`
            INSERT INTO "staged_removals"(
                    "id",
                    "tenantId",
                    "userId",
                    "groupId",
                    "idpId",
                    "role",
                    "reason",
                    "trigger",
                    "createdAt"
                )
            SELECT "id",
                "tenantId",
                "userId",
                "groupId",
                "idpId",
                "role",
                "reason",
                "trigger",
                "createdAt"
            FROM "temporary_staged_removals"
        `);
    await queryRunner.query(`
            DROP TABLE "temporary_staged_removals"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_46decb18c33d45c9911fadcdc5" ON "staged_removals" ("tenantId", "createdAt")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_b682d0259bc00125144071c039" ON "staged_removals" ("idpId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_37d08bdb2534d73d8c69f4f97c" ON "staged_removals" ("groupId")
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
                CONSTRAINT "UQ_6927284fe8b33b58c8eed14bcb3" UNIQUE ("tenantId", "slug"),
                CONSTRAINT "FK_c7cd520aa473592b84ac1af1eed" FOREIGN KEY ("tenantId") REFERENCES "tenants" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
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
            ALTER TABLE "tenants"
                RENAME TO "temporary_tenants"
        `);
    await queryRunner.query(`
            CREATE TABLE "tenants" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "slug" varchar(63) NOT NULL,
                "name" varchar(200) NOT NULL,
                "settings" text NOT NULL,
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                "syncVersion" integer NOT NULL DEFAULT (0),
                CONSTRAINT "UQ_2310ecc5cb8be427097154b18fc" UNIQUE ("slug")
            )
        `);
    await queryRunner.query(`
            INSERT INTO "tenants"(
                    "id",
                    "slug",
                    "name",
                    "settings",
                    "createdAt",
                    "updatedAt",
                    "syncVersion"
                )
            SELECT "id",
                "slug",
                "name",
                "settings",
                "createdAt",
                "updatedAt",
                "syncVersion"
            FROM "temporary_tenants"
        `);
    await queryRunner.query(`
            DROP TABLE "temporary_tenants"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_f1876eff60948d52aaa9d5f44d"
        `);
    await queryRunner.query(`
            DROP TABLE "sync_removal_counts"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_46decb18c33d45c9911fadcdc5"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_b682d0259bc00125144071c039"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_37d08bdb2534d73d8c69f4f97c"
        `);
    await queryRunner.query(`
            DROP TABLE "staged_removals"
        `);
  }
}
