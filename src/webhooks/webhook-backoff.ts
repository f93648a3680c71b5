/** Back-off settings: WEBHOOK_RETRY_BASE_MS and WEBHOOK_RETRY_MAX_MS. */
export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/**
 * The wait after failed attempt number `attempts` (1 for the first): base * 2^(attempts-1), capped,
 * then between half and all of it (jitter), so receivers coming back are not hit by every sender at once.
 * `random` is in [0, 1).
 */
export function retryDelayMs(backoff: Backoff, attempts: number, random: number): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const full = Math.min(backoff.maxMs, backoff.baseMs * 2 ** exponent);
  return Math.round(full / 2 + (full / 2) * random);
}
