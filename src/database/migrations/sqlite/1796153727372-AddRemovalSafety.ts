import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddRemovalSafety1796153727372 implements MigrationInterface {
  name = 'AddRemovalSafety1796153727372';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // New tables with their foreign keys inline, and ADD COLUMN instead of the generated rebuilds:
    // rebuilding "tenants" breaks the sync-version triggers of groups and group_links (see
    // AddTenantSyncVersion) and would rewrite the foreign keys of every table that references it.
    await queryRunner.query(`
            CREATE TABLE "staged_removals" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "userId" varchar(36) NOT NULL,
                "groupId" varchar(36) NOT NULL,
                "idpId" varchar(36) NOT NULL,
                "role" varchar(16) NOT NULL,
                "reason" text NOT NULL,
                "trigger" varchar(16) NOT NULL,
                "createdAt" datetime NOT NULL,
                CONSTRAINT "UQ_d1f724febada39eb6c563484bc3" UNIQUE ("userId", "groupId"),
                CONSTRAINT "FK_dbf38a2a38d8bc633c82d60baad" FOREIGN KEY ("tenantId") REFERENCES "tenants" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_f5896645523f4a34d68fcb4d70f" FOREIGN KEY ("userId") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_37d08bdb2534d73d8c69f4f97c2" FOREIGN KEY ("groupId") REFERENCES "groups" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_b682d0259bc00125144071c039c" FOREIGN KEY ("idpId") REFERENCES "identity_providers" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`CREATE INDEX "IDX_37d08bdb2534d73d8c69f4f97c" ON "staged_removals" ("groupId")`);
    await queryRunner.query(`CREATE INDEX "IDX_b682d0259bc00125144071c039" ON "staged_removals" ("idpId")`);
    await queryRunner.query(
      `CREATE INDEX "IDX_46decb18c33d45c9911fadcdc5" ON "staged_removals" ("tenantId", "createdAt")`,
    );
    await queryRunner.query(`
            CREATE TABLE "sync_removal_counts" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "at" datetime NOT NULL,
                "removals" integer NOT NULL,
                CONSTRAINT "FK_e61a1e65ced1dfb60a4b4b68bc0" FOREIGN KEY ("tenantId") REFERENCES "tenants" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(
      `CREATE INDEX "IDX_f1876eff60948d52aaa9d5f44d" ON "sync_removal_counts" ("tenantId", "at")`,
    );
    await queryRunner.query(`ALTER TABLE "tenants" ADD COLUMN "removalBreakerTrippedAt" datetime`);
    await queryRunner.query(
      `ALTER TABLE "identity_providers" ADD COLUMN "syncPaused" boolean NOT NULL DEFAULT (0)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "identity_providers" DROP COLUMN "syncPaused"`);
    await queryRunner.query(`ALTER TABLE "tenants" DROP COLUMN "removalBreakerTrippedAt"`);
    await queryRunner.query(`DROP TABLE "sync_removal_counts"`);
    await queryRunner.query(`DROP TABLE "staged_removals"`);
  }
}
