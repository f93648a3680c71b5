import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { conflict, notFound } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { isLastOwner, Role, roleRank, type RoleRanks } from '../sync/engine';
import { lockGroupsForOwnerCount } from '../sync/sync-state';
import { RolesService } from '../roles/roles.service';
import { Transactions } from '../database/transactions.service';
import { User } from '../users/user.entity';
import { toMembershipResponse } from './dto/group.dto';
import { Group } from './group.entity';
import { GroupsService } from './groups.service';
import { Membership } from './membership.entity';
import { checkMembershipLock, ManualWrite } from './membership-lock';
import { membershipMarkers, MembershipMarkers } from './membership-markers';
import { insertRows } from '../database/insert';
import { decodeCursor, Page, toPage } from '../common/cursor';

export interface MemberView extends MembershipMarkers {
  userId: string;
  email: string;
  displayName: string | null;
  role: Role;
  source: string;
  /** True when the role comes from a parent group (it is higher than any direct role here). */
  inherited: boolean;
  /** The group the effective role comes from. */
  fromGroupId: string;
  directRole: Role | null;
  // The markers (pending removal, kept as last owner) are the direct membership's.
}

@Injectable()
export class MembershipsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly groups: GroupsService,
    private readonly roles: RolesService,
  ) {}

  /** Direct members and members of ancestor groups, by email (see mergeMembers). */
  async listMembers(tenantId: string, groupId: string): Promise<MemberView[]> {
    const em = this.dataSource.manager;
    const depth = await this.chainDepth(em, tenantId, groupId);
    const rows = await em.find(Membership, {
      where: { tenantId, groupId: In([...depth.keys()]) },
      relations: { user: true },
    });
    return mergeMembers(rows, groupId, depth, await this.roles.ranks(tenantId, em));
  }

  /**
   * A page of listMembers by email: first the page's users (direct or through an ancestor), then
   * only their memberships in the chain, so a page costs the same whatever the group's size.
   */
  async pageMembers(
    tenantId: string,
    groupId: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<MemberView>> {
    const em = this.dataSource.manager;
    const depth = await this.chainDepth(em, tenantId, groupId);
    const qb = em
      .getRepository(User)
      .createQueryBuilder('u')
      .select(['u.id', 'u.email'])
      .where('u.tenantId = :tenantId', { tenantId })
      .andWhere(
        'EXISTS (SELECT 1 FROM memberships m WHERE m."userId" = u.id AND m."tenantId" = :tenantId AND m."groupId" IN (:...chain))',
        { chain: [...depth.keys()] },
      );
    if (cursor) qb.andWhere('u.email > :after', { after: decodeCursor(cursor, 1)[0] });
    const users = await qb
      .orderBy('u.email', 'ASC')
      .take(limit + 1)
      .getMany();
    const page = toPage(users, limit, (u) => [u.email]);
    const rows = page.items.length
      ? await em.find(Membership, {
          where: { tenantId, groupId: In([...depth.keys()]), userId: In(page.items.map((u) => u.id)) },
          relations: { user: true },
        })
      : [];
    // The database's order, which the cursor follows (its collation may differ from localeCompare).
    const order = new Map(page.items.map((u, i) => [u.id, i]));
    const ranks = await this.roles.ranks(tenantId, em);
    const items = mergeMembers(rows, groupId, depth, ranks).sort(
      (a, b) => order.get(a.userId)! - order.get(b.userId)!,
    );
    return { items, nextCursor: page.nextCursor };
  }

  /** The group and its ancestors, each with its distance from the group (0 = the group). */
  private async chainDepth(
    em: EntityManager,
    tenantId: string,
    groupId: string,
  ): Promise<Map<string, number>> {
    const group = await this.groups.mustGet(em, tenantId, groupId);
    const chain = await this.groups.ancestry(em, tenantId, group);
    return new Map(chain.map((g, i) => [g.id, i]));
  }

  /** Adds the user or changes their role; a membership set by hand becomes `manual`. */
  async put(
    tenantId: string,
    groupId: string,
    userId: string,
    role: Role,
    ctx: RequestContext,
    write: ManualWrite,
  ): Promise<Membership> {
    return this.tx.run(async (em) => {
      const group = await this.groups.mustGet(em, tenantId, groupId);
      await this.mustGetUser(em, tenantId, userId);
      await this.roles.assertRole(em, tenantId, role);
      const override = await checkMembershipLock(em, tenantId, group, write);
      await this.tx.lockRow(em, 'users', userId); // a sign-in sync of this user waits, and the other way round
      const existing = await em.findOneBy(Membership, { tenantId, groupId, userId });
      if (!existing) {
        const m = em.create(Membership, { tenantId, groupId, userId, role, source: 'manual' });
        await insertRows(em, Membership, m);
        await this.audit.record(em, ctx, tenantId, {
          action: 'membership.added',
          targetType: 'group',
          targetId: groupId,
          userId,
          after: { role, source: 'manual' },
          details: { groupName: group.name, ...override },
        });
        return m;
      }
      if (existing.role === role && existing.source === 'manual') return existing;
      const ranks = await this.roles.ranks(tenantId, em);
      if (roleRank(role, ranks) < roleRank(existing.role, ranks))
        await this.assertNotLastOwner(em, tenantId, group, existing);
      const before = { role: existing.role, source: existing.source };
      existing.role = role;
      existing.source = 'manual';
      existing.updatedAt = new Date();
      await em.save(existing);
      await this.audit.record(em, ctx, tenantId, {
        action: 'membership.role_changed',
        targetType: 'group',
        targetId: groupId,
        userId,
        before,
        after: { role, source: 'manual' },
        details: { groupName: group.name, ...override },
      });
      return existing;
    });
  }

  async remove(
    tenantId: string,
    groupId: string,
    userId: string,
    ctx: RequestContext,
    write: ManualWrite,
  ): Promise<void> {
    await this.tx.run(async (em) => {
      const group = await this.groups.mustGet(em, tenantId, groupId);
      await this.tx.lockRow(em, 'users', userId);
      const existing = await em.findOneBy(Membership, { tenantId, groupId, userId });
      if (!existing) throw notFound('Membership of user', userId);
      const override = await checkMembershipLock(em, tenantId, group, write);
      await this.assertNotLastOwner(em, tenantId, group, existing);
      await em.delete(Membership, { id: existing.id });
      await this.audit.record(em, ctx, tenantId, {
        action: 'membership.removed',
        targetType: 'group',
        targetId: groupId,
        userId,
        before: toMembershipResponse(existing),
        details: { groupName: group.name, ...override },
      });
    });
  }

  private async assertNotLastOwner(
    em: EntityManager,
    tenantId: string,
    group: Group,
    m: Membership,
  ): Promise<void> {
    if (m.role !== 'owner') return;
    await lockGroupsForOwnerCount(em, [group.id]);
    const owners = await em.countBy(Membership, { tenantId, groupId: group.id, role: 'owner' });
    if (isLastOwner(m, new Map([[group.id, owners]]))) {
      throw conflict(
        'last_owner',
        `This is the last owner of "${group.name}"; make someone else owner first`,
      );
    }
  }

  private async mustGetUser(em: EntityManager, tenantId: string, userId: string): Promise<User> {
    const user = await em.findOneBy(User, { id: userId, tenantId });
    if (!user) throw notFound('User', userId);
    return user;
  }
}

