import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, createServer as createTcpServer } from 'node:net';
import { configureOutbound } from '../../src/common/guarded-fetch';
import request from 'supertest';
import { signatureHeader } from '../../src/webhooks/webhook-signature';
import {
  auditEventsOf,
  expectErrorShape,
  newGroup,
  newGroupLink,
  newOidcIdp,
  newTenant,
  newUser,
} from '../support/factories';
import { WebhookWorker } from '../../src/webhooks/webhook-worker.service';
import { startTestApp, TestApp } from '../support/test-app';
import {
  documentedVerifier,
  eventually,
  FAST,
  newWebhook,
  WebhookReceiver,
} from '../support/webhook-receiver';

const api = (slug: string) => `/api/v1/tenants/${slug}`;
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

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
    const hookOfA = await newWebhook(t, a.slug, slow.url, ['user.created']);
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
    // A's 26 others would hang every later claim of this app for 3 s: off with its webhook.
    await t.op
      .patch(`${api(a.slug)}/webhooks/${hookOfA.id}`)
      .send({ enabled: false })
      .expect(200);
  });

  it('a name that resolves to loopback is refused at send time, before any connection', async () => {
    const strict = await startTestApp({ ALLOW_PRIVATE_NETWORK: 'false' });
    let connections = 0;
    const tcp = createTcpServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    // A hostile DNS record: a public-looking name pointing at this machine.
    configureOutbound({
      allowPrivateNetwork: false,
      resolve: async (host) => {
        if (host === 'hooks.rebind.test') return [{ address: '127.0.0.1', family: 4 }];
        throw new Error(`ENOTFOUND ${host}`);
      },
    });
    try {
      const { slug } = await newTenant(strict);
      const port = (tcp.address() as AddressInfo).port;
      const hook = await newWebhook(strict, slug, `https://hooks.rebind.test:${port}/hook`, ['user.created']);
      await strict.op.post(`${api(slug)}/webhooks/${hook.id}/test`).expect(202);
      await strict.app.get(WebhookWorker).runOnce();
      const [delivery] = (await strict.op.get(`${api(slug)}/webhooks/${hook.id}/deliveries`).expect(200)).body
        .items as { status: string; lastError: string; lastStatusCode: number | null }[];
      expect(delivery).toMatchObject({
        status: 'pending',
        lastStatusCode: null,
        lastError: 'the receiver could not be reached',
      });
      expect(connections).toBe(0);
    } finally {
      // The policy is process-wide, and the strict app set its own at start: back to this suite's app's.
      configureOutbound({ allowPrivateNetwork: true });
      await strict.close();
      await new Promise((resolve) => tcp.close(resolve));
    }
  });

  it('a redirect is a failed attempt: the Location (a private address) is never called', async () => {
    const { slug } = await newTenant(t);
    const inside = await receiver();
    const redirecting = await listen((_req, res) => res.writeHead(307, { location: inside.url }).end());
    try {
      const hook = await newWebhook(t, slug, urlOf(redirecting), ['user.created']);
      await t.op.post(`${api(slug)}/webhooks/${hook.id}/test`).expect(202);
      await t.app.get(WebhookWorker).runOnce();
      const [delivery] = (await t.op.get(`${api(slug)}/webhooks/${hook.id}/deliveries`).expect(200)).body
        .items as { status: string; lastError: string; lastStatusCode: number | null }[];
      expect(delivery).toMatchObject({ status: 'pending', lastStatusCode: 307 });
      expect(inside.requests).toEqual([]);
    } finally {
      redirecting.closeAllConnections();
      await new Promise((resolve) => redirecting.close(resolve));
    }
  });

  it('a signing secret is shown at create and rotate only: never in reads, audit events or deliveries', async () => {
    const { slug } = await newTenant(t);
    const r = await receiver();
    const hook = await newWebhook(t, slug, r.url, ['user.created']);
    const rotated = await t.op
      .patch(`${api(slug)}/webhooks/${hook.id}`)
      .send({ rotateSecret: true })
      .expect(200);
    const secrets = [hook.secret, rotated.body.secret as string];
    expect(secrets[1]).toMatch(/^whsec_/);
    await newUser(t, slug);
    await t.op.post(`${api(slug)}/webhooks/${hook.id}/test`).expect(202);
    await t.app.get(WebhookWorker).drain();
    expect(r.accepted).toHaveLength(2);
    const seen = [
      (await t.op.get(`${api(slug)}/webhooks`).expect(200)).text,
      (await t.op.get(`${api(slug)}/webhooks/${hook.id}`).expect(200)).text,
      (await t.op.get(`${api(slug)}/webhooks/${hook.id}/deliveries`).expect(200)).text,
      (await t.op.get(`${api(slug)}/audit-events?limit=200`).expect(200)).text,
      (await t.op.get(`${api(slug)}/audit-events.csv`).expect(200)).text,
      ...r.requests.map((q) => q.body + JSON.stringify(q.headers)),
    ];
    for (const text of seen) for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('SCIM group PATCH (the fast path) still refuses what it refused, and audits and sends each change', async () => {
    const scimOf = async (slug: string) => {
      await newOidcIdp(t, slug, 'entra');
      const made = await t.op
        .post(`${api(slug)}/scim-tokens`)
        .send({ idp: 'entra', name: 'p' })
        .expect(201);
      return (method: 'post' | 'patch', path: string, body: object) => {
        const agent = request(t.http);
        return (
          method === 'post' ? agent.post(`/scim/v2/${slug}${path}`) : agent.patch(`/scim/v2/${slug}${path}`)
        )
          .set('Authorization', `Bearer ${String(made.body.token)}`)
          .set('Content-Type', 'application/scim+json')
          .send(JSON.stringify(body));
      };
    };
    const a = await newTenant(t);
    const b = await newTenant(t);
    const scimA = await scimOf(a.slug);
    const scimB = await scimOf(b.slug);
    const r = await receiver();
    const hook = await newWebhook(t, a.slug, r.url, ['membership.added', 'membership.removed']);
    const eng = await newGroup(t, a.slug, { name: 'Eng' });
    await newGroupLink(t, a.slug, eng.id, { externalGroup: 'team', role: 'reporter' });
    const user = (await scimA('post', '/Users', { schemas: [USER], userName: 'u@example.com' }).expect(201))
      .body.id as string;
    const group = (await scimA('post', '/Groups', { schemas: [GROUP], displayName: 'team' }).expect(201)).body
      .id as string;
    const add = { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: user }] }] };
    for (const bad of [
      { schemas: [PATCH], Operations: [{ op: 'move', path: 'members', value: [{ value: user }] }] },
      { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: 'not-a-user' }] }] },
      { schemas: [PATCH], Operations: [{ op: 'add', path: '__proto__', value: { x: 1 } }] },
      // Over the body limit (413), though each operation alone would be fine.
      { schemas: [PATCH], Operations: new Array(20_000).fill(add.Operations[0]) },
    ])
      expect([400, 413]).toContain((await scimA('patch', `/Groups/${group}`, bad)).status);
    // Another tenant's token cannot reach this group.
    expect((await scimB('patch', `/Groups/${group}`, add)).status).toBe(404);
    expect(await auditEventsOf(t, a.slug, 'membership.*')).toEqual([]);
    expect(await auditEventsOf(t, b.slug, 'membership.*')).toEqual([]);

    await scimA('patch', `/Groups/${group}`, add).expect(200);
    const remove = { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${user}"]` }] };
    await scimA('patch', `/Groups/${group}`, remove).expect(200);
    expect((await auditEventsOf(t, a.slug, 'membership.*')).map((e) => e.action).sort()).toEqual([
      'membership.added',
      'membership.removed',
    ]);
    await t.app.get(WebhookWorker).drain();
    expect(r.accepted.map((q) => q.headers['groupsync-event-type'])).toEqual([
      'membership.added',
      'membership.removed',
    ]);
    expect(
      (await t.op.get(`${api(a.slug)}/webhooks/${hook.id}/deliveries`).expect(200)).body.items,
    ).toHaveLength(2);
  });

  it('the documented verification snippet refuses a signature older than five minutes (a replay)', () => {
    const verify = documentedVerifier();
    const body = '{"id":"x"}';
    const now = Math.floor(Date.now() / 1000);
    expect(verify('whsec_s', signatureHeader('whsec_s', now, body), body)).toBe(true);
    expect(verify('whsec_s', signatureHeader('whsec_s', now - 301, body), body)).toBe(false);
    expect(verify('whsec_s', signatureHeader('whsec_s', now + 301, body), body)).toBe(false);
    expect(verify('whsec_s', `t=${now},v1=`, body)).toBe(false);
    expect(verify('whsec_s', `v1=${signatureHeader('whsec_s', now, body).split('v1=')[1]}`, body)).toBe(
      false,
    );
  });

  it("a receiver that never answers does not hold the worker's polls for everyone else", async () => {
    // B's event went out while A's three sends were still waiting, not after they timed out.
    expect(await openWhenBArrives({ webhooksOfA: 1, eventsOfA: 3, hangingAtLeast: 3 })).toBe(3);
  });

  it("a receiver that never answers, behind many webhooks of one tenant, does not hold the others' polls", async () => {
    // Six webhooks of one tenant, four events each: more sends than one process runs at once. B's
    // event went out while A's sends were still waiting, and A held no more than its share.
    expect(await openWhenBArrives({ webhooksOfA: 6, eventsOfA: 4, hangingAtLeast: 5 })).toBe(5);
  });
});

