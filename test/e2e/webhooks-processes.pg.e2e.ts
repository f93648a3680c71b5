import { WebhookWorker } from '../../src/webhooks/webhook-worker.service';
import { WebhookDelivery } from '../../src/webhooks/webhook.entity';
import { newGroup, newTenant, newUser } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { FAST, newWebhook, parsed, WebhookReceiver } from '../support/webhook-receiver';

const USERS = 12;
const ORDER = ['membership.added', 'membership.role_changed', 'membership.removed'];

/**
 * Two app instances (each with its own connection pool and worker) on one PostgreSQL database, as
 * two processes behind a load balancer: their row claims must never send one event twice, and each
 * user's events must still arrive in order.
 */
describe('webhook workers of two instances on one PostgreSQL', () => {
  let db: TestDatabase;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ migrated: true });
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await db.drop();
  });

  it('each event is sent once, in order per user, by two workers draining one outbox at once', async () => {
    const writer = await startTestApp({ WEBHOOK_POLL_MS: '0' }, db);
    apps.push(writer);
    const r = await WebhookReceiver.start();
    r.delayMs = 20;
    try {
      const { slug } = await newTenant(writer);
      await newWebhook(writer, slug, r.url, ORDER);
      const group = await newGroup(writer, slug);
      for (let i = 0; i < USERS; i++) {
        const user = await newUser(writer, slug);
        const path = `/api/v1/tenants/${slug}/groups/${group.id}/members/${user.id}`;
        await writer.op.put(path).send({ role: 'developer' }).expect(200);
        await writer.op.put(path).send({ role: 'maintainer' }).expect(200);
        await writer.op.delete(path).expect(204);
      }
      // Two more instances, their workers draining the same outbox at the same moment.
      // A generous timeout: on a busy machine a slow answer would be retried, a second request that
      // at-least-once allows; here a second request can only come from two claims of one row.
      const worker = { ...FAST, WEBHOOK_POLL_MS: '0', WEBHOOK_TIMEOUT_MS: '30000' };
      const a = await startTestApp(worker, db);
      apps.push(a);
      const b = await startTestApp(worker, db);
      apps.push(b);
      await Promise.all([a.app.get(WebhookWorker).drain(), b.app.get(WebhookWorker).drain()]);
      // Every row is delivered, so nothing can claim one again: the requests are all there will be.
      const rows = await writer.dataSource.getRepository(WebhookDelivery).find();
      expect(rows.filter((d) => d.status !== 'delivered' || d.attempts !== 1)).toEqual([]);
      const ids = r.requests.map((q) => String(q.headers['groupsync-event-id']));
      expect(ids).toHaveLength(USERS * ORDER.length);
      expect(new Set(ids).size).toBe(ids.length);
      const byUser = new Map<string, string[]>();
      for (const q of r.requests) {
        const body = parsed(q.body);
        byUser.set(String(body.userId), [...(byUser.get(String(body.userId)) ?? []), String(body.type)]);
      }
      expect(byUser.size).toBe(USERS);
      for (const types of byUser.values()) expect(types).toEqual(ORDER);
    } finally {
      await r.close();
    }
  }, 60_000);
});
