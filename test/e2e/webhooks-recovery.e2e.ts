import { RetentionService } from '../../src/retention/retention.service';
import { WebhookWorker } from '../../src/webhooks/webhook-worker.service';
import { WebhookDelivery } from '../../src/webhooks/webhook.entity';
import { auditEventsOf, newTenant, newUser } from '../support/factories';
import { startTestApp } from '../support/test-app';
import { createTestDatabase } from '../support/test-database';
import {
  deliveriesOf,
  eventually,
  FAST,
  newWebhook,
  parsed,
  WebhookReceiver,
} from '../support/webhook-receiver';

const api = (slug: string) => `/api/v1/tenants/${slug}`;

describe('webhooks across a crash and a receiver that keeps failing (#16)', () => {
  it('delivers, after a restart, an event committed while no worker ran', async () => {
    const db = await createTestDatabase({ migrated: true });
    const r = await WebhookReceiver.start();
    try {
      const before = await startTestApp({ WEBHOOK_POLL_MS: '0' }, db);
      const { slug } = await newTenant(before);
      const hook = await newWebhook(before, slug, r.url, ['user.created']);
      await newUser(before, slug, 'after-crash@example.com');
      expect(await before.dataSource.getRepository(WebhookDelivery).countBy({ webhookId: hook.id })).toBe(1);
      await before.close();
      expect(r.requests).toEqual([]);

      const after = await startTestApp(FAST, db);
      try {
        await eventually(
          () => r.accepted,
          (a) => a.length === 1,
        );
        expect(parsed(r.accepted[0].body)).toMatchObject({ type: 'user.created' });
        const [delivery] = await eventually(
          () => deliveriesOf(after, slug, hook.id),
          (d) => d[0]?.status === 'delivered',
        );
        expect(delivery.attempts).toBe(1);
      } finally {
        await after.close();
      }
    } finally {
      await r.close();
      await db.drop();
    }
  });

  it('sends again a delivery whose process died mid-send, once its lease ran out, and not before', async () => {
    const t = await startTestApp({ WEBHOOK_POLL_MS: '0' });
    const r = await WebhookReceiver.start();
    try {
      const { slug } = await newTenant(t);
      const hook = await newWebhook(t, slug, r.url, ['user.created']);
      await newUser(t, slug);
      await newUser(t, slug);
      const repo = t.dataSource.getRepository(WebhookDelivery);
      const [dead, held] = await repo.find({ where: { webhookId: hook.id }, order: { auditEventId: 'ASC' } });
      const past = new Date(Date.now() - 1000);
      const future = new Date(Date.now() + 600_000);
      await repo.update(dead.id, { status: 'delivering', lockedBy: 'dead', lockedUntil: past, attempts: 1 });
      await repo.update(held.id, {
        status: 'delivering',
        lockedBy: 'alive',
        lockedUntil: future,
        attempts: 1,
      });
      await t.app.get(WebhookWorker).drain();
      expect(r.accepted.map((q) => q.headers['groupsync-event-id'])).toEqual([dead.auditEventId]);
      expect(await repo.findOneByOrFail({ id: dead.id })).toMatchObject({
        status: 'delivered',
        attempts: 2,
        lockedBy: null,
      });
      expect(await repo.findOneByOrFail({ id: held.id })).toMatchObject({
        status: 'delivering',
        lockedBy: 'alive',
      });
    } finally {
      await t.close();
      await r.close();
    }
  });

  it('retention deletes finished deliveries older than RETENTION_WEBHOOK_DELIVERY_DAYS, never pending ones', async () => {
    const t = await startTestApp({ WEBHOOK_POLL_MS: '0', RETENTION_WEBHOOK_DELIVERY_DAYS: '7' });
    try {
      const { slug } = await newTenant(t);
      const hook = await newWebhook(t, slug, 'http://127.0.0.1:9/hook', ['user.created']);
      for (let i = 0; i < 4; i++) await newUser(t, slug);
      const repo = t.dataSource.getRepository(WebhookDelivery);
      const rows = await repo.find({ where: { webhookId: hook.id }, order: { auditEventId: 'ASC' } });
      const old = new Date(Date.now() - 8 * 86_400_000);
      const recent = new Date(Date.now() - 6 * 86_400_000);
      const set = ([status, createdAt]: [WebhookDelivery['status'], Date], i: number) =>
        repo.update(rows[i].id, { status, createdAt });
      const plan: [WebhookDelivery['status'], Date][] = [
        ['delivered', old],
        ['failed', old],
        ['pending', old],
        ['delivered', recent],
      ];
      await Promise.all(plan.map(set));
      const deleted = await t.app.get(RetentionService).pruneOnce();
      expect(deleted).toMatchObject({ webhook_deliveries: 2 });
      const left = await repo.find({ where: { webhookId: hook.id }, order: { auditEventId: 'ASC' } });
      expect(left.map((d) => d.id)).toEqual([rows[2].id, rows[3].id]);
    } finally {
      await t.close();
    }
  });

  it('fails the event and disables the webhook once it has failed past WEBHOOK_MAX_AGE_SECONDS, audited', async () => {
    const t = await startTestApp({ ...FAST, WEBHOOK_MAX_AGE_SECONDS: '1' });
    const r = await WebhookReceiver.start();
    r.fallback = 503;
    try {
      const { slug } = await newTenant(t);
      const hook = await newWebhook(t, slug, r.url, ['user.created']);
      await newUser(t, slug);
      const disabled = await eventually(
        () => t.op.get(`${api(slug)}/webhooks/${hook.id}`).then((res) => res.body),
        (w) => w.enabled === false,
      );
      expect(disabled.disabledAt).toEqual(expect.any(String));
      expect(disabled.disabledReason).toContain('503');
      const [delivery] = await deliveriesOf(t, slug, hook.id);
      expect(delivery).toMatchObject({ status: 'failed', lastStatusCode: 503 });
      expect(Number(delivery.attempts)).toBeGreaterThan(1);
      const [audit] = await auditEventsOf(t, slug, 'webhook.disabled');
      expect(audit).toMatchObject({ actor: { type: 'system' }, details: { deliveryId: delivery.id } });
      // Disabled: a new event is not even written for it.
      const sent = r.requests.length;
      await newUser(t, slug);
      expect(await t.dataSource.getRepository(WebhookDelivery).countBy({ webhookId: hook.id })).toBe(1);
      expect(r.requests.length).toBe(sent);
      // Enabled again: it clears the mark, and events flow.
      const enabled = await t.op
        .patch(`${api(slug)}/webhooks/${hook.id}`)
        .send({ enabled: true })
        .expect(200);
      expect(enabled.body).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null });
    } finally {
      await t.close();
      await r.close();
    }
  });
});
