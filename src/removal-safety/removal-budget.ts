// The mass-removal circuit breaker's decision: pure, no I/O. docs/sync.md ("Removal safety") says why.

/** A tenant's breaker settings (tenant settings `removalSafety`). */
export interface RemovalSafety {
  /** Default true. False: sync removals are never staged. */
  enabled: boolean;
  /** Default 10. Removals in the window that always pass, whatever the tenant's size. */
  maxRemovals: number;
  /** Default 10. Percent of the tenant's sync-managed memberships that may go in the window. */
  maxRemovalPercent: number;
  /** Default 60. The window the removals are counted in, in minutes. */
  windowMinutes: number;
}

export const DEFAULT_REMOVAL_SAFETY: RemovalSafety = {
  enabled: true,
  maxRemovals: 10,
  maxRemovalPercent: 10,
  windowMinutes: 60,
};

/** The stored (possibly partial or older) settings, each missing or malformed key at its default. */
export function resolveRemovalSafety(stored?: Partial<RemovalSafety> | null): RemovalSafety {
  const s = stored ?? {};
  const count = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : d);
  return {
    enabled: typeof s.enabled === 'boolean' ? s.enabled : DEFAULT_REMOVAL_SAFETY.enabled,
    maxRemovals: count(s.maxRemovals, DEFAULT_REMOVAL_SAFETY.maxRemovals),
    maxRemovalPercent: count(s.maxRemovalPercent, DEFAULT_REMOVAL_SAFETY.maxRemovalPercent),
    windowMinutes: count(s.windowMinutes, DEFAULT_REMOVAL_SAFETY.windowMinutes) || 1,
  };
}

/**
 * How many sync removals the window holds: a trip needs both more than `maxRemovals` and more than
 * `maxRemovalPercent` of the managed memberships, so the larger of the two is the limit. A tenant of
 * 5 members losing 1 (20%) stays under the count; a tenant of 10,000 losing 50 stays under the percent.
 */
export function removalLimit(settings: RemovalSafety, managedMemberships: number): number {
  const byPercent = Math.floor((settings.maxRemovalPercent * Math.max(0, managedMemberships)) / 100);
  return Math.max(settings.maxRemovals, byPercent);
}

export interface RemovalDecisionInput {
  settings: RemovalSafety;
  /** Sync removals already applied in the window (every process, every trigger). */
  removedInWindow: number;
  /** The tenant's memberships of source sync or scim, now. */
  managedMemberships: number;
  /** True while staged removals wait for an admin: the breaker stays open until they are handled. */
  open: boolean;
  /** Removals this write wants to apply. */
  wanted: number;
}

/** `apply`: write them all; `stage`: stage them all (`trips` when this opens the breaker). */
export type RemovalDecision = { action: 'apply' } | { action: 'stage'; trips: boolean };

/**
 * One write's removals go through whole or are staged whole (one sign-in, one SCIM batch, one
 * reconcile batch of up to 100 users): a write that would cross the limit is the suspicious one.
 */
export function decideRemovals(input: RemovalDecisionInput): RemovalDecision {
  if (!input.settings.enabled || input.wanted === 0) return { action: 'apply' };
  if (input.open) return { action: 'stage', trips: false };
  const limit = removalLimit(input.settings, input.managedMemberships);
  if (input.removedInWindow + input.wanted > limit) return { action: 'stage', trips: true };
  return { action: 'apply' };
}
