import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { SecretKeyService } from '../auth/secret-key.service';
import { guardedFetch } from '../common/guarded-fetch';
import { newId } from '../common/ids';
import type { RequestContext } from '../common/request-context';
import type { AllConfigType, WebhooksConfig } from '../config/configuration';
import { Transactions } from '../database/transactions.service';
import { retryDelayMs } from './webhook-backoff';
import { buildBody } from './webhook-payload';
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signatureHeader } from './webhook-signature';
import { Webhook, WebhookDelivery } from './webhook.entity';

/** Sends under way at once in one process (each the head of its user's queue). */
const BATCH = 20;
/** Of which at most this many for one tenant, whatever its number of webhooks. */
const PER_TENANT = 5;

/**
 * Due (`pending` whose time has come, or `delivering` whose lease ran out), its webhook enabled, and
 * the head of its (webhook, user) queue: an earlier event not yet delivered holds the rest.
 */
const claimable = (d: string) =>
  `(("${d}"."status" = 'pending' AND "${d}"."nextAttemptAt" <= :now) ` +
  `OR ("${d}"."status" = 'delivering' AND "${d}"."lockedUntil" < :now)) ` +
  `AND EXISTS (SELECT 1 FROM "webhooks" w WHERE w."id" = "${d}"."webhookId" AND w."enabled" = TRUE) ` +
  `AND NOT EXISTS (SELECT 1 FROM "webhook_deliveries" p WHERE p."webhookId" = "${d}"."webhookId" ` +
  `AND p."userId" = "${d}"."userId" AND p."status" IN ('pending', 'delivering') ` +
  `AND p."auditEventId" < "${d}"."auditEventId")`;

