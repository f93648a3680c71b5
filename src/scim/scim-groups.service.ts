import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Not } from 'typeorm';
import { isUUID } from 'class-validator';
import type { AuditEntry } from '../audit/audit.service';
import type { RequestContext } from '../common/request-context';
import { inChunks, rowsPerInsert } from '../database/chunks';
import { insertStatement, runTogether, SqlStatement } from '../database/insert';
import { Transactions } from '../database/transactions.service';
import { PushedGroupsService } from '../sync/pushed-groups.service';
import type { RawSyncStamp } from '../sync/sync-context-cache';
import { Tenant } from '../tenants/tenant.entity';
import { invalidValue, scimError, scimNotFound } from './scim-error';
import { applyGroupOperation, GroupState, groupInput, wantsMembers } from './scim-group-resource';
import { readPatchOperations } from './scim-patch-operations';
import { addPushedGroups, groupNames, refreshPushedGroups } from './scim-pushed-groups';
import { ScimGroup, ScimGroupMember } from './scim-group.entity';
import { parseAttributeList, project } from './scim-projection';
import { GROUP_FILTER_SCHEMA, listPage, lockProvisioned } from './scim-query';
import { SCIM } from './scim-schema';
import type { ScimCaller } from './scim-tokens.service';
import { ScimTokensService } from './scim-tokens.service';
import { ScimUser } from './scim-user.entity';

/**
 * SCIM Groups of one IdP connection. A SCIM group is an external group of that IdP: its members get
 * its displayName and externalId as stored external groups (source scim), and every change re-plans
 * the affected users through the sync engine, so group links decide, exactly as with sign-in claims.
 */
