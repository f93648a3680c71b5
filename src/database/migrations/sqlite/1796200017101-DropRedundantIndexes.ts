import { MigrationInterface, QueryRunner } from 'typeorm';

// users(tenantId) and memberships(tenantId): each is the leading column of another index on its table
// (the unique (tenantId, email); (tenantId, userId)), which serves the same reads (issue #14).
export class DropRedundantIndexes1796200017101 implements MigrationInterface {
  name = 'DropRedundantIndexes1796200017101';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "IDX_c58f7e88c286e5e3478960a998"
        `);
    await queryRunner.query(`
            DROP INDEX "IDX_3eed8323a0d00041f74753d411"
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE INDEX "IDX_3eed8323a0d00041f74753d411" ON "memberships" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_c58f7e88c286e5e3478960a998" ON "users" ("tenantId")
        `);
  }
}
