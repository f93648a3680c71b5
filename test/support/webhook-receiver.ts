import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './test-app';

/**
 * A small worker for tests: polls often, retries after tens of milliseconds, and waits 3 s for an
 * answer (a busy machine answers slowly; a timeout would add a retry the tests do not expect).
 */
export const FAST = {
  WEBHOOK_POLL_MS: '40',
  WEBHOOK_RETRY_BASE_MS: '40',
  WEBHOOK_RETRY_MAX_MS: '200',
  WEBHOOK_TIMEOUT_MS: '3000',
};

const api = (slug: string) => `/api/v1/tenants/${slug}`;

export async function newWebhook(t: TestApp, slug: string, url: string, events: string[]) {
  const res = await t.op
    .post(`${api(slug)}/webhooks`)
    .send({ url, events })
    .expect(201);
  return res.body as { id: string; secret: string; events: string[] };
}

/** The newest 100 deliveries of a webhook, as the API lists them. */
export const deliveriesOf = (t: TestApp, slug: string, hookId: string) =>
  t.op
    .get(`${api(slug)}/webhooks/${hookId}/deliveries?limit=100`)
    .expect(200)
    .then((r) => r.body.items as Record<string, unknown>[]);

export const parsed = (body: string) => JSON.parse(body) as Record<string, unknown>;

/** What the receiver does with the next request: answer with a status, or never answer (a hang). */
type Behaviour = number | 'hang';

interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  /** The status it was answered with; null for a request left hanging. */
  answered: number | null;
}

/**
 * A real HTTP receiver on 127.0.0.1 for webhook tests. It answers each request with the next planned
 * behaviour, then `fallback` (200 unless set) once the plan is used up, and keeps every request.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly plan: Behaviour[] = [];
  private readonly hanging: ServerResponse[] = [];
  fallback: Behaviour = 200;
  /** How long each answer waits (so that several senders overlap). */
  delayMs = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => receiver.answer(req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** Plans the answers of the next requests, in order. */
  answerWith(...behaviours: Behaviour[]): this {
    this.plan.push(...behaviours);
    return this;
  }

  /** Requests answered 2xx, in arrival order. */
  get accepted(): ReceivedRequest[] {
    return this.requests.filter((r) => r.answered !== null && r.answered < 300);
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private answer(headers: IncomingHttpHeaders, body: string, res: ServerResponse): void {
    const behaviour = this.plan.shift() ?? this.fallback;
    this.requests.push({ headers, body, answered: behaviour === 'hang' ? null : behaviour });
    if (behaviour === 'hang') {
      this.hanging.push(res);
      return;
    }
    setTimeout(() => res.writeHead(behaviour, { 'content-type': 'text/plain' }).end('ok'), this.delayMs);
  }
}

/** Polls `read` until `done` holds (at most `bound` ms, then fails with the last value). */
export async function eventually<T>(
  read: () => Promise<T> | T,
  done: (value: T) => boolean,
  bound = 15_000,
): Promise<T> {
  const until = Date.now() + bound;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until)
      throw new Error(`condition not met within ${bound} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

type Verify = (secret: string, header: string, rawBody: string) => boolean;

/** The verification snippet of docs/webhooks.md, run exactly as written there. */
export function documentedVerifier(): Verify {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'webhooks.md'), 'utf8');
  const code = /<!-- verification snippet[^>]*-->\s*```js\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!code) throw new Error('docs/webhooks.md lost its verification snippet');
  return new Function('require', `${code}\nreturn verifyGroupsyncSignature;`)(require) as Verify;
}
