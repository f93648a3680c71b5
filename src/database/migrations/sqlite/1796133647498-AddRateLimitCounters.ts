import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddRateLimitCounters1796133647498 implements MigrationInterface {
  name = 'AddRateLimitCounters1796133647498';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "rate_limit_counters" (
                "key" varchar(200) PRIMARY KEY NOT NULL,
                "windowStart" bigint NOT NULL,
                "count" integer NOT NULL,
                "expiresAt" bigint NOT NULL
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_96bde23c556f43dbe375390b60" ON "rate_limit_counters" ("expiresAt")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "IDX_96bde23c556f43dbe375390b60"
        `);
    await queryRunner.query(`
            DROP TABLE "rate_limit_counters"
        `);
  }
}