/**
 * Tenant A's webhooks point at a receiver that never answers, B's at one that does. Once at least
 * `hangingAtLeast` of A's sends hang, B gets an event: how many of A's sends were open when it arrived.
 */
async function openWhenBArrives(o: { webhooksOfA: number; eventsOfA: number; hangingAtLeast: number }) {
  // A worker that polls, and waits 20 s for an answer: A's hanging sends stay open meanwhile.
  const w = await startTestApp({ ...FAST, WEBHOOK_TIMEOUT_MS: '20000' });
  const open = new Set<ServerResponse>();
  let openWhenBArrived = -1;
  const hang = await listen((_req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
  });
  const answer = await listen((_req, res) => {
    openWhenBArrived = open.size;
    res.writeHead(200).end('ok');
  });
  try {
    const a = await newTenant(w);
    const b = await newTenant(w);
    for (let i = 0; i < o.webhooksOfA; i++) await newWebhook(w, a.slug, urlOf(hang), ['user.created']);
    await newWebhook(w, b.slug, urlOf(answer), ['user.created']);
    for (let i = 0; i < o.eventsOfA; i++) await newUser(w, a.slug);
    await eventually(
      () => open.size,
      (n) => n >= o.hangingAtLeast,
    );
    await newUser(w, b.slug);
    await eventually(
      () => openWhenBArrived,
      (n) => n >= 0,
    );
    return openWhenBArrived;
  } finally {
    for (const res of open) res.destroy();
    await w.close();
    for (const server of [hang, answer]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }
}

async function listen(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handle(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
