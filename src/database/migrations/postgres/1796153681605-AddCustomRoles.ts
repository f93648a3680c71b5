import { MigrationInterface, QueryRunner } from 'typeorm';

/** Custom roles per tenant (the built-in ladder is not stored), and their sync-version trigger. */
export class AddCustomRoles1796153681605 implements MigrationInterface {
  name = 'AddCustomRoles1796153681605';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "roles" (
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "name" character varying(16) NOT NULL,
                "rank" integer NOT NULL,
                "description" character varying(255),
                "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "updatedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "UQ_b3c5804c04ee0c3c7080d195c6b" UNIQUE ("tenantId", "rank"),
                CONSTRAINT "UQ_078ede97be459ad1cea370e406c" UNIQUE ("tenantId", "name"),
                CONSTRAINT "PK_c1433d71a4838793a49dcad46ab" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            ALTER TABLE "roles"
            ADD CONSTRAINT "FK_c954ae3b1156e075ccd4e9ce3e6" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    // Ranks decide "highest role wins": a role write reloads cached sync contexts (AddTenantSyncVersion).
    await queryRunner.query(`
            CREATE TRIGGER "roles_bump_sync_version" AFTER INSERT OR UPDATE OR DELETE ON "roles"
            FOR EACH ROW EXECUTE FUNCTION "bump_tenant_sync_version"()
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "roles_bump_sync_version" ON "roles"`);
    await queryRunner.query(`
            ALTER TABLE "roles" DROP CONSTRAINT "FK_c954ae3b1156e075ccd4e9ce3e6"
        `);
    await queryRunner.query(`
            DROP TABLE "roles"
        `);
  }
}
