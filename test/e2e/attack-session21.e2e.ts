import { expectErrorShape, newTenant, newUser } from '../support/factories';
import { WebhookWorker } from '../../src/webhooks/webhook-worker.service';
import { startTestApp, TestApp } from '../support/test-app';
import { eventually, FAST, newWebhook, WebhookReceiver } from '../support/webhook-receiver';

const api = (slug: string) => `/api/v1/tenants/${slug}`;

/** Session 21's attack on the new surfaces (docs/security.md, "Session 21"). */
describe('attacks on session 21 (webhooks)', () => {
  let t: TestApp;
  const receivers: WebhookReceiver[] = [];
  const receiver = async () => {
    const r = await WebhookReceiver.start();
    receivers.push(r);
    return r;
  };

  beforeAll(async () => {
    t = await startTestApp({ ...FAST, WEBHOOK_POLL_MS: '0' });
  });
  afterAll(async () => {
    await t?.close();
    for (const r of receivers) await r.close();
  });

  it('a URL the format check passes but WHATWG refuses is a 400 that changes nothing, not a 500', async () => {
    const { slug } = await newTenant(t);
    const r = await receiver();
    const hook = await newWebhook(t, slug, r.url, ['user.created']);
    for (const url of ['https://[fe80::1%25eth0]/hook', 'http://[::1%25lo]:8080/']) {
      const created = await t.op
        .post(`${api(slug)}/webhooks`)
        .send({ url, events: ['user.created'] })
        .expect(400);
      expectErrorShape(created.body, 400, 'invalid_webhook_url');
      const patched = await t.op
        .patch(`${api(slug)}/webhooks/${hook.id}`)
        .send({ url })
        .expect(400);
      expectErrorShape(patched.body, 400, 'invalid_webhook_url');
    }
    const list = await t.op.get(`${api(slug)}/webhooks`).expect(200);
    expect(list.body.map((w: { url: string }) => w.url)).toEqual([r.url]);
  });

  it("one tenant's flood to a receiver that never answers does not hold another tenant's events", async () => {
    const a = await newTenant(t);
    const b = await newTenant(t);
    const slow = (await receiver()).answerWith();
    slow.fallback = 'hang';
    const fast = await receiver();
    await newWebhook(t, a.slug, slow.url, ['user.created']);
    await newWebhook(t, b.slug, fast.url, ['user.created']);
    // Thirty events of thirty users (no order among them), all older than tenant B's one event;
    // this app's worker does not poll, so one claim by hand sees them all.
    for (let i = 0; i < 30; i++) await newUser(t, a.slug);
    await newUser(t, b.slug);
    const round = t.app.get(WebhookWorker).runOnce();
    await eventually(
      () => fast.accepted.length,
      (n) => n === 1,
    );
    // B's event went out beside A's first few, not behind a batch of A's hanging ones.
    expect(slow.requests.length).toBeLessThanOrEqual(5);
    expect(await round).toBeLessThanOrEqual(6);
  });
});
