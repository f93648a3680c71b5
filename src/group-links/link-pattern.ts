import { EntityManager, Not } from 'typeorm';
import { badRequest } from '../common/errors';
import { MAX_PATTERN_LENGTH, MAX_PATTERN_LINKS_PER_TENANT, regexProblem } from '../sync/pattern-regex';
import type { MatchType } from '../sync/engine';
import { GroupLink } from './group-link.entity';

/**
 * Refuses a glob or regex link that cannot be saved (400 invalid_link_pattern with the reason): too
 * long, not RE2, too large a program, a capture target without a capture, or one pattern link too many.
 */
export async function assertLinkPattern(
  em: EntityManager,
  tenantId: string,
  link: { externalGroup: string; matchType?: MatchType; targetFromCapture?: boolean },
): Promise<void> {
  const matchType = link.matchType ?? 'exact';
  const refuse = (reason: string) =>
    badRequest(
      'invalid_link_pattern',
      `The link's pattern "${link.externalGroup}" cannot be saved: ${reason}`,
      {
        matchType,
        reason,
      },
    );
  if (link.targetFromCapture && matchType !== 'regex')
    throw refuse('targetFromCapture needs matchType regex (the capture names the target group)');
  if (matchType === 'exact') return;
  if (link.externalGroup.length > MAX_PATTERN_LENGTH)
    throw refuse(`a pattern has at most ${MAX_PATTERN_LENGTH} characters`);
  if (matchType === 'regex') {
    const problem = regexProblem(link.externalGroup, link.targetFromCapture === true);
    if (problem !== null) throw refuse(problem);
  }
  const patternLinks = await em.countBy(GroupLink, { tenantId, matchType: Not('exact') });
  if (patternLinks >= MAX_PATTERN_LINKS_PER_TENANT)
    throw refuse(`a workspace has at most ${MAX_PATTERN_LINKS_PER_TENANT} glob and regex links`);
}
