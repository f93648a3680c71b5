import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddJobs1796200014001 implements MigrationInterface {
  name = 'AddJobs1796200014001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "jobs" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "kind" varchar(32) NOT NULL,
                "status" varchar(16) NOT NULL,
                "params" text NOT NULL,
                "cursor" text,
                "progressDone" integer NOT NULL,
                "progressTotal" integer NOT NULL,
                "batches" integer NOT NULL,
                "result" text,
                "error" text,
                "attempts" integer NOT NULL,
                "createdBy" text NOT NULL,
                "correlationId" varchar(128) NOT NULL,
                "lockedBy" varchar(64),
                "lockedUntil" datetime,
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                "startedAt" datetime,
                "finishedAt" datetime
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_af924c25aab35b33928211bb1f" ON "jobs" ("status", "createdAt")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_a1e62cc62a9fd50b01c913bf86" ON "jobs" ("tenantId", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "job_batches" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "jobId" varchar(36) NOT NULL,
                "seq" integer NOT NULL,
                "processedBy" varchar(64) NOT NULL,
                "firstItem" varchar(128) NOT NULL,
                "lastItem" varchar(128) NOT NULL,
                "items" integer NOT NULL,
                "committedAt" datetime NOT NULL
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_4f0b2950eb3aeb7ec642cd7c56" ON "job_batches" ("jobId", "seq")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_af924c25aab35b33928211bb1f"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_a1e62cc62a9fd50b01c913bf86"
        `);
    await queryRunner.query(`
            CREATE TABLE "temporary_jobs" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "kind" varchar(32) NOT NULL,
                "status" varchar(16) NOT NULL,
                "params" text NOT NULL,
                "cursor" text,
                "progressDone" integer NOT NULL,
                "progressTotal" integer NOT NULL,
                "batches" integer NOT NULL,
                "result" text,
                "error" text,
                "attempts" integer NOT NULL,
                "createdBy" text NOT NULL,
                "correlationId" varchar(128) NOT NULL,
                "lockedBy" varchar(64),
                "lockedUntil" datetime,
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                "startedAt" datetime,
                "finishedAt" datetime,
                CONSTRAINT "FK_8231b5f5f898c6608094a5553bc" FOREIGN KEY ("tenantId") REFERENCES "tenants" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`
            INSERT INTO "temporary_jobs"(
                    "id",
                    "tenantId",
                    "kind",
                    "status",
                    "params",
                    "cursor",
                    "progressDone",
                    "progressTotal",
                    "batches",
                    "result",
                    "error",
                    "attempts",
                    "createdBy",
                    "correlationId",
                    "lockedBy",
                    "lockedUntil",
                    "createdAt",
                    "updatedAt",
                    "startedAt",
                    "finishedAt"
                )
            SELECT "id",
                "tenantId",
                "kind",
                "status",
                "params",
                "cursor",
                "progressDone",
                "progressTotal",
                "batches",
                "result",
                "error",
                "attempts",
                "createdBy",
                "correlationId",
                "lockedBy",
                "lockedUntil",
                "createdAt",
                "updatedAt",
                "startedAt",
                "finishedAt"
            FROM "jobs"
        `);
    await queryRunner.query(`
            DROP TABLE "jobs"
        `);
    await queryRunner.query(`
            ALTER TABLE "temporary_jobs"
                RENAME TO "jobs"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_af924c25aab35b33928211bb1f" ON "jobs" ("status", "createdAt")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_a1e62cc62a9fd50b01c913bf86" ON "jobs" ("tenantId", "id")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_4f0b2950eb3aeb7ec642cd7c56"
        `);
    await queryRunner.query(`
            CREATE TABLE "temporary_job_batches" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "jobId" varchar(36) NOT NULL,
                "seq" integer NOT NULL,
                "processedBy" varchar(64) NOT NULL,
                "firstItem" varchar(128) NOT NULL,
                "lastItem" varchar(128) NOT NULL,
                "items" integer NOT NULL,
                "committedAt" datetime NOT NULL,
                CONSTRAINT "FK_d0242cb078734c8f2b6a206d2db" FOREIGN KEY ("jobId") REFERENCES "jobs" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`
            INSERT INTO "temporary_job_batches"(
                    "id",
                    "jobId",
                    "seq",
                    "processedBy",
                    "firstItem",
                    "lastItem",
                    "items",
                    "committedAt"
                )
            SELECT "id",
                "jobId",
                "seq",
                "processedBy",
                "firstItem",
                "lastItem",
                "items",
                "committedAt"
            FROM "job_batches"
        `);
    await queryRunner.query(`
            DROP TABLE "job_batches"
        `);
    await queryRunner.query(`
            ALTER TABLE "temporary_job_batches"
                RENAME TO "job_batches"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_4f0b2950eb3aeb7ec642cd7c56" ON "job_batches" ("jobId", "seq")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "IDX_4f0b2950eb3aeb7ec642cd7c56"
        `);
    await queryRunner.query(`
            ALTER TABLE "job_batches"
                RENAME TO "temporary_job_batches"
        `);
    await queryRunner.query(`
            CREATE TABLE "job_batches" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "jobId" varchar(36) NOT NULL,
                "seq" integer NOT NULL,
                "processedBy" varchar(64) NOT NULL,
                "firstItem" varchar(128) NOT NULL,
                "lastItem" varchar(128) NOT NULL,
                "items" integer NOT NULL,
                "committedAt" datetime NOT NULL
            )
        `);
    await queryRunner.query(`
            INSERT INTO "job_batches"(
                    "id",
                    "jobId",
                    "seq",
                    "processedBy",
                    "firstItem",
                    "lastItem",
                    "items",
                    "committedAt"
                )
            SELECT "id",
                "jobId",
                "seq",
                "processedBy",
                "firstItem",
                "lastItem",
                "items",
                "committedAt"
            FROM "temporary_job_batches"
        `);
    await queryRunner.query(`
            DROP TABLE "temporary_job_batches"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_4f0b2950eb3aeb7ec642cd7c56" ON "job_batches" ("jobId", "seq")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_a1e62cc62a9fd50b01c913bf86"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_af924c25aab35b33928211bb1f"
        `);
    await queryRunner.query(`
            ALTER TABLE "jobs"
                RENAME TO "temporary_jobs"
        `);
    await queryRunner.query(`
            CREATE TABLE "jobs" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "kind" varchar(32) NOT NULL,
                "status" varchar(16) NOT NULL,
                "params" text NOT NULL,
                "cursor" text,
                "progressDone" integer NOT NULL,
                "progressTotal" integer NOT NULL,
                "batches" integer NOT NULL,
                "result" text,
                "error" text,
                "attempts" integer NOT NULL,
                "createdBy" text NOT NULL,
                "correlationId" varchar(128) NOT NULL,
                "lockedBy" varchar(64),
                "lockedUntil" datetime,
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                "startedAt" datetime,
                "finishedAt" datetime
            )
        `);
    await queryRunner.query(`
            INSERT INTO "jobs"(
                    "id",
                    "tenantId",
                    "kind",
                    "status",
                    "params",
                    "cursor",
                    "progressDone",
                    "progressTotal",
                    "batches",
                    "result",
                    "error",
                    "attempts",
                    "createdBy",
                    "correlationId",
                    "lockedBy",
                    "lockedUntil",
                    "createdAt",
                    "updatedAt",
                    "startedAt",
                    "finishedAt"
                )
            SELECT "id",
                "tenantId",
                "kind",
                "status",
                "params",
                "cursor",
                "progressDone",
                "progressTotal",
                "batches",
                "result",
                "error",
                "attempts",
                "createdBy",
                "correlationId",
                "lockedBy",
                "lockedUntil",
                "createdAt",
                "updatedAt",
                "startedAt",
                "finishedAt"
            FROM "temporary_jobs"
        `);
    await queryRunner.query(`
            DROP TABLE "temporary_jobs"
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_a1e62cc62a9fd50b01c913bf86" ON "jobs" ("tenantId", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_af924c25aab35b33928211bb1f" ON "jobs" ("status", "createdAt")
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_4f0b2950eb3aeb7ec642cd7c56"
        `);
    await queryRunner.query(`
            DROP TABLE "job_batches"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_a1e62cc62a9fd50b01c913bf86"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_af924c25aab35b33928211bb1f"
        `);
    await queryRunner.query(`
            DROP TABLE "jobs"
        `);
  }
}
