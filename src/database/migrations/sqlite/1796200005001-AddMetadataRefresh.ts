import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SAML metadata URL refresh (docs/saml.md, "Metadata URL"): the last re-read of an IdP's metadata,
 * kept beside its settings. A plain ADD COLUMN: rebuilding the table would cascade-delete its children.
 */
export class AddMetadataRefresh1796200005001 implements MigrationInterface {
  name = 'AddMetadataRefresh1796200005001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "identity_providers" ADD COLUMN "metadataRefresh" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "identity_providers" DROP COLUMN "metadataRefresh"`);
  }
}
