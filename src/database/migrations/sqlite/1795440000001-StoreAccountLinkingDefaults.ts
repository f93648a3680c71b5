import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data only: IdPs created before account linking existed get the default stored explicitly, as new
 * ones do (docs/sync.md, "Account linking"): `unowned` for each tenant's oldest IdP, `none` for the rest.
 */
export class StoreAccountLinkingDefaults1795440000001 implements MigrationInterface {
  name = 'StoreAccountLinkingDefaults1795440000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "identity_providers" SET "config" = json_set("config", '$.accountLinking',
         CASE WHEN "id" = (SELECT "p"."id" FROM "identity_providers" "p"
                           WHERE "p"."tenantId" = "identity_providers"."tenantId"
                           ORDER BY "p"."createdAt", "p"."id" LIMIT 1)
              THEN 'unowned' ELSE 'none' END)
       WHERE json_extract("config", '$.accountLinking') IS NULL`,
    );
  }

  // The stored value is what the code reads from now on; older code ignores it, so nothing to undo.
  public async down(): Promise<void> {}
}
