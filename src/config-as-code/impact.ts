import { newId } from '../common/ids';
import type { EngineLink } from '../sync/engine';
import type { LinkChangeKind, LinkImpactService } from '../sync/link-impact.service';
import type { Change } from './diff';
import type { CurrentTenant } from './state';

/** What a link change does to the members the preview API knows of, with their emails. */
export interface ImpactSummary {
  usersEvaluated: number;
  usersAffected: number;
  added: string[];
  reRoled: string[];
  removed: string[];
  /** True when the names list only the first users; the counts cover everyone. */
  truncated: boolean;
}

const KINDS: Record<Change['action'], LinkChangeKind> = { add: 'create', change: 'update', delete: 'delete' };

/**
 * The link-impact preview of one planned link change; null when it concerns a group or IdP the
 * document adds (nobody is a member of what does not exist yet: sign-ins and reconcile fill it).
 */
export async function impactOf(
  service: LinkImpactService,
  current: CurrentTenant | null,
  change: Extract<Change, { kind: 'group_link' }>,
): Promise<ImpactSummary | null> {
  const group = current?.groups.get(change.group);
  if (!current || !group) return null;
  let link: EngineLink;
  if (change.current) {
    const { id, groupId, idpId, externalGroup, role } = change.current.link;
    link = { id, groupId, idpId, externalGroup, role: change.desired?.role ?? role };
  } else {
    const desired = change.desired!;
    const idp = desired.idp === undefined ? null : current.idps.get(desired.idp);
    if (idp === undefined) return null;
    link = {
      id: newId(),
      groupId: group.id,
      idpId: idp?.id ?? null,
      externalGroup: desired.externalGroup,
      role: desired.role,
    };
  }
  const result = await service.impact(current.tenant, KINDS[change.action], link);
  const emails = (pick: (a: (typeof result.affected)[number]) => boolean) =>
    result.affected.filter(pick).map((a) => a.email);
  return {
    usersEvaluated: result.usersEvaluated,
    usersAffected: result.usersAffected,
    added: emails((a) => a.adds.length > 0),
    reRoled: emails((a) => a.roleChanges.length > 0),
    removed: emails((a) => a.removals.length > 0),
    truncated: result.truncated,
  };
}