@Injectable()
export class ScimGroupsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly tokens: ScimTokensService,
    private readonly pushed: PushedGroupsService,
  ) {}

  async create(caller: ScimCaller, body: unknown, ctx: RequestContext) {
    const input = groupInput(body, null);
    const group = await this.tx.run(async (em) => {
      const group = em.create(ScimGroup, { tenantId: caller.tenant.id, idpId: caller.idp.id });
      await this.replan(em, caller, await this.write(em, caller, group, null, input), ctx);
      return group;
    });
    // A group created without members (as Entra and Okta create them) has none to read back.
    return input.members.size === 0
      ? this.toResource(caller, group, new Map())
      : this.render(this.dataSource.manager, caller, group, false);
  }

  async get(caller: ScimCaller, id: string, query: Record<string, unknown>) {
    const excluded = parseAttributeList(query.excludedAttributes, 'excludedAttributes');
    const attributes = parseAttributeList(query.attributes, 'attributes');
    const group = await this.find(this.dataSource.manager, caller, id);
    const withMembers = wantsMembers(attributes, excluded);
    return project(
      await this.render(this.dataSource.manager, caller, group, !withMembers),
      attributes,
      excluded,
    );
  }

  async list(caller: ScimCaller, query: Record<string, unknown>) {
    const qb = this.dataSource
      .getRepository(ScimGroup)
      .createQueryBuilder('g')
      .where('g.tenantId = :tenantId AND g.idpId = :idpId', {
        tenantId: caller.tenant.id,
        idpId: caller.idp.id,
      });
    return listPage(this.dataSource, qb, query, GROUP_FILTER_SCHEMA, async (rows, attributes, excluded) => {
      // One members query for the whole page, not one per group.
      const members = wantsMembers(attributes, excluded)
        ? await this.membersOf(
            this.dataSource.manager,
            caller,
            rows.map((r) => r.id),
          )
        : null;
      return rows.map((row) => project(this.toResource(caller, row, members), attributes, excluded));
    });
  }

  async replace(caller: ScimCaller, id: string, body: unknown, ctx: RequestContext) {
    const group = await this.tx.run(async (em) => {
      const { group, stamp } = await this.findForWrite(em, caller, id);
      const current = await this.state(em, group);
      await this.replan(
        em,
        caller,
        await this.write(em, caller, group, current, groupInput(body, group.id)),
        ctx,
        stamp,
      );
      return group;
    });
    return this.render(this.dataSource.manager, caller, group, false);
  }

  /** PATCH members (add, remove by value array or `members[value eq "id"]`, replace) and rename, atomically. */
  async patch(caller: ScimCaller, id: string, body: unknown, ctx: RequestContext) {
    const operations = readPatchOperations(body);
    const group = await this.tx.run(async (em) => {
      const { group, stamp } = await this.findForWrite(em, caller, id);
      const current = await this.state(em, group);
      const next: GroupState = { ...current, members: new Set(current.members) };
      for (const op of operations) applyGroupOperation(next, op, group.id);
      await this.replan(em, caller, await this.write(em, caller, group, current, next), ctx, stamp);
      return group;
    });
    // Entra and Okta expect 204 or the resource; the resource, without members, is cheap and clear.
    return this.render(this.dataSource.manager, caller, group, true);
  }

  async remove(caller: ScimCaller, id: string, ctx: RequestContext): Promise<void> {
    await this.tx.run(async (em) => {
      const { group, stamp } = await this.findForWrite(em, caller, id);
      const members = [...(await this.state(em, group)).members];
      await this.tx.lockRows(em, 'users', members);
      await em.delete(ScimGroup, { id: group.id });
      const changed = await refreshPushedGroups(
        em,
        caller,
        members,
        new Map(members.map((m) => [m, groupNames(caller, group)])),
      );
      const event = {
        action: 'scim.group_deleted',
        targetType: 'scim_group',
        targetId: group.id,
        before: { displayName: group.displayName, externalId: group.externalId, members: members.length },
        details: { idp: caller.idp.slug },
      };
      await this.replan(em, caller, { changed, event }, ctx, stamp);
    });
  }

  /**
   * The sync pipeline re-plans the users whose stored groups the write changed (already locked),
   * those whose changed names a link, a name-matched group or an admin group sees, and writes the
   * write's audit event with the re-plan's events.
   */
  private async replan(
    em: EntityManager,
    caller: ScimCaller,
    write: { changed: Map<string, string[]>; event: AuditEntry },
    ctx: RequestContext,
    stamp?: RawSyncStamp,
  ) {
    await this.pushed.applyToChanged(caller.tenant, caller.idp, write.changed, ctx, em, [write.event], stamp);
  }

  /** The group of this IdP with that id, or SCIM's 404. */
  private async find(em: EntityManager, caller: ScimCaller, id: string): Promise<ScimGroup> {
    const group = isUUID(id) ? await this.byId(em, caller, id).getOne() : null;
    if (!group) throw scimNotFound('Group', id);
    return group;
  }

  /**
   * The group for a write, held until the transaction ends, so two PATCHes of one group run one
   * after the other instead of overwriting each other; with the tenant's sync stamp (version and
   * settings) read in the same statement, which the re-plan's context needs (one statement less).
   */
  private async findForWrite(
    em: EntityManager,
    caller: ScimCaller,
    id: string,
  ): Promise<{ group: ScimGroup; stamp: RawSyncStamp }> {
    const query = this.byId(em, caller, id)
      .innerJoin(Tenant, 't', 't.id = g.tenantId')
      .addSelect('t.syncVersion', 'stamp_version')
      .addSelect('t.settings', 'stamp_settings');
    // PostgreSQL: read and lock the group (not the tenant) in one statement; SQLite's queued single
    // writer already serializes.
    if (this.tx.dialect === 'postgres') query.setLock('for_no_key_update', undefined, ['g']);
    const {
      entities: [group],
      raw: [row],
    } = isUUID(id)
      ? await query.getRawAndEntities<{
          stamp_version: number | string;
          stamp_settings: RawSyncStamp['settings'];
        }>()
      : { entities: [], raw: [] };
    if (!group) throw scimNotFound('Group', id);
    return { group, stamp: { version: row.stamp_version, settings: row.stamp_settings } };
  }

  private byId(em: EntityManager, caller: ScimCaller, id: string) {
    return em
      .createQueryBuilder(ScimGroup, 'g')
      .where('g.id = :id AND g.tenantId = :tenantId AND g.idpId = :idpId', {
        id: id.toLowerCase(),
        tenantId: caller.tenant.id,
        idpId: caller.idp.id,
      });
  }

  private async state(em: EntityManager, group: ScimGroup): Promise<GroupState> {
    const rows = await em.find(ScimGroupMember, {
      where: { scimGroupId: group.id },
      select: { userId: true },
    });
    return {
      displayName: group.displayName,
      externalId: group.externalId,
      members: new Set(rows.map((r) => r.userId)),
    };
  }

  /**
   * Stores the new state; returns the users whose external groups changed, with the names that
   * did, and the write's audit event (the re-plan writes it with its own, in one insert).
   */
  private async write(
    em: EntityManager,
    caller: ScimCaller,
    group: ScimGroup,
    before: GroupState | null,
    next: GroupState,
  ): Promise<{ changed: Map<string, string[]>; event: AuditEntry }> {
    const tenantId = caller.tenant.id;
    const key = next.displayName.toLowerCase();
    if (!before || group.displayNameKey !== key) await this.refuseNameClash(em, caller, group, key, next);
    const wanted = [...next.members];
    const previous = before?.members ?? new Set<string>();
    const added = wanted.filter((m) => !previous.has(m));
    const removed = [...previous].filter((m) => !next.members.has(m));
    const renamed =
      !before || before.displayName !== next.displayName || before.externalId !== next.externalId;
    const affected = renamed ? [...new Set([...wanted, ...removed])] : [...added, ...removed];
    // Pushes to other groups touch the same users' stored groups: one at a time per user, locked
    // before any row that references them is written.
    // (PostgreSQL: the same statement finds which joining users this client provisioned.)
    const known = await lockProvisioned(em, this.tx, caller.idp.id, affected, added);
    const unknown = added.filter((m) => !known.has(m));
    if (unknown.length)
      throw invalidValue(
        `members must be users provisioned by this SCIM client; unknown: ${unknown.slice(0, 5).join(', ')}`,
      );

    const fields = { displayName: next.displayName, displayNameKey: key, externalId: next.externalId };
    Object.assign(group, { ...fields, updatedAt: new Date() });
    const groupWrite = before
      ? updateStatement(em, group.id, { ...fields, updatedAt: group.updatedAt })
      : insertStatement(em, ScimGroup, [group]);
    const members = added.map((userId) =>
      em.create(ScimGroupMember, { tenantId, scimGroupId: group.id, userId }),
    );
    const columns = em.connection.getMetadata(ScimGroupMember).columns.length;
    // The group's row and its new members: one statement on PostgreSQL (`runTogether`).
    const writes = [
      groupWrite,
      ...inChunks(members, rowsPerInsert(columns)).map((chunk) =>
        insertStatement(em, ScimGroupMember, chunk, { bulk: true }),
      ),
    ];
    // Members only joining a group whose names stay: nobody loses a name, the joiners gain its
    // names, written in the same statement as the group's writes.
    if (removed.length === 0 && (!before || !renamed)) {
      const changed = await addPushedGroups(em, caller, added, groupNames(caller, next), writes);
      return { changed, event: groupEvent(caller, group, before, next, added, removed) };
    }
    await runTogether(em, writes);
    for (const chunk of inChunks(removed))
      await em.delete(ScimGroupMember, { scimGroupId: group.id, userId: In(chunk) });
    const changed = await refreshPushedGroups(
      em,
      caller,
      affected,
      droppedNames(caller, before, next, removed),
    );
    return { changed, event: groupEvent(caller, group, before, next, added, removed) };
  }

  private async refuseNameClash(
    em: EntityManager,
    caller: ScimCaller,
    group: ScimGroup,
    key: string,
    next: GroupState,
  ) {
    const clash = await em.findOne(ScimGroup, {
      where: { idpId: caller.idp.id, displayNameKey: key, id: Not(group.id) },
      select: { id: true },
    });
    if (clash) throw scimError('uniqueness', `a group named "${next.displayName}" already exists`);
  }

  private async render(em: EntityManager, caller: ScimCaller, group: ScimGroup, withoutMembers: boolean) {
    const members = withoutMembers ? null : await this.membersOf(em, caller, [group.id]);
    return this.toResource(caller, group, members);
  }

  /** Members of some groups with their userName, by group id. */
  private async membersOf(em: EntityManager, caller: ScimCaller, groupIds: string[]) {
    const byGroup = new Map<string, { userId: string; userName: string | null }[]>();
    for (const chunk of inChunks(groupIds)) {
      const rows = await em
        .createQueryBuilder(ScimGroupMember, 'm')
        .leftJoin(ScimUser, 'u', 'u.userId = m.userId AND u.idpId = :idpId', { idpId: caller.idp.id })
        .where('m.scimGroupId IN (:...ids)', { ids: chunk })
        .select(['m.scimGroupId AS "groupId"', 'm.userId AS "userId"', 'u.userName AS "userName"'])
        .orderBy('m.userId')
        .getRawMany<{ groupId: string; userId: string; userName: string | null }>();
      for (const { groupId, ...member } of rows) {
        const list = byGroup.get(groupId);
        if (list) list.push(member);
        else byGroup.set(groupId, [member]);
      }
    }
    return byGroup;
  }

  /** The Group resource; `members` null leaves them out (excludedAttributes=members). */
  private toResource(
    caller: ScimCaller,
    group: ScimGroup,
    members: Map<string, { userId: string; userName: string | null }[]> | null,
  ): Record<string, unknown> {
    const base = this.tokens.baseUrl(caller.tenant);
    return {
      schemas: [SCIM.group],
      id: group.id,
      ...(group.externalId ? { externalId: group.externalId } : {}),
      displayName: group.displayName,
      ...(members
        ? {
            members: (members.get(group.id) ?? []).map((m) => ({
              value: m.userId,
              ...(m.userName ? { display: m.userName } : {}),
              $ref: `${base}/Users/${m.userId}`,
            })),
          }
        : {}),
      meta: {
        resourceType: 'Group',
        created: group.createdAt.toISOString(),
        lastModified: group.updatedAt.toISOString(),
        location: `${base}/Groups/${group.id}`,
      },
    };
  }
}

