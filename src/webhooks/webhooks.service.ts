import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditEvent } from '../audit/audit-event.entity';
import { AuditService } from '../audit/audit.service';
import { SecretKeyService } from '../auth/secret-key.service';
import { newToken } from '../common/crypto';
import { decodeCursor, Page, PAGE_DEFAULT, toPage } from '../common/cursor';
import { badRequest, conflict, notFound } from '../common/errors';
import { literalInternalHost } from '../common/network-address';
import type { RequestContext, RouteTenant } from '../common/request-context';
import type { AllConfigType } from '../config/configuration';
import { insertRows } from '../database/insert';
import { Transactions } from '../database/transactions.service';
import type { CreateWebhookDto, DeliveriesQueryDto, UpdateWebhookDto } from './dto/webhook.dto';
import { encodeEvents } from './webhook-events';
import { deliveryView, DeliveryView, webhookView, WebhookView } from './webhook-views';
import { Webhook, WebhookDelivery } from './webhook.entity';

const parseUrl = (url: string): URL | null => {
  try {
    return new URL(url);
  } catch {
    return null;
  }
};

/** The audit action whose event the outbox trigger turns into a `webhook.test` for that webhook alone. */
const TESTED = 'webhook.tested';

/** The webhooks of a tenant as the API sees them; sending is webhook-worker.service.ts. */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly secretKey: SecretKeyService,
    private readonly config: ConfigService<AllConfigType, true>,
  ) {}

  async create(
    tenant: RouteTenant,
    dto: CreateWebhookDto,
    ctx: RequestContext,
  ): Promise<WebhookView & { secret: string }> {
    this.assertReceiverUrl(dto.url);
    const secret = newToken('whsec');
    const hook = this.dataSource.manager.create(Webhook, {
      tenantId: tenant.id,
      url: dto.url,
      description: dto.description ?? null,
      events: encodeEvents(dto.events),
      secret: this.secretKey.box.seal(secret),
      enabled: dto.enabled ?? true,
    });
    await this.tx.run(async (em) => {
      await insertRows(em, Webhook, hook);
      await this.record(em, ctx, tenant, 'webhook.created', hook, { after: webhookView(hook) });
    });
    return { ...webhookView(hook), secret };
  }

  async list(tenant: RouteTenant): Promise<WebhookView[]> {
    const rows = await this.dataSource.manager.find(Webhook, {
      where: { tenantId: tenant.id },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return rows.map(webhookView);
  }

  async get(tenant: RouteTenant, id: string): Promise<WebhookView> {
    return webhookView(await this.find(this.dataSource.manager, tenant, id));
  }

  async update(
    tenant: RouteTenant,
    id: string,
    dto: UpdateWebhookDto,
    ctx: RequestContext,
  ): Promise<WebhookView & { secret?: string }> {
    if (dto.url !== undefined) this.assertReceiverUrl(dto.url);
    const secret = dto.rotateSecret ? newToken('whsec') : undefined;
    const hook = await this.tx.run(async (em) => {
      const row = await this.find(em, tenant, id);
      const before = webhookView(row);
      if (dto.url !== undefined) row.url = dto.url;
      if (dto.events !== undefined) row.events = encodeEvents(dto.events);
      if (dto.description !== undefined) row.description = dto.description;
      if (dto.enabled !== undefined) {
        row.enabled = dto.enabled;
        if (dto.enabled) Object.assign(row, { disabledAt: null, disabledReason: null });
      }
      if (secret) row.secret = this.secretKey.box.seal(secret);
      row.updatedAt = new Date();
      await em.save(row);
      const after = webhookView(row);
      await this.record(em, ctx, tenant, 'webhook.updated', row, {
        before,
        after,
        details: { secretRotated: secret !== undefined },
      });
      return row;
    });
    return secret ? { ...webhookView(hook), secret } : webhookView(hook);
  }

  /** Deletes the webhook and its deliveries (pending ones are never sent). */
  async remove(tenant: RouteTenant, id: string, ctx: RequestContext): Promise<void> {
    await this.tx.run(async (em) => {
      const row = await this.find(em, tenant, id);
      await em.delete(Webhook, { id: row.id, tenantId: tenant.id });
      await this.record(em, ctx, tenant, 'webhook.deleted', row, { before: webhookView(row) });
    });
  }

  /** Newest first, paged by (createdAt, id). */
  async deliveries(tenant: RouteTenant, id: string, q: DeliveriesQueryDto): Promise<Page<DeliveryView>> {
    await this.find(this.dataSource.manager, tenant, id);
    const limit = q.limit ?? PAGE_DEFAULT;
    const qb = this.dataSource
      .createQueryBuilder(WebhookDelivery, 'd')
      .where('d.webhookId = :id AND d.tenantId = :tenantId', { id, tenantId: tenant.id });
    if (q.status) qb.andWhere('d.status = :status', { status: q.status });
    if (q.cursor) {
      const [at, last] = decodeCursor(q.cursor, 2, [1]);
      const before = new Date(at);
      // Only instants a page can have given: both databases store years 1970-9999.
      if (!(before.getTime() >= 0 && before.getTime() < Date.UTC(10000, 0, 1)))
        throw badRequest('invalid_cursor', 'cursor must be a nextCursor value from a previous page');
      qb.andWhere('(d.createdAt < :before OR (d.createdAt = :before AND d.id < :last))', { before, last });
    }
    const rows = await qb
      .orderBy('d.createdAt', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    return toPage(rows.map(deliveryView), limit, (d) => [d.createdAt, d.id]);
  }

  /** A new delivery of the same event (same event id and body), queued now, after the user's earlier ones. */
  async redeliver(
    tenant: RouteTenant,
    id: string,
    deliveryId: string,
    ctx: RequestContext,
  ): Promise<DeliveryView> {
    return this.tx.run(async (em) => {
      const hook = await this.find(em, tenant, id);
      const original = await em.findOneBy(WebhookDelivery, {
        id: deliveryId,
        webhookId: id,
        tenantId: tenant.id,
      });
      if (!original) throw notFound('Webhook delivery', deliveryId);
      const now = new Date();
      const copy = em.create(WebhookDelivery, {
        tenantId: tenant.id,
        webhookId: id,
        auditEventId: original.auditEventId,
        eventType: original.eventType,
        userId: original.userId,
        body: original.body,
        redeliveryOf: original.id,
        nextAttemptAt: now,
        createdAt: now,
      });
      await insertRows(em, WebhookDelivery, copy);
      await this.record(em, ctx, tenant, 'webhook.redelivered', hook, {
        details: { deliveryId: copy.id, redeliveryOf: original.id, eventId: original.auditEventId },
      });
      return deliveryView(copy);
    });
  }

  /**
   * Sends a `webhook.test` event to this webhook only, through the outbox like any event: the
   * audit event `webhook.tested` is what the trigger turns into the delivery. 409 when disabled.
   */
  async test(tenant: RouteTenant, id: string, ctx: RequestContext): Promise<DeliveryView> {
    return this.tx.run(async (em) => {
      const hook = await this.find(em, tenant, id);
      if (!hook.enabled)
        throw conflict('webhook_disabled', `Webhook "${id}" is disabled; enable it to send a test event`);
      await this.record(em, ctx, tenant, TESTED, hook, {
        details: { reason: 'A test event sent from the admin API' },
      });
      const event = await em.findOneOrFail(AuditEvent, {
        where: { tenantId: tenant.id, action: TESTED, targetId: id, correlationId: ctx.correlationId },
        order: { id: 'DESC' },
      });
      const delivery = await em.findOneByOrFail(WebhookDelivery, { webhookId: id, auditEventId: event.id });
      return deliveryView(delivery);
    });
  }

  private async find(em: EntityManager, tenant: RouteTenant, id: string): Promise<Webhook> {
    const row = await em.findOneBy(Webhook, { id, tenantId: tenant.id });
    if (!row) throw notFound('Webhook', id);
    return row;
  }

  private record(
    em: EntityManager,
    ctx: RequestContext,
    tenant: RouteTenant,
    action: string,
    hook: Webhook,
    extra: { before?: object; after?: object; details?: object },
  ): Promise<void> {
    return this.audit.record(em, ctx, tenant.id, {
      action,
      targetType: 'webhook',
      targetId: hook.id,
      ...extra,
    });
  }

  /**
   * The same rules as IdP URLs: https (plain http only in development), and no loopback or private
   * address written out, unless ALLOW_PRIVATE_NETWORK. Names are checked again after DNS at every send.
   */
  private assertReceiverUrl(url: string): void {
    const app = this.config.get('app', { infer: true });
    const parsed = parseUrl(url);
    // class-validator's format check passes some URLs WHATWG refuses (IPv6 zone ids: [fe80::1%25eth0]).
    if (!parsed) {
      const kind = literalInternalHost(url);
      const why = kind ? `points at a ${kind} address` : 'is not a URL this service can call';
      throw badRequest('invalid_webhook_url', `url ${why}`, { field: 'url' });
    }
    if (parsed.username || parsed.password)
      throw badRequest('invalid_webhook_url', 'url must not carry a user name or password', { field: 'url' });
    if (parsed.protocol !== 'https:' && !app.development)
      throw badRequest('insecure_url', 'url must use https', { field: 'url' });
    const kind = app.allowPrivateNetwork ? null : literalInternalHost(url);
    if (kind)
      throw badRequest(
        'invalid_webhook_url',
        `url points at a ${kind} address; webhooks are only sent to public addresses`,
        { field: 'url' },
      );
  }
}