interface Attempt {
  body: string | null;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * Sends the outbox in every process (docs/webhooks.md, "Delivery"). A poll claims due deliveries in
 * one transaction: `pending` ones whose time has come, and `delivering` ones whose lease ran out (their
 * process died mid-send), skipping any whose (webhook, user) has an earlier delivery still pending or
 * in flight, so one user's events arrive in order. `FOR UPDATE SKIP LOCKED` on PostgreSQL keeps two
 * processes off the same row; SQLite has one process. The send happens outside any transaction; its
 * outcome is written only if this worker still holds the claim.
 */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private readonly settings: WebhooksConfig;
  /** This worker, as `lockedBy` names it. */
  readonly id = newId();
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  /** Sends under way from the timer's polls. */
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly secretKey: SecretKeyService,
    config: ConfigService<AllConfigType, true>,
  ) {
    this.settings = config.get('ops.webhooks', { infer: true });
  }

  onApplicationBootstrap(): void {
    if (this.settings.pollMs === 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.fill()
        .catch((error: Error) => this.logger.warn({ msg: 'Webhook worker failed', cause: error.message }))
        .finally(() => (this.running = undefined));
    }, this.settings.pollMs);
    this.timer.unref();
  }

  /** Shutdown: sends in flight finish (bounded by WEBHOOK_TIMEOUT_MS); nothing new is claimed. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running;
    await Promise.all(this.inFlight);
  }

  /**
   * The timer's poll: claims while fewer than BATCH sends are under way, and does not wait for them,
   * so a receiver that answers slowly holds its tenant's slots (at most PER_TENANT), not every poll.
   */
  private async fill(): Promise<void> {
    for (let room = BATCH - this.inFlight.size; room > 0 && !this.stopping;) {
      const claimed = await this.tx.run((em) => this.claim(em, new Date(), room));
      for (const delivery of claimed) {
        const send: Promise<void> = this.deliver(delivery).finally(() => this.inFlight.delete(send));
        this.inFlight.add(send);
      }
      if (claimed.length < room) return;
      room = BATCH - this.inFlight.size;
    }
  }

  /** Sends until nothing is due (tests; the timer uses fill). */
  async drain(): Promise<void> {
    while (!this.stopping && (await this.runOnce()) > 0);
  }

  /** Claims one batch of due deliveries and sends them; the number claimed. */
  async runOnce(): Promise<number> {
    const claimed = await this.tx.run((em) => this.claim(em, new Date(), BATCH));
    await Promise.all(claimed.map((d) => this.deliver(d)));
    return claimed.length;
  }

  private async claim(em: EntityManager, now: Date, limit: number): Promise<WebhookDelivery[]> {
    const qb = em
      .createQueryBuilder(WebhookDelivery, 'd')
      .where(claimable('d'), { now })
      // At most PER_TENANT in flight per tenant (oldest first, counting sends under way in any
      // process): one tenant's flood, or its receivers that never answer, cannot take every slot.
      .andWhere(
        `"d"."id" IN (SELECT r."id" FROM (SELECT c."id", c."tenantId", ROW_NUMBER() OVER ` +
          `(PARTITION BY c."tenantId" ORDER BY c."auditEventId", c."id") AS rn ` +
          `FROM "webhook_deliveries" c WHERE ${claimable('c')}) r WHERE r.rn <= ${PER_TENANT} - ` +
          `(SELECT COUNT(*) FROM "webhook_deliveries" f WHERE f."tenantId" = r."tenantId" ` +
          `AND f."status" = 'delivering' AND f."lockedUntil" >= :now))`,
      )
      .orderBy('d.auditEventId', 'ASC')
      .limit(limit);
    if (this.tx.dialect === 'postgres')
      qb.setLock('pessimistic_write', undefined, ['d']).setOnLocked('skip_locked');
    const rows = await qb.getMany();
    if (rows.length === 0) return rows;
    const lockedUntil = new Date(now.getTime() + this.settings.leaseSeconds * 1000);
    await em
      .createQueryBuilder()
      .update(WebhookDelivery)
      .set({ status: 'delivering', lockedBy: this.id, lockedUntil, attempts: () => '"attempts" + 1' })
      .whereInIds(rows.map((r) => r.id))
      .execute();
    return rows.map((r) => Object.assign(r, { status: 'delivering', attempts: r.attempts + 1 }));
  }

  private async deliver(delivery: WebhookDelivery): Promise<void> {
    try {
      const attempt = await this.attempt(delivery);
      await this.tx.run((em) => this.record(em, delivery, attempt));
    } catch (error) {
      // Left `delivering`: the lease runs out and a later poll tries again.
      this.logger.warn({
        msg: 'Webhook delivery failed',
        delivery: delivery.id,
        cause: (error as Error).message,
      });
    }
  }

  /** One HTTP POST of the delivery's body, signed with the webhook's current secret. */
  private async attempt(delivery: WebhookDelivery): Promise<Attempt> {
    const { hook, body } = await this.tx.run(async (em) => ({
      hook: await em.findOneByOrFail(Webhook, { id: delivery.webhookId }),
      body: delivery.body ?? (await buildBody(em, delivery)),
    }));
    if (body === null) return { body, statusCode: null, error: 'the audit event was deleted', durationMs: 0 };
    const secret = this.secretKey.box.open(hook.secret);
    const started = Date.now();
    try {
      const response = await guardedFetch(hook.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'groupsync-webhooks/1',
          [SIGNATURE_HEADER]: signatureHeader(secret, Math.floor(Date.now() / 1000), body),
          [EVENT_ID_HEADER]: delivery.auditEventId,
          [EVENT_TYPE_HEADER]: delivery.eventType,
        },
        body,
      });
      await response.arrayBuffer().catch(() => undefined);
      const ok = response.status >= 200 && response.status < 300;
      return {
        body,
        statusCode: response.status,
        error: ok ? null : `the receiver answered ${response.status}`,
        durationMs: Date.now() - started,
      };
    } catch {
      // guardedFetch says only "could not be reached" (refused address, DNS, timeout, closed port).
      const durationMs = Date.now() - started;
      const timedOut = durationMs >= this.settings.timeoutMs;
      const error = timedOut
        ? `no answer within ${this.settings.timeoutMs} ms`
        : 'the receiver could not be reached';
      return { body, statusCode: null, error, durationMs };
    }
  }

  /** The outcome, if this worker still holds the claim: delivered, retried later, or given up. */
  private async record(em: EntityManager, delivery: WebhookDelivery, attempt: Attempt): Promise<void> {
    const now = new Date();
    const held = { id: delivery.id, lockedBy: this.id, status: 'delivering' as const };
    const common = {
      lockedBy: null,
      lockedUntil: null,
      body: attempt.body,
      lastStatusCode: attempt.statusCode,
      lastError: attempt.error,
      lastDurationMs: attempt.durationMs,
    };
    if (attempt.error === null) {
      await em.update(WebhookDelivery, held, { ...common, status: 'delivered', deliveredAt: now });
      return;
    }
    const age = now.getTime() - delivery.createdAt.getTime();
    if (attempt.body !== null && age < this.settings.maxAgeSeconds * 1000) {
      const wait = retryDelayMs(
        { baseMs: this.settings.retryBaseMs, maxMs: this.settings.retryMaxMs },
        delivery.attempts,
        Math.random(),
      );
      await em.update(WebhookDelivery, held, {
        ...common,
        status: 'pending',
        nextAttemptAt: new Date(now.getTime() + wait),
      });
      return;
    }
    const result = await em.update(WebhookDelivery, held, { ...common, status: 'failed' });
    if (result.affected && attempt.body !== null) await this.disable(em, delivery, attempt, now);
  }

  /** A receiver failing for longer than WEBHOOK_MAX_AGE_SECONDS is turned off, audited as webhook.disabled. */
  private async disable(
    em: EntityManager,
    delivery: WebhookDelivery,
    attempt: Attempt,
    now: Date,
  ): Promise<void> {
    const reason =
      `an event was still not delivered ${this.settings.maxAgeSeconds} s after it was written ` +
      `(last attempt: ${attempt.error})`;
    const result = await em.update(
      Webhook,
      { id: delivery.webhookId, enabled: true },
      { enabled: false, disabledAt: now, disabledReason: reason, updatedAt: now },
    );
    if (!result.affected) return;
    this.logger.warn({ msg: 'Webhook disabled', webhook: delivery.webhookId, reason });
    const ctx: RequestContext = {
      correlationId: newId(),
      ip: null,
      userAgent: null,
      actor: { type: 'system', id: null, label: 'webhooks' },
    };
    await this.audit.record(em, ctx, delivery.tenantId, {
      action: 'webhook.disabled',
      targetType: 'webhook',
      targetId: delivery.webhookId,
      details: {
        reason,
        deliveryId: delivery.id,
        eventId: delivery.auditEventId,
        attempts: delivery.attempts,
      },
    });
  }
}
