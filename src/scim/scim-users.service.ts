import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { scimPatch } from 'scim-patch';
import { DataSource, EntityManager, Not } from 'typeorm';
import { isUUID } from 'class-validator';
import { AuditEvent } from '../audit/audit-event.entity';
import { AuditService } from '../audit/audit.service';
import { Session } from '../auth/session.entity';
import { conflict, isUniqueViolation } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { inertCopy } from '../common/safe-input';
import { InsertPart, insertTogether } from '../database/insert';
import { Transactions } from '../database/transactions.service';
import { Membership } from '../groups/membership.entity';
import { lastOwnerAmong } from '../sync/engine';
import { ExternalMembership } from '../sync/external-membership.entity';
import { loadGroupsByIds, loadOwnerCounts } from '../sync/sync-state';
import { PushedGroupsService } from '../sync/pushed-groups.service';
import { Identity } from '../users/identity.entity';
import { User } from '../users/user.entity';
import { refuseDomain, refuseTakeover } from './scim-email-rules';
import { ScimGroupMember } from './scim-group.entity';
import { scimError, scimNotFound } from './scim-error';
import { project, parseAttributeList } from './scim-projection';
import { listPage, USER_FILTER_SCHEMA } from './scim-query';
import type { ScimCaller } from './scim-tokens.service';
import { ScimTokensService } from './scim-tokens.service';
import { NormalizedScimUser, normalizeUserResource, toScimUser } from './scim-user-resource';
import { ScimUser, ScimUserEmail } from './scim-user.entity';
import { patchOperations } from './scim-patch-operations';

/** A write outside a transaction found more to write than a new user's one statement. */
class NeedsTransaction extends Error {}

/** What a user write tried to store, for answering a unique violation after its rollback. */
interface WriteAttempt {
  userName?: string;
  scimUserId?: string;
}

