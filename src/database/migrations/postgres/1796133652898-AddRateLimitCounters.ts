import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddRateLimitCounters1796133652898 implements MigrationInterface {
  name = 'AddRateLimitCounters1796133652898';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "rate_limit_counters" (
                "key" character varying(200) NOT NULL,
                "windowStart" bigint NOT NULL,
                "count" integer NOT NULL,
                "expiresAt" bigint NOT NULL,
                CONSTRAINT "PK_ad665f1998311a7bd0e8265365d" PRIMARY KEY ("key")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_96bde23c556f43dbe375390b60" ON "rate_limit_counters" ("expiresAt")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."IDX_96bde23c556f43dbe375390b60"
        `);
    await queryRunner.query(`
            DROP TABLE "rate_limit_counters"
        `);
  }
}
