import { isIPv6 } from 'node:net';
import { v6Bytes } from '../network-address';

/**
 * The key a client address counts under in per-address limits. One IPv6 host usually holds a whole
 * /64 (SLAAC, privacy addresses), so counting per /128 would give it unlimited fresh addresses; an
 * IPv4 address written as IPv6 (::ffff:a.b.c.d) counts as that IPv4 address.
 */
export function clientAddressKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const bytes = v6Bytes(ip);
  const words = [0, 2, 4, 6].map((i) => ((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return `${words.join(':')}::/64`;
}
