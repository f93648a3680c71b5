import type { ExternalGroups, GroupSyncPolicy } from '../engine';
import { fetchGroupsWithToken, graphUserGone, type GraphSettings } from '../graph/graph-groups.client';
import { graphGroupsAsClaim } from '../graph/graph-overage';
import type { LeaverCandidate } from './leaver-candidates';

/** What Graph said about one user: a complete list, gone, or nothing usable (and why). */
export type GraphLookup =
  | { kind: 'groups'; external: ExternalGroups }
  | { kind: 'gone' }
  | { kind: 'failed' | 'skipped' | 'not-read'; reason: string };

/** Shared by the batches of one run: the token, and whether Graph asked us to back off. */
export interface LookupState {
  token: string | null;
  throttled: { retryAfterSeconds: number } | null;
}

/** Graph lookups in flight at once: fast enough, and gentle with Graph's per-app limits. */
const CONCURRENCY = 4;

/**
 * Asks Graph for each candidate's groups. After a 429 the run asks nothing more (Retry-After is
 * honoured by the next run): the users left are `not-read`, and nothing changes for them.
 */
export async function lookUpUsers(
  settings: GraphSettings,
  policy: GroupSyncPolicy,
  state: LookupState,
  batch: LeaverCandidate[],
  objectIds: ReadonlyMap<string, string>,
  tokenFailure: string | null,
): Promise<Map<string, GraphLookup>> {
  const lookups = new Map<string, GraphLookup>();
  let next = 0;
  const worker = async () => {
    while (next < batch.length) {
      const user = batch[next++];
      lookups.set(user.id, await lookUp(settings, policy, state, objectIds.get(user.id), tokenFailure));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batch.length) }, worker));
  return lookups;
}

async function lookUp(
  settings: GraphSettings,
  policy: GroupSyncPolicy,
  state: LookupState,
  objectId: string | undefined,
  tokenFailure: string | null,
): Promise<GraphLookup> {
  if (!objectId)
    return { kind: 'skipped', reason: 'no Entra object id known (no sign-in with an oid claim yet)' };
  if (!state.token) return { kind: 'failed', reason: tokenFailure ?? 'no Graph token' };
  if (state.throttled)
    return { kind: 'not-read', reason: 'Microsoft Graph throttled this run (429); left for the next run' };
  const result = await fetchGroupsWithToken(settings, state.token, objectId);
  if (result.complete) return { kind: 'groups', external: graphGroupsAsClaim(result.groups, policy) };
  if (result.retryAfterSeconds !== undefined) {
    state.throttled ??= { retryAfterSeconds: result.retryAfterSeconds };
    return { kind: 'failed', reason: result.reason };
  }
  if (result.notFound && (await graphUserGone(settings, state.token, objectId))) return { kind: 'gone' };
  return { kind: 'failed', reason: result.reason };
}
