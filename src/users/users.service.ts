import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { badRequest, conflict, isUniqueViolation, notFound } from '../common/errors';
import { decodeCursor, Page, PAGE_DEFAULT, PAGE_MAX, toPage } from '../common/cursor';
import type { RequestContext } from '../common/request-context';
import { Transactions } from '../database/transactions.service';
import { Group } from '../groups/group.entity';
import { Membership } from '../groups/membership.entity';
import { membershipMarkers, type MembershipMarkers } from '../groups/membership-markers';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import { lastOwnerAmong } from '../sync/engine';
import { ExternalMembership } from '../sync/external-membership.entity';
import { loadMemberships, loadOwnerCounts } from '../sync/sync-state';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto } from './dto/user.dto';
import { Identity } from './identity.entity';
import { User } from './user.entity';
import { insertRows } from '../database/insert';
import { emailPrefix } from './email-prefix';

const userView = (u: User) => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  isAdmin: u.isAdmin,
  adminSource: u.adminSource,
  status: u.status,
  blockedBy: u.blockedBy,
  lastSignInAt: u.lastSignInAt?.toISOString() ?? null,
  lastSeenAt: u.lastSeenAt?.toISOString() ?? null,
  createdAt: u.createdAt.toISOString(),
  updatedAt: u.updatedAt.toISOString(),
});
export type UserResponse = ReturnType<typeof userView> & {
  memberships: ({ groupId: string; groupName: string; role: string; source: string } & MembershipMarkers)[];
  externalGroups: { idp: string; externalGroup: string; source: string; seenAt: string }[];
  identities: { idp: string; externalId: string }[];
};

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
  ) {}

  async create(tenantId: string, dto: CreateUserDto, ctx: RequestContext): Promise<UserResponse> {
    try {
      const user = await this.tx.run(async (em) => {
        if (await em.existsBy(User, { tenantId, email: dto.email })) throw emailTaken(dto.email);
        const row = em.create(User, { tenantId, email: dto.email, displayName: dto.displayName ?? null });
        await insertRows(em, User, row);
        await this.audit.record(em, ctx, tenantId, {
          action: 'user.created',
          targetType: 'user',
          targetId: row.id,
          userId: row.id,
          after: userView(row),
        });
        return row;
      });
      return (await this.withDetails(tenantId, [user]))[0];
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken(dto.email);
      throw error;
    }
  }

  /**
   * A page by email when `cursor` is given (empty for the first page); else the older bare array
   * with `limit`/`offset` paging, which scripts written before cursors rely on.
   */
  async list(tenantId: string, q: ListUsersQueryDto): Promise<UserResponse[] | Page<UserResponse>> {
    if (q.offset !== undefined && q.cursor !== undefined)
      throw badRequest('invalid_cursor', 'Use either cursor or offset, not both');
    if (q.cursor === undefined) {
      const users = await this.filtered(tenantId, q)
        .orderBy('u.email', 'ASC')
        .take(q.limit ?? 1000)
        .skip(q.offset ?? 0)
        .getMany();
      return this.withDetails(tenantId, users);
    }
    if (q.limit !== undefined && q.limit > PAGE_MAX)
      throw badRequest('validation_failed', `Invalid request: limit must not be greater than ${PAGE_MAX}`, [
        { field: 'limit', problems: [`limit must not be greater than ${PAGE_MAX} (1000 with offset)`] },
      ]);
    const limit = q.limit ?? PAGE_DEFAULT;
    const qb = this.filtered(tenantId, q);
    // Emails are unique in a tenant, so the email alone is the sort key.
    if (q.cursor) qb.andWhere('u.email > :after', { after: decodeCursor(q.cursor, 1)[0] });
    const rows = await qb
      .orderBy('u.email', 'ASC')
      .take(limit + 1)
      .getMany();
    const page = toPage(rows, limit, (u) => [u.email]);
    return { items: await this.withDetails(tenantId, page.items), nextCursor: page.nextCursor };
  }

  /** The tenant's users matching `email` (exact) and `q` (prefix), both stored lower-cased. */
  private filtered(tenantId: string, q: ListUsersQueryDto) {
    const qb = this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.tenantId = :tenantId', { tenantId });
    if (q.email) qb.andWhere('u.email = :email', { email: q.email });
    if (q.q) emailPrefix(qb, this.tx.dialect, q.q);
    return qb;
  }

  async get(tenantId: string, id: string): Promise<UserResponse> {
    const user = await this.dataSource.getRepository(User).findOneBy({ id, tenantId });
    if (!user) throw notFound('User', id);
    return (await this.withDetails(tenantId, [user]))[0];
  }

  async update(tenantId: string, id: string, dto: UpdateUserDto, ctx: RequestContext): Promise<UserResponse> {
    const user = await this.tx.run(async (em) => {
      const row = await em.findOneBy(User, { id, tenantId });
      if (!row) throw notFound('User', id);
      const before = userView(row);
      if (dto.displayName !== undefined) row.displayName = dto.displayName;
      if (dto.status !== undefined) {
        // Unblocking restarts the leaver clock, or the next inactivity run would block again.
        if (row.status === 'blocked' && dto.status === 'active') row.lastSeenAt = new Date();
        row.status = dto.status;
        row.blockedBy = dto.status === 'blocked' ? 'admin' : null;
      }
      if (dto.isAdmin !== undefined && dto.isAdmin !== row.isAdmin) {
        row.isAdmin = dto.isAdmin;
        row.adminSource = dto.isAdmin ? 'manual' : null;
      }
      row.updatedAt = new Date();
      await em.save(row);
      await this.audit.record(em, ctx, tenantId, {
        action: 'user.updated',
        targetType: 'user',
        targetId: id,
        userId: id,
        before,
        after: userView(row),
      });
      return row;
    });
    return (await this.withDetails(tenantId, [user]))[0];
  }

  async remove(tenantId: string, id: string, ctx: RequestContext): Promise<void> {
    await this.tx.run(async (em) => {
      const row = await em.findOneBy(User, { id, tenantId });
      if (!row) throw notFound('User', id);
      await this.tx.lockRow(em, 'users', id); // a sign-in or SCIM re-plan of this user waits
      await refuseLastOwner(em, tenantId, row);
      await em.delete(User, { id, tenantId });
      await this.audit.record(em, ctx, tenantId, {
        action: 'user.deleted',
        targetType: 'user',
        targetId: id,
        userId: id,
        before: userView(row),
      });
    });
  }

  /** Memberships, external groups and identities for a page of users: four queries, whatever the page size. */
  private async withDetails(tenantId: string, users: User[]): Promise<UserResponse[]> {
    if (users.length === 0) return [];
    const ids = users.map((u) => u.id);
    const em = this.dataSource.manager;
    const [memberships, externals, identities, idps] = await Promise.all([
      em.find(Membership, { where: { tenantId, userId: In(ids) } }),
      em.find(ExternalMembership, { where: { tenantId, userId: In(ids) }, order: { externalGroup: 'ASC' } }),
      em.find(Identity, { where: { tenantId, userId: In(ids) } }),
      em.find(IdentityProvider, { where: { tenantId }, select: { id: true, slug: true } }),
    ]);
    const groupIds = [...new Set(memberships.map((m) => m.groupId))];
    const groups = groupIds.length
      ? await em.find(Group, { where: { tenantId, id: In(groupIds) }, select: { id: true, name: true } })
      : [];
    const groupName = new Map(groups.map((g) => [g.id, g.name]));
    const idpSlug = new Map(idps.map((i) => [i.id, i.slug]));
    const byUser = <T extends { userId: string }>(rows: T[]) => {
      const map = new Map<string, T[]>();
      for (const row of rows) map.set(row.userId, [...(map.get(row.userId) ?? []), row]);
      return map;
    };
    const m = byUser(memberships);
    const x = byUser(externals);
    const i = byUser(identities);
    return users.map((u) => ({
      ...userView(u),
      memberships: (m.get(u.id) ?? [])
        .map((r) => ({
          groupId: r.groupId,
          groupName: groupName.get(r.groupId) ?? '',
          role: r.role,
          source: r.source,
          ...membershipMarkers(r),
        }))
        .sort((a, b) => a.groupName.localeCompare(b.groupName)),
      externalGroups: (x.get(u.id) ?? []).map((r) => ({
        idp: idpSlug.get(r.idpId) ?? r.idpId,
        externalGroup: r.externalGroup,
        source: r.source,
        seenAt: r.seenAt.toISOString(),
      })),
      identities: (i.get(u.id) ?? []).map((r) => ({
        idp: idpSlug.get(r.idpId) ?? r.idpId,
        externalId: r.externalId,
      })),
    }));
  }
}

/** Deleting a user takes all their memberships: refused while one of them is a group's last owner. */
async function refuseLastOwner(em: EntityManager, tenantId: string, user: User): Promise<void> {
  const memberships = await loadMemberships(em, tenantId, user.id);
  const last = lastOwnerAmong(memberships, await loadOwnerCounts(em, tenantId, memberships));
  if (!last) return;
  const group = await em.findOneBy(Group, { tenantId, id: last.groupId });
  throw conflict(
    'last_owner',
    `${user.email} is the last owner of "${group?.name ?? last.groupId}"; make someone else owner first`,
  );
}

const emailTaken = (email: string) =>
  conflict('user_email_taken', `A user with email "${email}" already exists in this tenant`);