/** SCIM Users of one IdP connection: provisioning, updates, deactivation and deletion. */
@Injectable()
export class ScimUsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly tokens: ScimTokensService,
    private readonly pushed: PushedGroupsService,
  ) {}

  private base(caller: ScimCaller) {
    return this.tokens.baseUrl(caller.tenant);
  }

  async create(caller: ScimCaller, body: unknown, ctx: RequestContext) {
    const input = normalizeUserResource(body);
    // PostgreSQL: a new user's rows are one statement (`insertTogether`), and the unique indexes
    // decide a race (a taken userName or email), so it needs no transaction: two round trips less.
    // Adopting an existing user writes more than one statement: that goes into a transaction.
    const work = (em: EntityManager, attempt: WriteAttempt) =>
      this.write(em, caller, null, input, ctx, attempt);
    const row =
      this.tx.dialect === 'postgres'
        ? await this.writing(caller, work, 'new user only').catch((error: unknown) => {
            // A lost race on the email (a user with it came meanwhile) is answered as the next
            // request would be: rerun in a transaction, which finds that user (a clear 409, or the
            // adoption account linking allows), rather than the unique index's bare conflict.
            if (error instanceof NeedsTransaction || isUniqueViolation(error))
              return this.writing(caller, work);
            throw error;
          })
        : await this.writing(caller, work);
    return toScimUser(row, this.base(caller));
  }

  async get(caller: ScimCaller, id: string, query: Record<string, unknown>) {
    const row = await this.find(this.dataSource.manager, caller, id);
    return project(
      toScimUser(row, this.base(caller)),
      parseAttributeList(query.attributes, 'attributes'),
      parseAttributeList(query.excludedAttributes, 'excludedAttributes'),
    );
  }

  async list(caller: ScimCaller, query: Record<string, unknown>) {
    const qb = this.dataSource
      .getRepository(ScimUser)
      .createQueryBuilder('u')
      .where('u.tenantId = :tenantId AND u.idpId = :idpId', {
        tenantId: caller.tenant.id,
        idpId: caller.idp.id,
      });
    return listPage(this.dataSource, qb, query, USER_FILTER_SCHEMA, async (rows, attributes, excluded) =>
      rows.map((r) => project(toScimUser(r, this.base(caller)), attributes, excluded)),
    );
  }

  /** PUT: the body replaces the resource (Okta's way of updating). */
  async replace(caller: ScimCaller, id: string, body: unknown, ctx: RequestContext) {
    const input = normalizeUserResource(body);
    const row = await this.writing(caller, async (em, attempt) =>
      this.write(em, caller, await this.find(em, caller, id), input, ctx, attempt),
    );
    return toScimUser(row, this.base(caller));
  }

  /** PATCH: every operation applies to a copy; the result is validated and stored whole, or nothing is. */
  async patch(caller: ScimCaller, id: string, body: unknown, ctx: RequestContext) {
    const operations = patchOperations(body);
    const row = await this.writing(caller, async (em, attempt) => {
      const existing = await this.find(em, caller, id);
      const current = toScimUser(existing, this.base(caller));
      let patched: Record<string, unknown>;
      try {
        // The patcher walks keys from the request (`obj[key] ??= {}`): on prototype-free copies
        // a key can only reach the copy's own data (paths are checked before, this is the backstop).
        patched = scimPatch(inertCopy(current) as never, inertCopy(operations), {
          mutateDocument: true,
          treatMissingAsAdd: true,
        }) as unknown as Record<string, unknown>;
      } catch (error) {
        const message = (error as Error).message.replace(/^Invalid SCIM Patch: /, '');
        throw scimError(
          /path|attribute|filter|search/i.test(message) ? 'invalidPath' : 'invalidValue',
          message,
        );
      }
      return this.write(em, caller, existing, normalizeUserResource(patched), ctx, attempt);
    });
    return toScimUser(row, this.base(caller));
  }

  /**
   * DELETE: the user's SCIM and sync memberships, stored external groups and identity at this IdP
   * go; the user row is blocked or deleted as the tenant's `scimDeleteAction` says. A user who is the
   * last owner of a group through one of those memberships is refused (409) with nothing written.
   */
  async remove(caller: ScimCaller, id: string, ctx: RequestContext): Promise<void> {
    const deleteUser = caller.tenant.settings.scimDeleteAction === 'delete';
    await this.tx.run(async (em) => {
      const row = await this.find(em, caller, id);
      await this.tx.lockRow(em, 'users', row.userId);
      const user = await em.findOneByOrFail(User, { id: row.userId });
      const memberships = await em.find(Membership, {
        where: { tenantId: caller.tenant.id, userId: user.id },
      });
      const going = deleteUser ? memberships : memberships.filter((m) => m.source !== 'manual');
      await this.refuseLastOwner(em, caller.tenant.id, going);
      if (going.length)
        await em.delete(
          Membership,
          going.map((m) => m.id),
        );
      const tenantId = caller.tenant.id;
      await em.delete(ExternalMembership, { tenantId, userId: user.id, idpId: caller.idp.id });
      await em.delete(Identity, { tenantId, userId: user.id, idpId: caller.idp.id });
      const groupRows = await em
        .createQueryBuilder(ScimGroupMember, 'm')
        .innerJoin('scim_groups', 'g', 'g.id = m.scimGroupId')
        .where('m.userId = :userId AND g.idpId = :idpId', { userId: user.id, idpId: caller.idp.id })
        .select('m.id', 'id')
        .getRawMany<{ id: string }>();
      if (groupRows.length)
        await em.delete(
          ScimGroupMember,
          groupRows.map((r) => r.id),
        );
      await em.delete(ScimUser, { id: row.id });
      await em.delete(Session, { tenantId, userId: user.id });
      if (deleteUser) await em.delete(User, { id: user.id });
      else
        await em.update(
          User,
          { id: user.id },
          { status: 'blocked', blockedBy: user.blockedBy ?? 'scim', updatedAt: new Date() },
        );
      await this.audit.record(em, ctx, tenantId, [
        ...going.map((m) => ({
          action: 'membership.removed',
          targetType: 'group',
          targetId: m.groupId,
          userId: user.id,
          before: { role: m.role, source: m.source },
          details: { trigger: 'scim', reason: 'the identity provider deprovisioned the user (SCIM DELETE)' },
        })),
        {
          action: deleteUser ? 'user.deleted' : 'user.blocked',
          targetType: 'user',
          targetId: user.id,
          userId: user.id,
          before: { email: user.email, status: user.status },
          details: {
            trigger: 'scim',
            idp: caller.idp.slug,
            scimDeleteAction: deleteUser ? 'delete' : 'block',
          },
        },
      ]);
    });
  }

  private async refuseLastOwner(em: EntityManager, tenantId: string, going: Membership[]) {
    const owners = await loadOwnerCounts(em, tenantId, going);
    const last = lastOwnerAmong(going, owners);
    if (!last) return;
    const group = (await loadGroupsByIds(em, tenantId, [last.groupId])).get(last.groupId);
    // The admin API's code: SCIM answers it as scimType mutability (scim-error.ts).
    throw conflict(
      'last_owner',
      `the user is the last owner of group "${group?.name ?? last.groupId}"; make someone else an owner first`,
    );
  }

  private async find(em: EntityManager, caller: ScimCaller, id: string): Promise<ScimUser> {
    const row = isUUID(id)
      ? await em.findOneBy(ScimUser, {
          tenantId: caller.tenant.id,
          idpId: caller.idp.id,
          userId: id.toLowerCase(),
        })
      : null;
    if (!row) throw scimNotFound('User', id);
    return row;
  }

  /**
   * A user write in a transaction. A userName another SCIM user of this IdP has is refused by the
   * unique (idpId, userNameKey) index rather than by a read before every write (one statement less
   * per SCIM user write, issue #14); the violation is then answered as SCIM's uniqueness error.
   */
  private async writing(
    caller: ScimCaller,
    work: (em: EntityManager, attempt: WriteAttempt) => Promise<ScimUser>,
    mode: 'transaction' | 'new user only' = 'transaction',
  ): Promise<ScimUser> {
    const attempt: WriteAttempt = {};
    try {
      return mode === 'transaction'
        ? await this.tx.run((em) => work(em, attempt))
        : await work(this.dataSource.manager, attempt);
    } catch (error) {
      if (!isUniqueViolation(error) || attempt.userName === undefined) throw error;
      const clash = await this.dataSource.manager.findOne(ScimUser, {
        where: {
          idpId: caller.idp.id,
          userNameKey: attempt.userName.toLowerCase(),
          ...(attempt.scimUserId ? { id: Not(attempt.scimUserId) } : {}),
        },
        select: { id: true },
      });
      if (clash) throw scimError('uniqueness', `userName "${attempt.userName}" is already taken`);
      throw error;
    }
  }

  /** Creates or updates the groupsync user and the SCIM record for a validated resource. */
  private async write(
    em: EntityManager,
    caller: ScimCaller,
    existing: ScimUser | null,
    input: NormalizedScimUser,
    ctx: RequestContext,
    attempt: WriteAttempt,
  ): Promise<ScimUser> {
    const tenantId = caller.tenant.id;
    const idpId = caller.idp.id;
    const userNameKey = input.userName.toLowerCase();
    Object.assign(attempt, { userName: input.userName, scimUserId: existing?.id });

    let user = existing ? await em.findOneByOrFail(User, { id: existing.userId }) : null;
    const emailOwner = await em.findOneBy(User, { tenantId, email: input.email });
    if (user && emailOwner && emailOwner.id !== user.id)
      throw scimError('uniqueness', `email ${input.email} belongs to another user of this workspace`);
    const created = !user && !emailOwner;
    if (!created && !em.queryRunner?.isTransactionActive) throw new NeedsTransaction();
    // Domain rules for every email this client gives a user: creating, adopting, changing it.
    if (!user || user.email !== input.email) await refuseDomain(em, caller, input.email, !emailOwner);
    if (!user && emailOwner) {
      // An existing user is taken over, not duplicated, only as account linking allows (docs/scim.md).
      await refuseTakeover(em, caller, emailOwner, input.email, input.userName);
      user = emailOwner;
    }
    const now = new Date();
    const displayName = input.displayName?.slice(0, 200) ?? null;
    // SCIM blocks and unblocks its own way; an admin's block stays whatever the IdP says.
    const adminBlocked = user?.status === 'blocked' && user.blockedBy === 'admin';
    const status = input.active && !adminBlocked ? 'active' : 'blocked';
    const blockedBy = status === 'active' ? null : adminBlocked ? 'admin' : 'scim';
    const reactivated = user?.status === 'blocked' && status === 'active';
    const before = user ? { email: user.email, displayName: user.displayName, status: user.status } : null;
    // A created user's rows are written together at the end: one statement on PostgreSQL.
    const createdRows: InsertPart[] = [];
    if (!user) {
      // A SCIM write of the user counts as "seen" for the leaver rules (docs/sync.md, "Leavers").
      user = em.create(User, {
        tenantId,
        email: input.email,
        displayName,
        status,
        blockedBy,
        lastSeenAt: now,
      });
      createdRows.push({ target: User, rows: [user] });
    } else {
      await this.tx.lockRow(em, 'users', user.id);
      await em.update(
        User,
        { id: user.id },
        {
          email: input.email,
          displayName: displayName ?? user.displayName,
          status,
          blockedBy,
          lastSeenAt: now,
          updatedAt: now,
        },
      );
      if (status === 'blocked' && user.status !== 'blocked')
        await em.delete(Session, { tenantId, userId: user.id });
    }

    const row = existing ?? em.create(ScimUser, { tenantId, idpId, userId: user.id, createdAt: now });
    Object.assign(row, {
      userName: input.userName,
      userNameKey,
      externalId: input.externalId,
      displayName: input.displayName,
      givenName: input.givenName,
      familyName: input.familyName,
      employeeNumber: input.employeeNumber,
      active: input.active,
      resource: input.resource,
      updatedAt: now,
    });
    if (existing) {
      await em.save(ScimUser, row);
      await em.delete(ScimUserEmail, { scimUserId: row.id });
    }
    const emails = input.emails.map((e) => em.create(ScimUserEmail, { tenantId, scimUserId: row.id, ...e }));
    const rows: InsertPart[] = [
      ...createdRows,
      ...(existing ? [] : [{ target: ScimUser, rows: [row] }]),
      { target: ScimUserEmail, rows: emails },
    ];

    const after = {
      email: input.email,
      displayName,
      status,
      userName: input.userName,
      externalId: input.externalId,
    };
    const action = created
      ? 'user.created'
      : !existing
        ? 'scim.user_linked'
        : before?.status !== status
          ? status === 'blocked'
            ? 'user.blocked'
            : 'user.unblocked'
          : 'scim.user_updated';
    const event = {
      action,
      targetType: 'user',
      targetId: user.id,
      userId: user.id,
      before,
      after,
      details: { trigger: 'scim', idp: caller.idp.slug },
    };
    await insertTogether(em, [
      ...rows,
      { target: AuditEvent, rows: this.audit.rows(em, ctx, tenantId, event) },
    ]);
    // Pushes skipped the user while blocked: bring their memberships up to date now.
    if (reactivated) await this.pushed.apply(caller.tenant, caller.idp, [user.id], ctx, em);
    return row;
  }

  /** Users of this IdP's SCIM client whose groups the sync engine should look at again. */
}
