import { Logger } from '@nestjs/common';
import { lookup as dnsLookup } from 'node:dns/promises';
import http, { IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { BlockedKind, classifyAddress } from './network-address';

/**
 * The one way the service fetches a URL a tenant can set (OIDC discovery and endpoints, Microsoft
 * Graph): DNS is resolved here, every address is checked, and the connection goes to the checked
 * address (no second lookup an attacker's DNS could answer differently). Redirects are followed by
 * hand, each hop checked again. Whatever goes wrong, callers (and so tenants and the audit) see one
 * generic error; the operator finds the detail in the log.
 */
export interface OutboundPolicy {
  /** ALLOW_PRIVATE_NETWORK: local IdPs in development and tests. */
  allowPrivateNetwork: boolean;
  /** Resolves a host name to every address; tests swap it to give names to local servers. */
  resolve: (hostname: string) => Promise<{ address: string; family: number }[]>;
  /** Why an address is refused (null: public). Tests swap it to call a local server "public". */
  classify: (address: string) => BlockedKind | null;
}

const defaults: OutboundPolicy = {
  allowPrivateNetwork: false,
  resolve: (hostname) => dnsLookup(hostname, { all: true, verbatim: true }),
  classify: classifyAddress,
};
let current: OutboundPolicy = { ...defaults };

/**
 * Set once at start-up from the operator's configuration (process-wide, like the environment it
 * comes from). Returns the previous policy so tests can put it back.
 */
export function configureOutbound(policy: Partial<OutboundPolicy>): OutboundPolicy {
  const previous = current;
  current = { ...defaults, ...policy };
  return previous;
}

export const UNREACHABLE_MESSAGE = 'The server could not be reached';

/** The only error callers see for network trouble: refused address, DNS failure, timeout, closed port. */
export class OutboundError extends Error {
  constructor() {
    super(UNREACHABLE_MESSAGE);
    this.name = 'OutboundError';
  }
}

const MAX_REDIRECTS = 5;
const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 10_000;
const logger = new Logger('OutboundFetch');

class Refused extends Error {}

/** What callers pass: the subset of fetch's options that openid-client and the Graph client use. */
export interface GuardedRequestInit {
  method?: string;
  headers?: HeadersInit;
  body?: string | URLSearchParams | Uint8Array | ArrayBuffer | ReadableStream | null;
  redirect?: 'follow' | 'manual' | 'error';
  signal?: AbortSignal | null;
}

/** A fetch-compatible function (for openid-client's customFetch, and Graph). */
export async function guardedFetch(input: string | URL, init: GuardedRequestInit = {}): Promise<Response> {
  const policy = current;
  let url = new URL(String(input));
  let method = (init.method ?? 'GET').toUpperCase();
  const headers = new Headers(init.headers);
  if (init.body instanceof URLSearchParams && !headers.has('content-type'))
    headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
  const signal = AbortSignal.any(
    [AbortSignal.timeout(DEFAULT_TIMEOUT_MS), init.signal].filter((s): s is AbortSignal => !!s),
  );
  try {
    let body = await requestBody(init.body);
    for (let hop = 0; ; hop++) {
      const target = await checkedAddress(url, policy);
      const response = await send(url, target, method, headers, body, signal);
      const location = response.headers.get('location');
      if (![301, 302, 303, 307, 308].includes(response.status) || !location || init.redirect === 'manual')
        return withUrl(response, url);
      if (init.redirect === 'error' || hop >= MAX_REDIRECTS)
        throw new Refused(`too many or forbidden redirects (to ${location})`);
      const next = new URL(location, url);
      if (next.origin !== url.origin) headers.delete('authorization');
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === 'POST')
      ) {
        method = 'GET';
        body = undefined;
        headers.delete('content-type');
      }
      url = next;
    }
  } catch (error) {
    // The detail (address, port, errno) is for the operator only: it would tell a tenant which
    // internal ports are open.
    logger.warn(
      { url: `${url.origin}${url.pathname}`, reason: (error as Error)?.message ?? String(error) },
      'Outbound request refused or failed',
    );
    throw new OutboundError();
  }
}

async function checkedAddress(
  url: URL,
  policy: OutboundPolicy,
): Promise<{ address: string; family: number }> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Refused(`protocol ${url.protocol}`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const family = isIP(host);
  const addresses = family ? [{ address: host, family }] : await policy.resolve(host);
  if (addresses.length === 0) throw new Refused(`${host} has no address`);
  if (!policy.allowPrivateNetwork) {
    // Every address must be public: a name with one internal address is refused outright.
    for (const a of addresses) {
      const kind = policy.classify(a.address);
      if (kind) throw new Refused(`${host} resolves to ${a.address} (${kind}), not allowed`);
    }
  }
  return addresses[0];
}

function send(
  url: URL,
  target: { address: string; family: number },
  method: string,
  headers: Headers,
  body: Buffer | undefined,
  signal: AbortSignal,
): Promise<Response> {
  // The socket connects to the checked address; TLS still verifies the certificate for the host name.
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const outgoing: Record<string, string> = {};
  headers.forEach((value, name) => (outgoing[name] = value));
  if (body) outgoing['content-length'] = String(body.length);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<Response>((resolve, reject) => {
    const req = transport.request(
      url,
      { method, headers: outgoing, lookup: pinned, agent: false, signal },
      (res) => collect(res).then(resolve, reject),
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function collect(res: IncomingMessage): Promise<Response> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > MAX_RESPONSE_BYTES) {
      res.destroy();
      throw new Refused(`response larger than ${MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const status = res.statusCode ?? 502;
  if (status < 200 || status > 599) throw new Refused(`status ${status}`);
  const nullBody = [204, 205, 304].includes(status);
  return new Response(nullBody ? null : Buffer.concat(chunks), {
    status,
    statusText: res.statusMessage,
    headers,
  });
}

async function requestBody(body: GuardedRequestInit['body']): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  if (body instanceof ReadableStream) return Buffer.from(await new Response(body).arrayBuffer());
  if (typeof body === 'string' || body instanceof URLSearchParams) return Buffer.from(body.toString());
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(new Uint8Array(body));
  throw new Refused('unsupported request body type');
}

const withUrl = (response: Response, url: URL): Response =>
  Object.defineProperty(response, 'url', { value: url.href });
