import { MigrationInterface, QueryRunner } from 'typeorm';

/** A random UUID (version 4) in SQLite's own functions, for outbox rows the trigger writes. */
const UUID_V4 =
  `lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) ` +
  `|| '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' ` +
  `|| lower(hex(randomblob(6)))`;

export class AddWebhooks1796200016101 implements MigrationInterface {
  name = 'AddWebhooks1796200016101';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "webhooks" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "url" varchar(2048) NOT NULL,
                "description" varchar(200),
                "events" varchar(1000) NOT NULL,
                "secret" text NOT NULL,
                "enabled" boolean NOT NULL,
                "disabledAt" datetime,
                "disabledReason" varchar(500),
                "createdAt" datetime NOT NULL,
                "updatedAt" datetime NOT NULL,
                CONSTRAINT "FK_0421912cfbf202d08d43c99839d" FOREIGN KEY ("tenantId") REFERENCES "tenants" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_9b9cda1c2652a0dac5bf9a6ac3" ON "webhooks" ("tenantId", "enabled")
        `);
    await queryRunner.query(`
            CREATE TABLE "webhook_deliveries" (
                "id" varchar(36) PRIMARY KEY NOT NULL,
                "tenantId" varchar(36) NOT NULL,
                "webhookId" varchar(36) NOT NULL,
                "auditEventId" varchar(36) NOT NULL,
                "eventType" varchar(64) NOT NULL,
                "userId" varchar(36),
                "status" varchar(16) NOT NULL,
                "attempts" integer NOT NULL,
                "nextAttemptAt" datetime NOT NULL,
                "lockedBy" varchar(64),
                "lockedUntil" datetime,
                "lastStatusCode" integer,
                "lastError" varchar(500),
                "lastDurationMs" integer,
                "body" text,
                "redeliveryOf" varchar(36),
                "deliveredAt" datetime,
                "createdAt" datetime NOT NULL,
                CONSTRAINT "FK_ab7a4dca7a25e29b745e2e1b601" FOREIGN KEY ("webhookId") REFERENCES "webhooks" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
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
    // The outbox (docs/webhooks.md): each audit event whose action maps to an event type becomes one
    // delivery per enabled webhook of the tenant subscribed to it, in the statement that writes the
    // audit event. A later SQLite rebuild of audit_events drops this trigger with the table and must
    // create it again (test/e2e/webhooks.e2e.ts would fail).
    await queryRunner.query(`
            CREATE TRIGGER "audit_events_webhook_outbox" AFTER INSERT ON "audit_events"
            BEGIN
              INSERT INTO "webhook_deliveries" ("id", "tenantId", "webhookId", "auditEventId", "eventType", "userId",
                "status", "attempts", "nextAttemptAt", "createdAt")
              SELECT ${UUID_V4}, w."tenantId", w."id", NEW."id", e."type", NEW."userId",
                'pending', 0, NEW."createdAt", NEW."createdAt"
              FROM (SELECT CASE
                  WHEN NEW."action" IN ('membership.added', 'membership.removed', 'membership.role_changed',
                    'user.created', 'user.blocked', 'user.unblocked', 'sync.breaker_tripped') THEN NEW."action"
                  WHEN NEW."action" = 'user.updated' AND json_extract(NEW."before", '$.status') = 'active'
                    AND json_extract(NEW."after", '$.status') = 'blocked' THEN 'user.blocked'
                  WHEN NEW."action" = 'user.updated' AND json_extract(NEW."before", '$.status') = 'blocked'
                    AND json_extract(NEW."after", '$.status') = 'active' THEN 'user.unblocked'
                  WHEN NEW."action" = 'sso.sign_in_refused' THEN 'sign_in.refused'
                  WHEN NEW."action" = 'sync.signup_denied' THEN 'signup.denied'
                  WHEN NEW."action" = 'webhook.tested' THEN 'webhook.test'
                END AS "type") e
              JOIN "webhooks" w ON w."tenantId" = NEW."tenantId" AND w."enabled" = 1
              WHERE e."type" IS NOT NULL
                AND CASE WHEN e."type" = 'webhook.test' THEN w."id" = NEW."targetId"
                  ELSE instr(w."events", ' ' || e."type" || ' ') > 0 END;
            END
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "audit_events_webhook_outbox"`);
    await queryRunner.query(`DROP INDEX "IDX_16a9adfe216f36741570dce123"`);
    await queryRunner.query(`DROP INDEX "IDX_d31f853b71c54471b7cff20a88"`);
    await queryRunner.query(`DROP INDEX "IDX_2ea65145f74113a92ac3107d54"`);
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    await queryRunner.query(`DROP INDEX "IDX_9b9cda1c2652a0dac5bf9a6ac3"`);
    await queryRunner.query(`DROP TABLE "webhooks"`);
  }
}
