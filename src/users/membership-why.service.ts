import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { AuditEvent } from '../audit/audit-event.entity';
import { notFound } from '../common/errors';
import { roleRank, type Role, type RoleRanks } from '../sync/engine';
import { loadRoleRanks } from '../roles/role-ranks';
import { GroupLink } from '../group-links/group-link.entity';
import { Group } from '../groups/group.entity';
import { Membership } from '../groups/membership.entity';
import { membershipMarkers, type MembershipMarkers } from '../groups/membership-markers';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import { ExternalMembership } from '../sync/external-membership.entity';
import { explainMemberships, type WhyMatch } from './membership-why';
import { User } from './user.entity';
import { compileRegex } from '../sync/pattern-regex';

/** How far back the audit trail is read for "last confirmed" and "last change" (newest first). */
const AUDIT_WINDOW = 500;

export interface MembershipWhyView extends MembershipMarkers {
  groupId: string;
  groupName: string;
  role: Role;
  source: string;
  createdAt: string;
  updatedAt: string;
  why: string;
  roleWhy: string;
  matches: WhyMatch[];
  linkRole: Role | null;
  /** The last sign-in or SCIM push that matched this membership's links (it kept it), if any. */
  lastConfirmed: { at: string; trigger: string; idp: string; correlationId: string } | null;
  /** The last audited change of this membership: who, when, and the engine's reason. */
  lastChange: {
    action: string;
    at: string;
    actor: { type: string; label: string | null };
    reason: string | null;
    correlationId: string;
  } | null;
}

export interface InheritedView {
  groupId: string;
  groupName: string;
  role: Role;
  fromGroupId: string;
  fromGroupName: string;
}

/** Read-only: the memberships of one user with the answer to "why", from stored rows and the audit trail. */
@Injectable()
export class MembershipWhyService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async explain(
    tenantId: string,
    userId: string,
  ): Promise<{ userId: string; memberships: MembershipWhyView[]; inherited: InheritedView[] }> {
    const em = this.dataSource.manager;
    const user = await em.findOneBy(User, { id: userId, tenantId });
    if (!user) throw notFound('User', userId);
    const [memberships, externals, idps, groups, events] = await Promise.all([
      em.find(Membership, { where: { tenantId, userId } }),
      em.find(ExternalMembership, { where: { tenantId, userId } }),
      em.find(IdentityProvider, { where: { tenantId }, select: { id: true, slug: true, groupSync: true } }),
      em.find(Group, { where: { tenantId }, select: { id: true, name: true, parentId: true } }),
      em.find(AuditEvent, {
        where: {
          tenantId,
          userId,
          action: In(['sync.applied', 'membership.added', 'membership.role_changed']),
        },
        order: { id: 'DESC' },
        take: AUDIT_WINDOW,
      }),
    ]);
    const groupIds = memberships.map((m) => m.groupId);
    // Capture links are listed under a home group but may name any group: read them all.
    const links = groupIds.length
      ? await em.find(GroupLink, {
          where: [
            { tenantId, groupId: In(groupIds) },
            { tenantId, targetFromCapture: true },
          ],
        })
      : [];
    const ranks = await loadRoleRanks(em, tenantId);
    const groupName = new Map(groups.map((g) => [g.id, g.name]));
    const rows = memberships.map((m) => ({
      groupId: m.groupId,
      groupName: groupName.get(m.groupId) ?? '',
      role: m.role,
      source: m.source,
    }));
    const whys = explainMemberships(rows, links, externals, idps, groupName, ranks, compileRegex);
    const views = memberships.map((m): MembershipWhyView => {
      const why = whys.get(m.groupId)!;
      return {
        groupId: m.groupId,
        groupName: groupName.get(m.groupId) ?? '',
        role: m.role,
        source: m.source,
        createdAt: m.createdAt.toISOString(),
        updatedAt: m.updatedAt.toISOString(),
        ...why,
        lastConfirmed: m.source === 'manual' ? null : lastConfirmed(events, why.matches),
        lastChange: lastChange(events, m.groupId),
        ...membershipMarkers(m),
      };
    });
    views.sort((a, b) => a.groupName.localeCompare(b.groupName));
    return { userId, memberships: views, inherited: inheritedRoles(memberships, groups, ranks) };
  }
}

/** The newest sync run whose matched external groups include one of this membership's matches. */
function lastConfirmed(events: AuditEvent[], matches: WhyMatch[]): MembershipWhyView['lastConfirmed'] {
  if (matches.length === 0) return null;
  const wanted = new Set(matches.map((x) => `${x.idp}\n${x.value}`));
  for (const e of events) {
    if (e.action !== 'sync.applied' || !e.details) continue;
    const idp = String(e.details.idp ?? '');
    const matched = Array.isArray(e.details.matchedExternalGroups) ? e.details.matchedExternalGroups : [];
    if (matched.some((g) => wanted.has(`${idp}\n${String(g)}`)))
      return {
        at: e.createdAt.toISOString(),
        trigger: String(e.details.trigger ?? ''),
        idp,
        correlationId: e.correlationId,
      };
  }
  return null;
}

function lastChange(events: AuditEvent[], groupId: string): MembershipWhyView['lastChange'] {
  const e = events.find((x) => x.action !== 'sync.applied' && x.targetId === groupId);
  if (!e) return null;
  return {
    action: e.action,
    at: e.createdAt.toISOString(),
    actor: { type: e.actorType, label: e.actorLabel },
    reason: typeof e.details?.reason === 'string' ? e.details.reason : null,
    correlationId: e.correlationId,
  };
}

/**
 * Groups where the user has no direct membership but a role through an ancestor: the highest role
 * of the chain, the nearest group on a tie (as the members list computes it).
 */
function inheritedRoles(memberships: Membership[], groups: Group[], ranks: RoleRanks): InheritedView[] {
  const own = new Map(memberships.map((m) => [m.groupId, m.role]));
  const byId = new Map(groups.map((g) => [g.id, g]));
  const result: InheritedView[] = [];
  for (const group of groups) {
    if (own.has(group.id)) continue;
    let best: { role: Role; from: Group } | null = null;
    const seen = new Set([group.id]);
    for (let p = group.parentId ? byId.get(group.parentId) : undefined; p && !seen.has(p.id);) {
      seen.add(p.id);
      const role = own.get(p.id);
      if (role && (!best || roleRank(role, ranks) > roleRank(best.role, ranks))) best = { role, from: p };
      p = p.parentId ? byId.get(p.parentId) : undefined;
    }
    if (best)
      result.push({
        groupId: group.id,
        groupName: group.name,
        role: best.role,
        fromGroupId: best.from.id,
        fromGroupName: best.from.name,
      });
  }
  return result.sort((a, b) => a.groupName.localeCompare(b.groupName));
}
