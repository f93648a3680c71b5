import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddScimResources1795428476917 implements MigrationInterface {
  name = 'AddScimResources1795428476917';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "scim_groups" (
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "idpId" uuid NOT NULL,
                "displayName" character varying(512) NOT NULL,
                "displayNameKey" character varying(512) NOT NULL,
                "externalId" character varying(512),
                "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "updatedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "UQ_bed67c48b07729443e7378d8fd8" UNIQUE ("idpId", "displayNameKey"),
                CONSTRAINT "PK_8bacda70f9d3c4028b3abe53874" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_621bc4e063b168f7d5d92b8c08" ON "scim_groups" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_c3cb8e260865826a19c740eb0f" ON "scim_groups" ("idpId", "externalId")
        `);
    await queryRunner.query(`
            CREATE TABLE "scim_group_members" (
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "scimGroupId" uuid NOT NULL,
                "userId" uuid NOT NULL,
                CONSTRAINT "UQ_63254f07f2e22f3938dbff7b264" UNIQUE ("scimGroupId", "userId"),
                CONSTRAINT "PK_d96c9b52d9edd1c3de798cf4618" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_f5a6e05cac0d928be978454a45" ON "scim_group_members" ("userId")
        `);
    await queryRunner.query(`
            CREATE TABLE "scim_users" (
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "idpId" uuid NOT NULL,
                "userId" uuid NOT NULL,
                "userName" character varying(512) NOT NULL,
                "userNameKey" character varying(512) NOT NULL,
                "externalId" character varying(512),
                "displayName" character varying(512),
                "givenName" character varying(255),
                "familyName" character varying(255),
                "employeeNumber" character varying(255),
                "active" boolean NOT NULL,
                "resource" jsonb NOT NULL,
                "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "updatedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "UQ_9a7dde367bd29f8a4409024e718" UNIQUE ("idpId", "userId"),
                CONSTRAINT "UQ_4428662e713c533cce06354ab93" UNIQUE ("idpId", "userNameKey"),
                CONSTRAINT "PK_341175fd19feb0f3ea0d50097e3" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_a3155f40d5440a16a3ef89d882" ON "scim_users" ("tenantId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_6b6ae1e31389e0ea2209cf54b4" ON "scim_users" ("userId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_dab49a4cd5c1f509aff9daf5fe" ON "scim_users" ("idpId", "externalId")
        `);
    await queryRunner.query(`
            CREATE TABLE "scim_user_emails" (
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "scimUserId" uuid NOT NULL,
                "valueKey" character varying(320) NOT NULL,
                "type" character varying(32),
                "primary" boolean NOT NULL,
                CONSTRAINT "PK_a7b2a98a15055c914f066e8a527" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_381a915d02086ba29c64af6da8" ON "scim_user_emails" ("scimUserId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_c3f49a5de5e5bf9e3622c95842" ON "scim_user_emails" ("tenantId", "valueKey")
        `);
    await queryRunner.query(`
            ALTER TABLE "scim_groups"
            ADD CONSTRAINT "FK_50b113e22998f3f5899fc70acf5" FOREIGN KEY ("idpId") REFERENCES "identity_providers"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "scim_group_members"
            ADD CONSTRAINT "FK_1e303362d6ec75f1eb2d94b6dcb" FOREIGN KEY ("scimGroupId") REFERENCES "scim_groups"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "scim_group_members"
            ADD CONSTRAINT "FK_f5a6e05cac0d928be978454a452" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "scim_users"
            ADD CONSTRAINT "FK_0e992bb1984aa85f5b5640e3311" FOREIGN KEY ("idpId") REFERENCES "identity_providers"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "scim_users"
            ADD CONSTRAINT "FK_6b6ae1e31389e0ea2209cf54b41" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "scim_user_emails"
            ADD CONSTRAINT "FK_381a915d02086ba29c64af6da8a" FOREIGN KEY ("scimUserId") REFERENCES "scim_users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "scim_user_emails" DROP CONSTRAINT "FK_381a915d02086ba29c64af6da8a"
        `);
    await queryRunner.query(`
            ALTER TABLE "scim_users" DROP CONSTRAINT "FK_6b6ae1e31389e0ea2209cf54b41"
        `);
    await queryRunner.query(`
            ALTER TABLE "scim_users" DROP CONSTRAINT "FK_0e992bb1984aa85f5b5640e3311"
        `);
    await queryRunner.query(`
            ALTER TABLE "scim_group_members" DROP CONSTRAINT "FK_f5a6e05cac0d928be978454a452"
        `);
    await queryRunner.query(`
            ALTER TABLE "scim_group_members" DROP CONSTRAINT "FK_1e303362d6ec75f1eb2d94b6dcb"
        `);
    await queryRunner.query(`
            ALTER TABLE "scim_groups" DROP CONSTRAINT "FK_50b113e22998f3f5899fc70acf5"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_c3f49a5de5e5bf9e3622c95842"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_381a915d02086ba29c64af6da8"
        `);
    await queryRunner.query(`
            DROP TABLE "scim_user_emails"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_dab49a4cd5c1f509aff9daf5fe"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_6b6ae1e31389e0ea2209cf54b4"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_a3155f40d5440a16a3ef89d882"
        `);
    await queryRunner.query(`
            DROP TABLE "scim_users"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_f5a6e05cac0d928be978454a45"
        `);
    await queryRunner.query(`
            DROP TABLE "scim_group_members"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_c3cb8e260865826a19c740eb0f"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_621bc4e063b168f7d5d92b8c08"
        `);
    await queryRunner.query(`
            DROP TABLE "scim_groups"
        `);
  }
}