/**
 * Direct members and members of parent groups. Effective role = max(direct role, effective role in
 * the parent); ties go to the direct membership.
 */
function mergeMembers(
  rows: Membership[],
  groupId: string,
  depth: Map<string, number>,
  ranks: RoleRanks,
): MemberView[] {
  const direct = new Map<string, Membership>();
  const fromParents = new Map<string, Membership>(); // best membership in an ancestor, nearest wins ties
  for (const m of rows) {
    if (m.groupId === groupId) {
      direct.set(m.userId, m);
      continue;
    }
    const current = fromParents.get(m.userId);
    const outranks = !current || roleRank(m.role, ranks) > roleRank(current.role, ranks);
    const nearerTie =
      current && m.role === current.role && depth.get(m.groupId)! < depth.get(current.groupId)!;
    if (outranks || nearerTie) fromParents.set(m.userId, m);
  }
  const views: MemberView[] = [];
  for (const userId of new Set([...direct.keys(), ...fromParents.keys()])) {
    const own = direct.get(userId);
    const parent = fromParents.get(userId);
    const effective =
      own && (!parent || roleRank(own.role, ranks) >= roleRank(parent.role, ranks)) ? own : parent!;
    views.push({
      userId,
      email: effective.user!.email,
      displayName: effective.user!.displayName,
      role: effective.role,
      source: effective.source,
      inherited: effective !== own,
      fromGroupId: effective.groupId,
      directRole: own?.role ?? null,
      ...membershipMarkers(own),
    });
  }
  return views.sort((a, b) => a.email.localeCompare(b.email));
}
