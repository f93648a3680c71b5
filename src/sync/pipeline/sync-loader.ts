import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { inChunks } from '../../database/chunks';
import { Transactions } from '../../database/transactions.service';
import { Identity } from '../../users/identity.entity';
import { User } from '../../users/user.entity';
import type { ClaimStatus, EngineMembership, EngineUser, GroupSyncPolicy, SyncContext } from '../engine';
import { ExternalMembership } from '../external-membership.entity';
import { type RawSyncStamp, SyncContextCache } from '../sync-context-cache';
import { loadMembershipsOf, loadOwnerCounts, signInInputColumns, signInInputsOf } from '../sync-state';
import { type FirstWrite, readOrRefuse, writeFirst } from './first-write';
import { Tenant } from '../../tenants/tenant.entity';

/** One tenant and one of its IdPs, with the IdP's group-sync policy. */
export interface SyncScope {
  tenantId: string;
  idpId: string;
  policy: GroupSyncPolicy;
}

/** A stored external group of a user at the IdP (a claim or a SCIM push). */
export type StoredGroup = Pick<ExternalMembership, 'id' | 'externalGroup' | 'source' | 'seenAt'>;

/** Everything the engine needs about one user, read under the user's row lock when asked. */
export interface UserInputs {
  user: User;
  memberships: EngineMembership[];
  stored: StoredGroup[];
  /** Status of the user's last claim through this IdP; null: it never sent one (or it was not asked for). */
  lastClaim: ClaimStatus | null;
}

export interface SyncInputs {
  context: SyncContext;
  /** Direct owners of every group one of the users owns: the last-owner rule's input for all of them. */
  ownerCounts: ReadonlyMap<string, number>;
  /**
   * The owner counts were read without the owned groups' locks (a returning sign-in's one statement
   * on PostgreSQL): before a plan weighs an owner's loss, count again (`loadOwnerCounts`, which
   * locks them). Every other locked load counts under those locks already (`fill`).
   */
  ownerCountsUnlocked?: boolean;
  /** The users of the tenant among the ids asked for (others are left out), by id. */
  users: ReadonlyMap<string, UserInputs>;
}

export interface LoadOptions {
  /**
   * Lock the users' rows, then the groups they own, until the transaction ends (every trigger that
   * writes; the groups for the last-owner rule's counts, sync-state.ts).
   */
  lock: boolean;
  /** The caller locked the users' rows already (a SCIM group write): only the owned groups are locked here. */
  usersLocked?: boolean;
  /** Read the status of each user's last claim (re-evaluations without a sign-in). */
  lastClaim?: boolean;
  /** The context, when the caller read it in this transaction already. */
  context?: SyncContext;
}

export const engineUser = (u: User): EngineUser => ({
  id: u.id,
  isAdmin: u.isAdmin,
  adminSource: u.adminSource,
});

/**
 * The one loader of the sync pipeline: the engine's inputs for a set of users in a fixed number of
 * queries, whatever their number (up to the parameter budget per statement): the context (cached
 * per tenant), one lock, then users, memberships, owner counts, stored groups and (when asked)
 * last-claim statuses, one query each. Every trigger reads through here, so none can forget the
 * lock, the owner counts or the cache.
 */
@Injectable()
export class SyncLoader {
  constructor(
    private readonly tx: Transactions,
    private readonly contexts: SyncContextCache,
  ) {}

  /**
   * The tenant's sync context; `stamp` is its version and settings when the caller already read them
   * in this transaction (e.g. with the row it locked first), saving the statement that reads them.
   */
  context(em: EntityManager, scope: SyncScope, stamp?: RawSyncStamp): Promise<SyncContext> {
    return stamp
      ? this.contexts.at(em, scope.tenantId, scope.idpId, scope.policy, stamp)
      : this.contexts.get(em, scope.tenantId, scope.idpId, scope.policy);
  }

