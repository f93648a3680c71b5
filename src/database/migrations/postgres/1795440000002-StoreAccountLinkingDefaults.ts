import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data only: IdPs created before account linking existed get the default stored explicitly, as new
 * ones do (docs/sync.md, "Account linking"): `unowned` for each tenant's oldest IdP, `none` for the rest.
 */
export class StoreAccountLinkingDefaults1795440000002 implements MigrationInterface {
  name = 'StoreAccountLinkingDefaults1795440000002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "identity_providers" "i" SET "config" = "i"."config" || jsonb_build_object('accountLinking',
         CASE WHEN "i"."id" = (SELECT "p"."id" FROM "identity_providers" "p"
                               WHERE "p"."tenantId" = "i"."tenantId"
                               ORDER BY "p"."createdAt", "p"."id" LIMIT 1)
              THEN 'unowned' ELSE 'none' END)
       WHERE NOT ("i"."config" ? 'accountLinking')`,
    );
  }

  // The stored value is what the code reads from now on; older code ignores it, so nothing to undo.
  public async down(): Promise<void> {}
}