/** Who the IdP now says is no longer in which external group: a removal beats an older claim. */
function droppedNames(
  caller: ScimCaller,
  before: GroupState | null,
  next: GroupState,
  removed: string[],
): Map<string, string[]> {
  const dropped = new Map<string, string[]>();
  if (!before) return dropped;
  const oldNames = groupNames(caller, before);
  const newNames = new Set(groupNames(caller, next));
  for (const m of removed) dropped.set(m, oldNames);
  const lost = oldNames.filter((n) => !newNames.has(n));
  if (lost.length > 0) for (const m of next.members) if (before.members.has(m)) dropped.set(m, lost);
  return dropped;
}

/** The audit event of a group write (created or updated), with counts and the first 50 members each way. */
function groupEvent(
  caller: ScimCaller,
  group: ScimGroup,
  before: GroupState | null,
  next: GroupState,
  added: string[],
  removed: string[],
): AuditEntry {
  return {
    action: before ? 'scim.group_updated' : 'scim.group_created',
    targetType: 'scim_group',
    targetId: group.id,
    before: before
      ? { displayName: before.displayName, externalId: before.externalId, members: before.members.size }
      : null,
    after: { displayName: next.displayName, externalId: next.externalId, members: next.members.size },
    details: {
      idp: caller.idp.slug,
      added: added.length,
      removed: removed.length,
      addedUsers: added.slice(0, 50),
      removedUsers: removed.slice(0, 50),
    },
  };
}

/** The UPDATE of a SCIM group's names, not run (`runTogether`). */
function updateStatement(em: EntityManager, id: string, fields: Partial<ScimGroup>): SqlStatement {
  const [sql, parameters] = em
    .createQueryBuilder()
    .update(ScimGroup)
    .set(fields)
    .where('id = :id', { id })
    .getQueryAndParameters();
  return { sql, parameters };
}