  async load(
    em: EntityManager,
    scope: SyncScope,
    userIds: string[],
    options: LoadOptions,
  ): Promise<SyncInputs> {
    const context = options.context ?? (await this.context(em, scope));
    const ids = [...new Set(userIds)].sort();
    const users = new Map<string, UserInputs>();
    let ownerCounts: ReadonlyMap<string, number> = new Map();
    for (const chunk of inChunks(ids))
      for (const user of await this.readUsers(em, chunk, options.lock && !options.usersLocked))
        // The tenant checked here, not in the query: with "tenantId = ?" there, SQLite without
        // statistics would scan the tenant's users instead of looking up the ids.
        if (user.tenantId === scope.tenantId)
          users.set(user.id, { user, memberships: [], stored: [], lastClaim: null });
    const found = [...users.keys()];
    if (found.length === 0) return { context, ownerCounts, users };
    ownerCounts = await this.fill(em, scope, users, options.lock);
    if (options.lastClaim)
      for (const [userId, status] of await this.lastClaims(em, scope, found))
        users.get(userId)!.lastClaim = status;
    return { context, ownerCounts, users };
  }

  /**
   * A returning sign-in's inputs in one statement: it finds the identity, reads and locks its user,
   * reads the tenant's sync version and settings (the context cache's stamp), and the user's
   * memberships (with owner counts) and stored groups (`signInInputColumns`). On PostgreSQL it also
   * writes the sign-in's first row (`first`, a data-modifying WITH); elsewhere that row is written
   * just before. Null when this IdP knows no such subject (a first sign-in, or a link by email):
   * the caller then goes the general way (`load`).
   *
   * On PostgreSQL the lock does not wait (NOWAIT; a busy row fails with 55P03): the memberships are
   * read in the same statement, under its snapshot, which would predate the commit of whoever held
   * the lock. The caller retries with `wait`, which locks first and reads after, in statements of
   * their own. The owner counts read here are not under the groups' locks: `ownerCountsUnlocked`.
   */
  async loadSignIn(
    em: EntityManager,
    scope: SyncScope,
    externalId: string,
    options: { first?: FirstWrite; wait?: boolean } = {},
  ): Promise<{ identity: Identity; inputs: SyncInputs } | null> {
    const pg = this.tx.dialect === 'postgres';
    const { first } = options;
    if (first && !pg) await writeFirst(em, first);
    const query = em
      .createQueryBuilder(Identity, 'i')
      .innerJoinAndSelect('i.user', 'u')
      .addSelect('t.syncVersion', 'syncVersion')
      .addSelect('t.settings', 'syncSettings')
      .innerJoin(Tenant, 't', 't.id = i.tenantId')
      .where('i.tenantId = :tenantId AND i.idpId = :idpId AND i.externalId = :externalId', {
        tenantId: scope.tenantId,
        idpId: scope.idpId,
        externalId,
      });
    const together = !(pg && options.wait);
    if (together) {
      const columns = signInInputColumns(this.tx.dialect);
      query.addSelect(columns.memberships, 'memberships').addSelect(columns.stored, 'stored');
    }
    if (pg) {
      query.setLock('for_no_key_update', undefined, ['u']);
      if (together) query.setOnLocked('nowait');
      if (first)
        query.addCommonTableExpression(
          em.createQueryBuilder().insert().into(first.target).values(first.row),
          'first_write',
        );
    }
    const { entities, raw } = await readOrRefuse(first, () =>
      query.getRawAndEntities<{
        syncVersion: number | string;
        syncSettings: RawSyncStamp['settings'];
        memberships: unknown;
        stored: unknown;
      }>(),
    );
    const identity = entities[0];
    if (!identity?.user || identity.user.tenantId !== scope.tenantId) return null;
    const stamp = { version: raw[0].syncVersion, settings: raw[0].syncSettings };
    const context = await this.contexts.at(em, scope.tenantId, scope.idpId, scope.policy, stamp);
    const user = identity.user;
    delete identity.user;
    const mine: UserInputs = { user, memberships: [], stored: [], lastClaim: null };
    const users = new Map<string, UserInputs>([[user.id, mine]]);
    if (!together)
      return { identity, inputs: { context, ownerCounts: await this.fill(em, scope, users, true), users } };
    const read = signInInputsOf(raw[0]);
    mine.memberships = read.memberships;
    mine.stored = sortedByGroup(read.stored);
    const ownerCountsUnlocked = pg && read.ownerCounts.size > 0;
    return { identity, inputs: { context, ownerCounts: read.ownerCounts, users, ownerCountsUnlocked } };
  }

