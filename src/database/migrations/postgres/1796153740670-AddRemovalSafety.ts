import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddRemovalSafety1796153740670 implements MigrationInterface {
  name = 'AddRemovalSafety1796153740670';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "staged_removals" (
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "userId" uuid NOT NULL,
                "groupId" uuid NOT NULL,
                "idpId" uuid NOT NULL,
                "role" character varying(16) NOT NULL,
                "reason" text NOT NULL,
                "trigger" character varying(16) NOT NULL,
                "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "UQ_d1f724febada39eb6c563484bc3" UNIQUE ("userId", "groupId"),
                CONSTRAINT "PK_1fb81d52d235b5c8c609b4ec5a7" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_37d08bdb2534d73d8c69f4f97c" ON "staged_removals" ("groupId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_b682d0259bc00125144071c039" ON "staged_removals" ("idpId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_46decb18c33d45c9911fadcdc5" ON "staged_removals" ("tenantId", "createdAt")
        `);
    await queryRunner.query(`
            CREATE TABLE "sync_removal_counts" (
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "removals" integer NOT NULL,
                CONSTRAINT "PK_483ee3bded9574cce058acc9832" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_f1876eff60948d52aaa9d5f44d" ON "sync_removal_counts" ("tenantId", "at")
        `);
    await queryRunner.query(`
            ALTER TABLE "tenants"
            ADD "removalBreakerTrippedAt" TIMESTAMP(3) WITH TIME ZONE
        `);
    await queryRunner.query(`
            ALTER TABLE "identity_providers"
            ADD "syncPaused" boolean NOT NULL DEFAULT false
        `);
    await queryRunner.query(`
            ALTER TABLE "staged_removals"
            ADD CONSTRAINT "FK_dbf38a2a38d8bc633c82d60baad" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "staged_removals"
            ADD CONSTRAINT "FK_f5896645523f4a34d68fcb4d70f" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "staged_removals"
            ADD CONSTRAINT "FK_37d08bdb2534d73d8c69f4f97c2" FOREIGN KEY ("groupId") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "staged_removals"
            ADD CONSTRAINT "FK_b682d0259bc00125144071c039c" FOREIGN KEY ("idpId") REFERENCES "identity_providers"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "sync_removal_counts"
            ADD CONSTRAINT "FK_e61a1e65ced1dfb60a4b4b68bc0" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "sync_removal_counts" DROP CONSTRAINT "FK_e61a1e65ced1dfb60a4b4b68bc0"
        `);
    await queryRunner.query(`
            ALTER TABLE "staged_removals" DROP CONSTRAINT "FK_b682d0259bc00125144071c039c"
        `);
    await queryRunner.query(`
            ALTER TABLE "staged_removals" DROP CONSTRAINT "FK_37d08bdb2534d73d8c69f4f97c2"
        `);
    await queryRunner.query(`
            ALTER TABLE "staged_removals" DROP CONSTRAINT "FK_f5896645523f4a34d68fcb4d70f"
        `);
    await queryRunner.query(`
            ALTER TABLE "staged_removals" DROP CONSTRAINT "FK_dbf38a2a38d8bc633c82d60baad"
        `);
    await queryRunner.query(`
            ALTER TABLE "identity_providers" DROP COLUMN "syncPaused"
        `);
    await queryRunner.query(`
            ALTER TABLE "tenants" DROP COLUMN "removalBreakerTrippedAt"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_f1876eff60948d52aaa9d5f44d"
        `);
    await queryRunner.query(`
            DROP TABLE "sync_removal_counts"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_46decb18c33d45c9911fadcdc5"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_b682d0259bc00125144071c039"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_37d08bdb2534d73d8c69f4f97c"
        `);
    await queryRunner.query(`
            DROP TABLE "staged_removals"
        `);
  }
}
