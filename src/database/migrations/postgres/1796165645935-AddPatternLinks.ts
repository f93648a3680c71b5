import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddPatternLinks1796165645935 implements MigrationInterface {
  name = 'AddPatternLinks1796165645935';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "group_links"
            ADD "matchType" character varying(8) NOT NULL DEFAULT 'exact'
        `);
    await queryRunner.query(`
            ALTER TABLE "group_links"
            ADD "targetFromCapture" boolean NOT NULL DEFAULT false
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "group_links" DROP COLUMN "targetFromCapture"
        `);
    await queryRunner.query(`
            ALTER TABLE "group_links" DROP COLUMN "matchType"
        `);
  }
}