  /** Memberships (with owner counts) and stored groups of the users found; the owner counts. */
  private async fill(
    em: EntityManager,
    scope: SyncScope,
    users: Map<string, UserInputs>,
    lock: boolean,
  ): Promise<Map<string, number>> {
    const found = [...users.keys()];
    const memberships = await loadMembershipsOf(em, scope.tenantId, found);
    const { byUser } = memberships;
    let { ownerCounts } = memberships;
    // Owners: counted again under their groups' locks (the last-owner rule under concurrency,
    // sync-state.ts); the users' own memberships are safe under their row locks already.
    if (lock && this.tx.dialect === 'postgres' && ownerCounts.size > 0)
      ownerCounts = await loadOwnerCounts(
        em,
        scope.tenantId,
        [...ownerCounts.keys()].map((groupId) => ({ groupId, role: 'owner' })),
      );
    for (const [userId, list] of byUser) users.get(userId)!.memberships = list;
    for (const row of await this.storedRows(em, scope, found)) users.get(row.userId)?.stored.push(row);
    return ownerCounts;
  }

  /**
   * The users' rows, locked until the transaction ends when asked: on PostgreSQL the same statement
   * takes the row locks (FOR NO KEY UPDATE, in id order so two batches cannot deadlock); SQLite's
   * queued single writer already serializes (see Transactions).
   */
  private readUsers(em: EntityManager, ids: string[], lock: boolean): Promise<User[]> {
    const query = em.createQueryBuilder(User, 'u').where('u.id IN (:...ids)', { ids }).orderBy('u.id');
    if (lock && this.tx.dialect === 'postgres') query.setLock('for_no_key_update');
    return query.getMany();
  }

  private async storedRows(em: EntityManager, scope: SyncScope, userIds: string[]) {
    const rows: (StoredGroup & { userId: string })[] = [];
    for (const chunk of inChunks(userIds))
      rows.push(
        ...(await em.find(ExternalMembership, {
          where: { tenantId: scope.tenantId, idpId: scope.idpId, userId: In(chunk) },
          select: { id: true, userId: true, externalGroup: true, source: true, seenAt: true },
        })),
      );
    return sortedByGroup(rows);
  }

  /** The status of each user's most recent claim through this IdP. */
  private async lastClaims(em: EntityManager, scope: SyncScope, userIds: string[]) {
    const latest = new Map<string, { status: ClaimStatus | null; seenAt: number }>();
    for (const chunk of inChunks(userIds)) {
      const identities = await em.find(Identity, {
        where: { tenantId: scope.tenantId, idpId: scope.idpId, userId: In(chunk) },
        select: { userId: true, claimStatus: true, claimsSeenAt: true },
      });
      for (const i of identities) {
        const seenAt = i.claimsSeenAt?.getTime() ?? -1;
        const best = latest.get(i.userId);
        if (!best || seenAt > best.seenAt) latest.set(i.userId, { status: i.claimStatus, seenAt });
      }
    }
    return new Map([...latest].map(([userId, { status }]) => [userId, status]));
  }
}

/** Sorted here, the same on both dialects, so plans do not depend on row order. */
function sortedByGroup<T extends { externalGroup: string }>(rows: T[]): T[] {
  return rows.sort((a, b) =>
    a.externalGroup < b.externalGroup ? -1 : a.externalGroup > b.externalGroup ? 1 : 0,
  );
}

/** A user's stored groups at the IdP, both sources, de-duplicated and sorted. */
export function storedGroupNames(inputs: UserInputs): string[] {
  return [...new Set(inputs.stored.map((r) => r.externalGroup))];
}
