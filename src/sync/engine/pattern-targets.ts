// Where a claim's pattern hits lead: the link's group, or (capture links) the group the capture names.
import type { SyncContext } from './context';
import type { PatternHit } from './link-match';
import { captureMissReason } from './reasons';

/** A capture link matched, but its capture names no group (or several): nothing is granted, never created. */
export interface CaptureMiss {
  externalGroup: string;
  linkId: string;
  reason: string;
}

export function patternTargets(
  ctx: SyncContext,
  claim: string,
): { targets: { groupId: string; hit: PatternHit }[]; misses: CaptureMiss[] } {
  const targets: { groupId: string; hit: PatternHit }[] = [];
  const misses: CaptureMiss[] = [];
  if (ctx.patterns.size === 0) return { targets, misses };
  for (const hit of ctx.patterns.hits(claim)) {
    if (hit.link.targetFromCapture !== true) {
      targets.push({ groupId: hit.link.groupId, hit });
      continue;
    }
    const named = hit.capture ? (ctx.groupsByFoldedName.get(hit.capture.toLowerCase()) ?? []) : [];
    if (named.length === 1) targets.push({ groupId: named[0].id, hit });
    else
      misses.push({
        externalGroup: claim,
        linkId: hit.link.id,
        reason: captureMissReason(hit, named.length),
      });
  }
  return { targets, misses };
}
