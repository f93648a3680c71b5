import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddWebhooks1796200016101 implements MigrationInterface {
  name = 'AddWebhooks1796200016101';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "webhooks" (
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "url" character varying(2048) NOT NULL,
                "description" character varying(200),
                "events" character varying(1000) NOT NULL,
                "secret" text NOT NULL,
                "enabled" boolean NOT NULL,
                "disabledAt" TIMESTAMP(3) WITH TIME ZONE,
                "disabledReason" character varying(500),
                "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "updatedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_9e8795cfc899ab7bdaa831e8527" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_9b9cda1c2652a0dac5bf9a6ac3" ON "webhooks" ("tenantId", "enabled")
        `);
    await queryRunner.query(`
            CREATE TABLE "webhook_deliveries" (
                "id" uuid NOT NULL,
                "tenantId" uuid NOT NULL,
                "webhookId" uuid NOT NULL,
                "auditEventId" uuid NOT NULL,
                "eventType" character varying(64) NOT NULL,
                "userId" uuid,
                "status" character varying(16) NOT NULL,
                "attempts" integer NOT NULL,
                "nextAttemptAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "lockedBy" character varying(64),
                "lockedUntil" TIMESTAMP(3) WITH TIME ZONE,
                "lastStatusCode" integer,
                "lastError" character varying(500),
                "lastDurationMs" integer,
                "body" text,
                "redeliveryOf" uuid,
                "deliveredAt" TIMESTAMP(3) WITH TIME ZONE,
                "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_2ea65145f74113a92ac3107d54" ON "webhook_deliveries" ("status", "nextAttemptAt")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_d31f853b71c54471b7cff20a88" ON "webhook_deliveries" ("webhookId", "userId", "auditEventId")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_16a9adfe216f36741570dce123" ON "webhook_deliveries" ("webhookId", "createdAt", "id")
        `);
    await queryRunner.query(`
            ALTER TABLE "webhooks"
            ADD CONSTRAINT "FK_0421912cfbf202d08d43c99839d" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "webhook_deliveries"
            ADD CONSTRAINT "FK_ab7a4dca7a25e29b745e2e1b601" FOREIGN KEY ("webhookId") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    // The outbox (docs/webhooks.md): each audit event whose action maps to an event type becomes one
    // delivery per enabled webhook of the tenant subscribed to it, in the statement that writes the
    // audit event. The SQLite migration has the same mapping.
    await queryRunner.query(`
            CREATE FUNCTION "webhook_outbox"() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
              kind varchar;
            BEGIN
              kind := CASE
                WHEN NEW."action" IN ('membership.added', 'membership.removed', 'membership.role_changed',
                  'user.created', 'user.blocked', 'user.unblocked', 'sync.breaker_tripped') THEN NEW."action"
                WHEN NEW."action" = 'user.updated' AND NEW."before"->>'status' = 'active'
                  AND NEW."after"->>'status' = 'blocked' THEN 'user.blocked'
                WHEN NEW."action" = 'user.updated' AND NEW."before"->>'status' = 'blocked'
                  AND NEW."after"->>'status' = 'active' THEN 'user.unblocked'
                WHEN NEW."action" = 'sso.sign_in_refused' THEN 'sign_in.refused'
                WHEN NEW."action" = 'sync.signup_denied' THEN 'signup.denied'
                WHEN NEW."action" = 'webhook.tested' THEN 'webhook.test'
              END;
              IF kind IS NULL THEN
                RETURN NULL;
              END IF;
              INSERT INTO "webhook_deliveries" ("id", "tenantId", "webhookId", "auditEventId", "eventType", "userId",
                "status", "attempts", "nextAttemptAt", "createdAt")
              SELECT gen_random_uuid(), w."tenantId", w."id", NEW."id", kind, NEW."userId",
                'pending', 0, NEW."createdAt", NEW."createdAt"
              FROM "webhooks" w
              WHERE w."tenantId" = NEW."tenantId" AND w."enabled"
                AND CASE WHEN kind = 'webhook.test' THEN w."id"::text = NEW."targetId"
                  ELSE position(' ' || kind || ' ' IN w."events") > 0 END;
              RETURN NULL;
            END $$
        `);
    await queryRunner.query(`
            CREATE TRIGGER "audit_events_webhook_outbox" AFTER INSERT ON "audit_events"
            FOR EACH ROW EXECUTE FUNCTION "webhook_outbox"()
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "audit_events_webhook_outbox" ON "audit_events"`);
    await queryRunner.query(`DROP FUNCTION "webhook_outbox"()`);
    await queryRunner.query(
      `ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_ab7a4dca7a25e29b745e2e1b601"`,
    );
    await queryRunner.query(`ALTER TABLE "webhooks" DROP CONSTRAINT "FK_0421912cfbf202d08d43c99839d"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_16a9adfe216f36741570dce123"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_d31f853b71c54471b7cff20a88"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_2ea65145f74113a92ac3107d54"`);
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_9b9cda1c2652a0dac5bf9a6ac3"`);
    await queryRunner.query(`DROP TABLE "webhooks"`);
  }
}
