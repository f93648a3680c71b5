import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pattern links (glob, regex, capture target). Written by hand as ADD COLUMN instead of the
 * generated table rebuild: a rebuild of group_links would drop its sync-version triggers.
 */
export class AddPatternLinks1796165575215 implements MigrationInterface {
  name = 'AddPatternLinks1796165575215';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "group_links" ADD COLUMN "matchType" varchar(8) NOT NULL DEFAULT ('exact')`,
    );
    await queryRunner.query(
      `ALTER TABLE "group_links" ADD COLUMN "targetFromCapture" boolean NOT NULL DEFAULT (0)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "group_links" DROP COLUMN "targetFromCapture"`);
    await queryRunner.query(`ALTER TABLE "group_links" DROP COLUMN "matchType"`);
  }
}
