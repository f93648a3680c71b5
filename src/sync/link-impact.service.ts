import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { Membership } from '../groups/membership.entity';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import type { Tenant } from '../tenants/tenant.entity';
import { Identity } from '../users/identity.entity';
import { User } from '../users/user.entity';
import {
  buildSyncContext,
  ClaimStatus,
  EngineLink,
  normalizeGroupName,
  planSync,
  resolvePolicy,
  Role,
} from './engine';
import { ExternalMembership } from './external-membership.entity';
import { loadStoredExternalGroups, loadTenantGroupsAndLinks } from './sync-state';
import { externalGroupsLinkedTo, onlyGroup, storedCompleteness } from './sync.service';

export type LinkChangeKind = 'create' | 'update' | 'delete';

export interface AffectedUser {
  userId: string;
  email: string;
  idp: string;
  adds: { role: Role; reason: string }[];
  roleChanges: { from: Role; to: Role; reason: string }[];
  removals: { role: Role; reason: string }[];
  kept: { role: Role; reason: string }[];
}

export interface LinkImpact {
  change: LinkChangeKind;
  groupId: string;
  usersEvaluated: number;
  usersAffected: number;
  totals: { adds: number; roleChanges: number; removals: number; kept: number };
  affected: AffectedUser[];
  /** True when `affected` lists only the first MAX_LISTED users; the totals count everyone. */
  truncated: boolean;
}

const MAX_LISTED = 1000;
const CHUNK = 5000;

/**
 * What a link change would do to the people it concerns, computed from every user's stored
 * external groups (what their IdP last said), writing nothing. It is what `sync/reconcile` for the
 * group would apply now, and what each user's next sign-in will apply otherwise.
 */
@Injectable()
export class LinkImpactService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async impact(tenant: Tenant, kind: LinkChangeKind, link: EngineLink): Promise<LinkImpact> {
    const em = this.dataSource.manager;
    const { groups, links } = await loadTenantGroupsAndLinks(em, tenant.id);
    const proposed =
      kind === 'create'
        ? [...links, link]
        : kind === 'update'
          ? links.map((l) => (l.id === link.id ? link : l))
          : links.filter((l) => l.id !== link.id);
    const idps = await em.find(IdentityProvider, {
      where: { tenantId: tenant.id, ...(link.idpId ? { id: link.idpId } : {}) },
      order: { slug: 'ASC' },
    });
    const groupId = link.groupId;

    const [members, blocked, ownerCount] = await Promise.all([
      em.find(Membership, {
        where: { tenantId: tenant.id, groupId },
        select: { userId: true, groupId: true, role: true, source: true },
      }),
      em.find(User, { where: { tenantId: tenant.id, status: 'blocked' }, select: { id: true } }),
      em.countBy(Membership, { tenantId: tenant.id, groupId, role: 'owner' }),
    ]);
    const membershipOf = new Map(members.map((m) => [m.userId, m]));
    const blockedIds = new Set(blocked.map((u) => u.id));
    const ownerCounts = new Map([[groupId, ownerCount]]);

    const result: LinkImpact = {
      change: kind,
      groupId,
      usersEvaluated: 0,
      usersAffected: 0,
      totals: { adds: 0, roleChanges: 0, removals: 0, kept: 0 },
      affected: [],
      truncated: false,
    };
    for (const idp of idps) {
      const policy = resolvePolicy(idp.groupSync);
      const context = buildSyncContext({ idpId: idp.id, policy, groups, links: proposed });
      const watched = [
        ...new Set([
          ...externalGroupsLinkedTo(context, groupId),
          normalizeGroupName(link.externalGroup, policy),
        ]),
      ];
      const candidates = (
        await this.usersMatching(
          em,
          tenant.id,
          idp.id,
          watched,
          members.map((m) => m.userId),
        )
      ).filter((id) => !blockedIds.has(id));
      const [stored, statuses] = await Promise.all([
        loadStoredExternalGroups(em, tenant.id, idp.id, candidates),
        this.claimStatuses(em, tenant.id, idp.id, candidates),
      ]);
      for (const userId of candidates) {
        const groupsSeen = stored.get(userId) ?? [];
        if (!statuses.has(userId) && groupsSeen.length === 0) continue; // this IdP never told us anything
        result.usersEvaluated++;
        const membership = membershipOf.get(userId);
        const plan = onlyGroup(
          planSync(context, {
            user: { id: userId, isAdmin: false, adminSource: null },
            memberships: membership ? [membership] : [],
            external: { groups: groupsSeen, ...storedCompleteness(statuses.get(userId) ?? null, policy) },
            ownerCounts,
          }),
          groupId,
        );
        const changes = plan.adds.length + plan.roleChanges.length + plan.removals.length + plan.kept.length;
        if (changes === 0) continue;
        result.usersAffected++;
        result.totals.adds += plan.adds.length;
        result.totals.roleChanges += plan.roleChanges.length;
        result.totals.removals += plan.removals.length;
        result.totals.kept += plan.kept.length;
        if (result.affected.length >= MAX_LISTED) {
          result.truncated = true;
          continue;
        }
        result.affected.push({
          userId,
          email: '',
          idp: idp.slug,
          adds: plan.adds.map(({ role, reason }) => ({ role, reason })),
          roleChanges: plan.roleChanges.map(({ from, to, reason }) => ({ from, to, reason })),
          removals: plan.removals.map(({ role, reason }) => ({ role, reason })),
          kept: plan.kept.map(({ role, reason }) => ({ role, reason })),
        });
      }
    }
    await this.fillEmails(em, tenant.id, result.affected);
    return result;
  }

  /** Members of the group, and users whose stored groups at this IdP include a watched one. */
  private async usersMatching(
    em: EntityManager,
    tenantId: string,
    idpId: string,
    watched: string[],
    memberIds: string[],
  ): Promise<string[]> {
    const ids = new Set(memberIds);
    if (watched.length > 0) {
      const rows = await em
        .createQueryBuilder(ExternalMembership, 'x')
        .select('DISTINCT x.userId', 'userId')
        .where('x.tenantId = :tenantId AND x.idpId = :idpId AND x.externalGroup IN (:...watched)', {
          tenantId,
          idpId,
          watched,
        })
        .getRawMany<{ userId: string }>();
      for (const r of rows) ids.add(r.userId);
    }
    return [...ids];
  }

  private async claimStatuses(
    em: EntityManager,
    tenantId: string,
    idpId: string,
    userIds: string[],
  ): Promise<Map<string, ClaimStatus | null>> {
    const statuses = new Map<string, ClaimStatus | null>();
    for (let i = 0; i < userIds.length; i += CHUNK) {
      const rows = await em.find(Identity, {
        where: { tenantId, idpId, userId: In(userIds.slice(i, i + CHUNK)) },
        select: { userId: true, claimStatus: true },
      });
      for (const r of rows) if (r.claimStatus) statuses.set(r.userId, r.claimStatus);
    }
    return statuses;
  }

  private async fillEmails(em: EntityManager, tenantId: string, affected: AffectedUser[]): Promise<void> {
    if (affected.length === 0) return;
    const users = await em.find(User, {
      where: { tenantId, id: In(affected.map((a) => a.userId)) },
      select: { id: true, email: true },
    });
    const email = new Map(users.map((u) => [u.id, u.email]));
    for (const a of affected) a.email = email.get(a.userId) ?? '';
    affected.sort((a, b) => a.email.localeCompare(b.email) || a.idp.localeCompare(b.idp));
  }
}
