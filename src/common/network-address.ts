import { isIP } from 'node:net';

/**
 * Which addresses a server-side request to a tenant-chosen URL must never reach: anything that is
 * not the public internet (loopback, private, link-local with the cloud metadata service, shared,
 * unspecified, multicast, reserved), including IPv6 forms that embed such an IPv4 address.
 */
export type BlockedKind =
  'loopback' | 'private' | 'link-local' | 'shared' | 'unspecified' | 'multicast' | 'reserved';

const V4_RANGES: [string, number, BlockedKind][] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const V6_RANGES: [string, number, BlockedKind][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['100::', 64, 'reserved'],
  // Teredo and local-use NAT64 carry IPv4 addresses (Teredo's obfuscated), which a gateway reaches.
  ['2001::', 32, 'reserved'],
  ['64:ff9b:1::', 48, 'reserved'],
  ['2001:db8::', 32, 'reserved'],
  ['fc00::', 7, 'private'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'private'],
  ['ff00::', 8, 'multicast'],
];

function v4Number(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** The 16 bytes of an IPv6 address (any valid textual form, dotted-quad tail included). */
export function v6Bytes(address: string): number[] {
  // A dotted-quad tail (::ffff:127.0.0.1) becomes its two hex words first.
  const text = address
    .replace(/%.*$/, '')
    .replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a: string, b: string, c: string, d: string) =>
      [Number(a) * 256 + Number(b), Number(c) * 256 + Number(d)].map((w) => w.toString(16)).join(':'),
    );
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const words = (s: string) => (s === '' ? [] : s.split(':').map((w) => parseInt(w, 16)));
  const left = words(head);
  const right = rest === undefined ? [] : words(rest);
  const zeros = new Array<number>(Math.max(0, 8 - left.length - right.length)).fill(0);
  return [...left, ...zeros, ...right].slice(0, 8).flatMap((w) => [(w >> 8) & 255, w & 255]);
}

const inPrefix = (bytes: number[], base: number[], bits: number) => {
  for (let i = 0; i < bits; i++) {
    const bit = (b: number[]) => (b[i >> 3] >> (7 - (i & 7))) & 1;
    if (bit(bytes) !== bit(base)) return false;
  }
  return true;
};

const V4 = V4_RANGES.map(([base, bits, kind]) => ({ base: v4Number(base), bits, kind }));
const V6 = V6_RANGES.map(([base, bits, kind]) => ({ base: v6Bytes(base), bits, kind }));

function classifyV4(address: string): BlockedKind | null {
  const n = v4Number(address);
  for (const r of V4) {
    const mask = r.bits === 0 ? 0 : (0xffffffff << (32 - r.bits)) >>> 0;
    if ((n & mask) >>> 0 === (r.base & mask) >>> 0) return r.kind;
  }
  return n === 0xffffffff ? 'multicast' : null;
}

/** IPv6 forms that carry an IPv4 address a gateway or the stack may reach: mapped, compatible, NAT64, 6to4. */
function embeddedV4(bytes: number[]): string | null {
  const zero = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  const dotted = (at: number) => bytes.slice(at, at + 4).join('.');
  if (zero(0, 10) && bytes[10] === 255 && bytes[11] === 255) return dotted(12); // ::ffff:a.b.c.d
  if (zero(0, 12) && !zero(12, 16)) return dotted(12); // ::a.b.c.d (deprecated compatible form)
  if (inPrefix(bytes, v6Bytes('64:ff9b::'), 96)) return dotted(12); // NAT64
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return dotted(2); // 6to4
  return null;
}

/** Why an address is not on the public internet, or null when it is. Not an IP address at all: 'reserved'. */
export function classifyAddress(address: string): BlockedKind | null {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare.replace(/%.*$/, ''));
  if (family === 4) return classifyV4(bare);
  if (family !== 6) return 'reserved';
  const bytes = v6Bytes(bare);
  for (const r of V6) if (inPrefix(bytes, r.base, r.bits)) return r.kind;
  const v4 = embeddedV4(bytes);
  return v4 === null ? null : classifyV4(v4);
}

/**
 * A URL's host that is plainly internal without asking DNS: a private or loopback IP literal, or
 * `localhost` and its subdomains. Used to refuse such URLs when they are written; DNS names are
 * checked again, after resolution, each time they are fetched.
 */
export function literalInternalHost(url: string): BlockedKind | null {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    // WHATWG URL refuses IPv6 zone ids (fe80::1%25eth0); say what it is rather than let it through.
    if (/^[a-z][a-z0-9+.-]*:\/\/\[[^\]]*%/i.test(url)) return 'link-local';
    return null; // the format check reports it
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host === 'localhost.') return 'loopback';
  const bare = host.replace(/^\[|\]$/g, '');
  return isIP(bare) ? classifyAddress(bare) : null;
}
