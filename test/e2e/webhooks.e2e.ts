import { Webhook } from '../../src/webhooks/webhook.entity';
import { checkAgainst } from '../support/openapi-check';
import {
  auditEventsOf,
  expectErrorShape,
  newApiKey,
  newGroup,
  newTenant,
  newUser,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import {
  deliveriesOf,
  eventually,
  FAST,
  newWebhook,
  parsed,
  WebhookReceiver,
  documentedVerifier,
} from '../support/webhook-receiver';

const api = (slug: string) => `/api/v1/tenants/${slug}`;

describe('signed webhooks (#16)', () => {
  let t: TestApp;
  const receivers: WebhookReceiver[] = [];
  const receiver = async () => {
    const r = await WebhookReceiver.start();
    receivers.push(r);
    return r;
  };

  beforeAll(async () => {
    t = await startTestApp(FAST);
  });
  afterAll(async () => {
    await t?.close();
    for (const r of receivers) await r.close();
  });

  it('creates a webhook, shows its secret once, stores it sealed, and validates input', async () => {
    const { slug } = await newTenant(t);
    const r = await receiver();
    const created = await newWebhook(t, slug, r.url, ['user.created', 'membership.added']);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.events).toEqual(['membership.added', 'user.created']);
    const read = await t.op.get(`${api(slug)}/webhooks/${created.id}`).expect(200);
    expect(read.body).not.toHaveProperty('secret');
    expect(read.body).toMatchObject({ url: r.url, enabled: true, disabledAt: null });
    const list = await t.op.get(`${api(slug)}/webhooks`).expect(200);
    expect(list.body.map((w: { id: string }) => w.id)).toEqual([created.id]);
    const stored = await t.dataSource.getRepository(Webhook).findOneByOrFail({ id: created.id });
    expect(stored.secret).not.toContain(created.secret);

    for (const bad of [
      { url: r.url, events: ['user.deleted'] },
      { url: r.url, events: [] },
      { url: 'ftp://example.com/x', events: ['user.created'] },
      { url: r.url, events: ['user.created'], extra: 1 },
    ]) {
      const res = await t.op
        .post(`${api(slug)}/webhooks`)
        .send(bad)
        .expect(400);
      expectErrorShape(res.body, 400);
    }
    expect((await t.op.get(`${api(slug)}/webhooks`).expect(200)).body).toHaveLength(1);

    const rotated = await t.op
      .patch(`${api(slug)}/webhooks/${created.id}`)
      .send({ rotateSecret: true, description: 'CRM' })
      .expect(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.secret);
    expect(rotated.body.description).toBe('CRM');
    const audit = await auditEventsOf(t, slug, 'webhook.*');
    expect(audit.map((e) => e.action)).toEqual(['webhook.updated', 'webhook.created']);
    expect(JSON.stringify(audit)).not.toContain(created.secret);
    expect(JSON.stringify(audit)).not.toContain(rotated.body.secret);

    await t.op.delete(`${api(slug)}/webhooks/${created.id}`).expect(204);
    await t.op.get(`${api(slug)}/webhooks/${created.id}`).expect(404);
  });

  it("keeps tenants apart: another tenant's webhook ids are 404, its API key is refused", async () => {
    const a = await newTenant(t);
    const b = await newTenant(t);
    const r = await receiver();
    const hook = await newWebhook(t, a.slug, r.url, ['user.created']);
    await t.op.post(`${api(a.slug)}/webhooks/${hook.id}/test`).expect(202);
    const delivery = (
      await eventually(
        () => deliveriesOf(t, a.slug, hook.id),
        (d) => d.length === 1,
      )
    )[0];
    for (const [method, path] of [
      ['get', `/webhooks/${hook.id}`],
      ['patch', `/webhooks/${hook.id}`],
      ['delete', `/webhooks/${hook.id}`],
      ['get', `/webhooks/${hook.id}/deliveries`],
      ['post', `/webhooks/${hook.id}/test`],
      ['post', `/webhooks/${hook.id}/deliveries/${String(delivery.id)}/redeliver`],
    ] as const) {
      const call = t.op[method](`${api(b.slug)}${path}`);
      const res = await (method === 'patch' || method === 'post' ? call.send({}) : call).expect(404);
      expectErrorShape(res.body, 404, 'webhook_not_found');
    }
    expect((await t.op.get(`${api(b.slug)}/webhooks`).expect(200)).body).toEqual([]);
    const keyOfB = await newApiKey(t, b.slug);
    await keyOfB.as('get', `${api(a.slug)}/webhooks`).expect(403);
    await keyOfB.as('get', `${api(b.slug)}/webhooks/${hook.id}`).expect(404);
    expect((await t.op.get(`${api(a.slug)}/webhooks/${hook.id}`).expect(200)).body.enabled).toBe(true);
  });

  it('signs each delivery so that the documented snippet verifies it', async () => {
    const { slug, id: tenantId } = await newTenant(t);
    const r = await receiver();
    const hook = await newWebhook(t, slug, r.url, ['user.created']);
    const user = await newUser(t, slug, 'signed@example.com');
    await eventually(
      () => r.accepted,
      (a) => a.length === 1,
    );
    const [request] = r.accepted;
    const verify = documentedVerifier();
    const header = String(request.headers['groupsync-signature']);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verify(hook.secret, header, request.body)).toBe(true);
    expect(verify(hook.secret, header, request.body.replace('signed@', 'forged@'))).toBe(false);
    expect(verify('whsec_wrong', header, request.body)).toBe(false);
    const body = parsed(request.body);
    expect(body).toMatchObject({
      type: 'user.created',
      tenant: { id: tenantId, slug },
      actor: { type: 'operator' },
      userId: user.id,
      auditAction: 'user.created',
    });
    expect(request.headers['groupsync-event-id']).toBe(body.id);
    expect(request.headers['groupsync-event-type']).toBe('user.created');
    const [audit] = (await t.op.get(`${api(slug)}/audit-events?action=user.created`).expect(200)).body
      .items as { id: string; correlationId: string }[];
    expect(body).toMatchObject({ id: audit.id, correlationId: audit.correlationId });
    const [delivery] = await deliveriesOf(t, slug, hook.id);
    expect(delivery).toMatchObject({
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 200,
      eventId: audit.id,
    });
    expect(delivery.lastDurationMs).toEqual(expect.any(Number));
  });

  it('retries after a 500 and after a receiver that hangs past the timeout, with the same event and body', async () => {
    const { slug } = await newTenant(t);
    const r = await receiver();
    r.answerWith(500, 'hang');
    const hook = await newWebhook(t, slug, r.url, ['user.created']);
    await newUser(t, slug);
    const [delivery] = await eventually(
      () => deliveriesOf(t, slug, hook.id),
      (d) => d[0]?.status === 'delivered',
    );
    expect(delivery).toMatchObject({ attempts: 3, lastStatusCode: 200, lastError: null });
    expect(r.requests.map((q) => q.answered)).toEqual([500, null, 200]);
    expect(new Set(r.requests.map((q) => q.headers['groupsync-event-id'])).size).toBe(1);
    expect(new Set(r.requests.map((q) => q.body)).size).toBe(1);
  });

  it("delivers one user's events in order, holding later ones while an earlier one is retried", async () => {
    const { slug } = await newTenant(t);
    const r = await receiver();
    r.answerWith(500, 500);
    const hook = await newWebhook(t, slug, r.url, [
      'membership.added',
      'membership.role_changed',
      'membership.removed',
    ]);
    const user = await newUser(t, slug);
    const group = await newGroup(t, slug);
    const members = `${api(slug)}/groups/${group.id}/members/${user.id}`;
    await t.op.put(members).send({ role: 'developer' }).expect(200);
    await t.op.put(members).send({ role: 'maintainer' }).expect(200);
    await t.op.delete(members).expect(204);
    await eventually(
      () => r.accepted,
      (a) => a.length === 3,
    );
    const types = (list: typeof r.requests) => list.map((q) => parsed(q.body).type);
    // The first event failed twice; nothing later went out before it succeeded.
    expect(types(r.requests)).toEqual([
      'membership.added',
      'membership.added',
      'membership.added',
      'membership.role_changed',
      'membership.removed',
    ]);
    expect(r.requests.map((q) => q.answered)).toEqual([500, 500, 200, 200, 200]);
    const deliveries = await deliveriesOf(t, slug, hook.id);
    expect(deliveries.map((d) => [d.eventType, d.status, d.userId])).toEqual([
      ['membership.removed', 'delivered', user.id],
      ['membership.role_changed', 'delivered', user.id],
      ['membership.added', 'delivered', user.id],
    ]);
  });

  it('redelivers an event as a new delivery with the same event id and body', async () => {
    const { slug } = await newTenant(t);
    const r = await receiver();
    const hook = await newWebhook(t, slug, r.url, ['user.created']);
    await newUser(t, slug);
    const [first] = await eventually(
      () => deliveriesOf(t, slug, hook.id),
      (d) => d[0]?.status === 'delivered',
    );
    const again = await t.op
      .post(`${api(slug)}/webhooks/${hook.id}/deliveries/${String(first.id)}/redeliver`)
      .expect(202);
    expect(again.body).toMatchObject({ status: 'pending', redeliveryOf: first.id, eventId: first.eventId });
    await eventually(
      () => r.accepted,
      (a) => a.length === 2,
    );
    expect(r.accepted[1].body).toBe(r.accepted[0].body);
    expect(r.accepted[1].headers['groupsync-event-id']).toBe(first.eventId);
    const missing = '00000000-0000-4000-8000-000000000000';
    await t.op.post(`${api(slug)}/webhooks/${hook.id}/deliveries/${missing}/redeliver`).expect(404);
    expect(await auditEventsOf(t, slug, 'webhook.redelivered')).toHaveLength(1);
  });

  it('sends a test event to that webhook only, and refuses one to a disabled webhook', async () => {
    const { slug } = await newTenant(t);
    const r = await receiver();
    const other = await receiver();
    const hook = await newWebhook(t, slug, r.url, ['signup.denied']);
    await newWebhook(t, slug, other.url, ['signup.denied']);
    const queued = await t.op.post(`${api(slug)}/webhooks/${hook.id}/test`).expect(202);
    expect(queued.body).toMatchObject({ eventType: 'webhook.test', webhookId: hook.id });
    await eventually(
      () => r.accepted,
      (a) => a.length === 1,
    );
    expect(parsed(r.accepted[0].body)).toMatchObject({ type: 'webhook.test', id: queued.body.eventId });
    await t.op
      .patch(`${api(slug)}/webhooks/${hook.id}`)
      .send({ enabled: false })
      .expect(200);
    const refused = await t.op.post(`${api(slug)}/webhooks/${hook.id}/test`).expect(409);
    expectErrorShape(refused.body, 409, 'webhook_disabled');
    expect(other.requests).toEqual([]);
  });

  it('answers as the OpenAPI document says', async () => {
    const { slug } = await newTenant(t);
    const r = await receiver();
    const doc = (await t.op.get('/api/docs/openapi.json').expect(200)).body;
    const base = '/api/v1/tenants/{tenant}/webhooks';
    const schemaOf = (path: string, method: string, status: number) =>
      doc.paths[path][method].responses[String(status)].content['application/json'].schema;
    const created = await t.op.post(`${api(slug)}/webhooks`).send({ url: r.url, events: ['user.created'] });
    const id = created.body.id as string;
    const tested = await t.op.post(`${api(slug)}/webhooks/${id}/test`).expect(202);
    await eventually(
      () => deliveriesOf(t, slug, id),
      (d) => d[0]?.status === 'delivered',
    );
    const answers: [string, string, number, unknown][] = [
      [base, 'post', 201, created.body],
      [base, 'get', 200, (await t.op.get(`${api(slug)}/webhooks`).expect(200)).body],
      [`${base}/{webhookId}`, 'get', 200, (await t.op.get(`${api(slug)}/webhooks/${id}`).expect(200)).body],
      [
        `${base}/{webhookId}`,
        'patch',
        200,
        (
          await t.op
            .patch(`${api(slug)}/webhooks/${id}`)
            .send({ rotateSecret: true })
            .expect(200)
        ).body,
      ],
      [`${base}/{webhookId}/test`, 'post', 202, tested.body],
      [
        `${base}/{webhookId}/deliveries`,
        'get',
        200,
        (await t.op.get(`${api(slug)}/webhooks/${id}/deliveries?limit=1`).expect(200)).body,
      ],
      [
        `${base}/{webhookId}/deliveries/{deliveryId}/redeliver`,
        'post',
        202,
        (
          await t.op
            .post(`${api(slug)}/webhooks/${id}/deliveries/${String(tested.body.id)}/redeliver`)
            .expect(202)
        ).body,
      ],
    ];
    const problems = answers.flatMap(([path, method, status, body]) =>
      checkAgainst(body, schemaOf(path, method, status), doc.components.schemas).map(
        (p) => `${method} ${path}: ${p}`,
      ),
    );
    expect(problems).toEqual([]);
    expect(doc.paths[`${base}/{webhookId}/test`].post.responses['409']).toBeDefined();
  });

  it('pages deliveries newest first with a cursor, and refuses a forged cursor', async () => {
    const { slug } = await newTenant(t);
    const r = await receiver();
    const hook = await newWebhook(t, slug, r.url, ['user.created']);
    for (let i = 0; i < 3; i++) await newUser(t, slug);
    const all = await deliveriesOf(t, slug, hook.id);
    expect(all).toHaveLength(3);
    const first = await t.op.get(`${api(slug)}/webhooks/${hook.id}/deliveries?limit=2`).expect(200);
    const second = await t.op
      .get(`${api(slug)}/webhooks/${hook.id}/deliveries?limit=2&cursor=${first.body.nextCursor}`)
      .expect(200);
    expect(second.body.nextCursor).toBeNull();
    expect([...first.body.items, ...second.body.items].map((d: { id: string }) => d.id)).toEqual(
      all.map((d) => d.id),
    );
    const forged = await t.op.get(`${api(slug)}/webhooks/${hook.id}/deliveries?cursor=bm9wZQ`).expect(400);
    expectErrorShape(forged.body, 400, 'invalid_cursor');
  });

  it('refuses private and loopback receivers at save unless ALLOW_PRIVATE_NETWORK', async () => {
    const strict = await startTestApp({ ALLOW_PRIVATE_NETWORK: 'false' });
    try {
      const { slug } = await newTenant(strict);
      for (const url of ['https://10.1.2.3/hook', 'https://localhost/hook', 'https://[::1]/hook']) {
        const res = await strict.op.post(`${api(slug)}/webhooks`).send({ url, events: ['user.created'] });
        expect(res.status).toBe(400);
        expectErrorShape(res.body, 400, 'invalid_webhook_url');
      }
      const plain = await strict.op
        .post(`${api(slug)}/webhooks`)
        .send({ url: 'http://hooks.example.com/x', events: ['user.created'] })
        .expect(400);
      expectErrorShape(plain.body, 400, 'insecure_url');
      expect((await strict.op.get(`${api(slug)}/webhooks`).expect(200)).body).toEqual([]);
      expect(await auditEventsOf(strict, slug, 'webhook.*')).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});
