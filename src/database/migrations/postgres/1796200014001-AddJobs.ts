import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddJobs1796200014001 implements MigrationInterface {
  name = 'AddJobs1796200014001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "jobs" (
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "kind" character varying(32) NOT NULL,
                "status" character varying(16) NOT NULL,
                "params" jsonb NOT NULL,
                "cursor" jsonb,
                "progressDone" integer NOT NULL,
                "progressTotal" integer NOT NULL,
                "batches" integer NOT NULL,
                "result" jsonb,
                "error" text,
                "attempts" integer NOT NULL,
                "createdBy" jsonb NOT NULL,
                "correlationId" character varying(128) NOT NULL,
                "lockedBy" character varying(64),
                "lockedUntil" TIMESTAMP(3) WITH TIME ZONE,
                "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "updatedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "startedAt" TIMESTAMP(3) WITH TIME ZONE,
                "finishedAt" TIMESTAMP(3) WITH TIME ZONE,
                CONSTRAINT "PK_cf0a6c42b72fcc7f7c237def345" PRIMARY KEY ("id")
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
                "id" uuid NOT NULL,
                "jobId" uuid NOT NULL,
                "seq" integer NOT NULL,
                "processedBy" character varying(64) NOT NULL,
                "firstItem" character varying(128) NOT NULL,
                "lastItem" character varying(128) NOT NULL,
                "items" integer NOT NULL,
                "committedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_277a2c560077781be1a1516a261" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_4f0b2950eb3aeb7ec642cd7c56" ON "job_batches" ("jobId", "seq")
        `);
    await queryRunner.query(`
            ALTER TABLE "jobs"
            ADD CONSTRAINT "FK_8231b5f5f898c6608094a5553bc" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "job_batches"
            ADD CONSTRAINT "FK_d0242cb078734c8f2b6a206d2db" FOREIGN KEY ("jobId") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "job_batches" DROP CONSTRAINT "FK_d0242cb078734c8f2b6a206d2db"
        `);
    await queryRunner.query(`
            ALTER TABLE "jobs" DROP CONSTRAINT "FK_8231b5f5f898c6608094a5553bc"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_4f0b2950eb3aeb7ec642cd7c56"
        `);
    await queryRunner.query(`
            DROP TABLE "job_batches"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_a1e62cc62a9fd50b01c913bf86"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_af924c25aab35b33928211bb1f"
        `);
    await queryRunner.query(`
            DROP TABLE "jobs"
        `);
  }
}
