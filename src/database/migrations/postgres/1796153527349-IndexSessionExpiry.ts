import { MigrationInterface, QueryRunner } from 'typeorm';

export class IndexSessionExpiry1796153527349 implements MigrationInterface {
  name = 'IndexSessionExpiry1796153527349';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE INDEX "IDX_50762206f116cd47d1c3fec396" ON "sessions" ("expiresAt")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."IDX_50762206f116cd47d1c3fec396"
        `);
  }
}
