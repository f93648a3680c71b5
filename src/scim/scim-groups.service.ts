import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Not } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { RequestContext } from '../common/request-context';
import { inChunks } from '../database/chunks';
import { insertInChunks, insertRows } from '../database/insert';
import { Transactions } from '../database/transactions.service';
import { ExternalMembership } from '../sync/external-membership.entity';
import { normalizeGroupName, resolvePolicy } from '../sync/engine';
import { invalidValue, scimError, scimNotFound } from './scim-error';
import { ScimGroup, ScimGroupMember } from './scim-group.entity';
import { parseAttributeList, project } from './scim-projection';
import { applyFilter, GROUP_FILTER_SCHEMA, pageOf } from './scim-query';
import { SCIM } from './scim-schema';
import type { ScimCaller } from './scim-tokens.service';
import { ScimTokensService } from './scim-tokens.service';
import { ScimUser } from './scim-user.entity';
import { ScimUsersService } from './scim-users.service';

interface GroupState {
  displayName: string;
  externalId: string | null;
  members: Set<string>;
}

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
    private readonly audit: AuditService,
    private readonly tokens: ScimTokensService,
    private readonly users: ScimUsersService,
  ) {}

  async create(caller: ScimCaller, body: unknown, ctx: RequestContext) {
    const input = groupInput(body, null);
    const group = await this.tx.run(async (em) => {
      const group = em.create(ScimGroup, { tenantId: caller.tenant.id, idpId: caller.idp.id });
      await this.users.replan(em, caller, await this.write(em, caller, group, null, input, ctx), ctx);
      return group;
    });
    return this.render(this.dataSource.manager, caller, group, false);
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
    const { startIndex, count } = pageOf(query);
    const attributes = parseAttributeList(query.attributes, 'attributes');
    const excluded = parseAttributeList(query.excludedAttributes, 'excludedAttributes');
    const qb = this.dataSource
      .getRepository(ScimGroup)
      .createQueryBuilder('g')
      .where('g.tenantId = :tenantId AND g.idpId = :idpId', {
        tenantId: caller.tenant.id,
        idpId: caller.idp.id,
      });
    applyFilter(this.dataSource, qb, query.filter, GROUP_FILTER_SCHEMA);
    const totalResults = await qb.getCount();
    const rows =
      count === 0
        ? []
        : await qb
            .orderBy('g.createdAt', 'ASC')
            .addOrderBy('g.id', 'ASC')
            .skip(startIndex - 1)
            .take(count)
            .getMany();
    // One members query for the whole page, not one per group.
    const members = wantsMembers(attributes, excluded)
      ? await this.membersOf(
          this.dataSource.manager,
          caller,
          rows.map((r) => r.id),
        )
      : null;
    const resources = rows.map((row) => project(this.toResource(caller, row, members), attributes, excluded));
    return {
      schemas: [SCIM.listResponse],
      totalResults,
      startIndex,
      itemsPerPage: rows.length,
      Resources: resources,
    };
  }

  async replace(caller: ScimCaller, id: string, body: unknown, ctx: RequestContext) {
    const group = await this.tx.run(async (em) => {
      const group = await this.find(em, caller, id, true);
      const current = await this.state(em, group);
      const affected = await this.write(em, caller, group, current, groupInput(body, group.id), ctx);
      await this.users.replan(em, caller, affected, ctx);
      return group;
    });
    return this.render(this.dataSource.manager, caller, group, false);
  }

  /** PATCH members (add, remove by value array or `members[value eq "id"]`, replace) and rename, atomically. */
  async patch(caller: ScimCaller, id: string, body: unknown, ctx: RequestContext) {
    const operations = groupOperations(body);
    const group = await this.tx.run(async (em) => {
      const group = await this.find(em, caller, id, true);
      const current = await this.state(em, group);
      const next: GroupState = { ...current, members: new Set(current.members) };
      for (const op of operations) applyGroupOperation(next, op, group.id);
      const affected = await this.write(em, caller, group, current, next, ctx);
      await this.users.replan(em, caller, affected, ctx);
      return group;
    });
    // Entra and Okta expect 204 or the resource; the resource, without members, is cheap and clear.
    return this.render(this.dataSource.manager, caller, group, true);
  }

  async remove(caller: ScimCaller, id: string, ctx: RequestContext): Promise<void> {
    await this.tx.run(async (em) => {
      const group = await this.find(em, caller, id, true);
      const members = [...(await this.state(em, group)).members];
      await this.tx.lockRows(em, 'users', members);
      await em.delete(ScimGroup, { id: group.id });
      await this.refreshPushedGroups(
        em,
        caller,
        members,
        new Map(members.map((m) => [m, this.names(caller, group)])),
      );
      await this.audit.record(em, ctx, caller.tenant.id, {
        action: 'scim.group_deleted',
        targetType: 'scim_group',
        targetId: group.id,
        before: { displayName: group.displayName, externalId: group.externalId, members: members.length },
        details: { idp: caller.idp.slug },
      });
      await this.users.replan(em, caller, members, ctx);
    });
  }

  /**
   * The group of this IdP with that id. `lock` holds its row until the transaction ends, so two
   * PATCHes of one group run one after the other instead of overwriting each other.
   */
  private async find(em: EntityManager, caller: ScimCaller, id: string, lock = false): Promise<ScimGroup> {
    const valid = /^[0-9a-f-]{36}$/i.test(id);
    if (valid && lock) await this.tx.lockRow(em, 'scim_groups', id.toLowerCase());
    const group = valid
      ? await em.findOneBy(ScimGroup, {
          id: id.toLowerCase(),
          tenantId: caller.tenant.id,
          idpId: caller.idp.id,
        })
      : null;
    if (!group) throw scimNotFound('Group', id);
    return group;
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

  /** The external group names a group stands for at this IdP: its displayName and externalId, normalized. */
  private names(caller: ScimCaller, g: { displayName: string; externalId: string | null }): string[] {
    const policy = resolvePolicy(caller.idp.groupSync);
    return [
      ...new Set(
        [g.displayName, g.externalId]
          .filter((n): n is string => !!n)
          .map((n) => normalizeGroupName(n, policy)),
      ),
    ].filter(Boolean);
  }

  /** Stores the new state; returns the users whose external groups changed. */
  private async write(
    em: EntityManager,
    caller: ScimCaller,
    group: ScimGroup,
    before: GroupState | null,
    next: GroupState,
    ctx: RequestContext,
  ): Promise<string[]> {
    const tenantId = caller.tenant.id;
    const key = next.displayName.toLowerCase();
    const clash = await em.findOne(ScimGroup, {
      where: { idpId: caller.idp.id, displayNameKey: key, ...(before ? { id: Not(group.id) } : {}) },
      select: { id: true },
    });
    if (clash) throw scimError('uniqueness', `a group named "${next.displayName}" already exists`);
    const wanted = [...next.members];
    const previous = before?.members ?? new Set<string>();
    const added = wanted.filter((m) => !previous.has(m));
    const removed = [...previous].filter((m) => !next.members.has(m));
    const renamed =
      !before || before.displayName !== next.displayName || before.externalId !== next.externalId;
    const affected = renamed ? [...new Set([...wanted, ...removed])] : [...added, ...removed];
    // Pushes to other groups touch the same users' stored groups: one at a time per user, locked
    // before any row that references them is written.
    await this.tx.lockRows(em, 'users', affected);
    const known = await this.users.provisioned(em, caller, added);
    const unknown = added.filter((m) => !known.has(m));
    if (unknown.length)
      throw invalidValue(
        `members must be users provisioned by this SCIM client; unknown: ${unknown.slice(0, 5).join(', ')}`,
      );

    const now = new Date();
    Object.assign(group, {
      displayName: next.displayName,
      displayNameKey: key,
      externalId: next.externalId,
      updatedAt: now,
    });
    if (before) await em.save(ScimGroup, group);
    else await insertRows(em, ScimGroup, group);

    await insertInChunks(
      em,
      ScimGroupMember,
      added.map((userId) => em.create(ScimGroupMember, { tenantId, scimGroupId: group.id, userId })),
    );
    for (const chunk of inChunks(removed))
      await em.delete(ScimGroupMember, { scimGroupId: group.id, userId: In(chunk) });

    // Who the IdP now says is no longer in which external group: a removal beats an older claim.
    const dropped = new Map<string, string[]>();
    const oldNames = before ? this.names(caller, before) : [];
    const newNames = new Set(this.names(caller, next));
    for (const m of removed) dropped.set(m, oldNames);
    if (renamed)
      for (const m of next.members)
        if (previous.has(m))
          dropped.set(
            m,
            oldNames.filter((n) => !newNames.has(n)),
          );
    await this.refreshPushedGroups(em, caller, affected, dropped);

    await this.audit.record(em, ctx, tenantId, {
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
    });
    return affected;
  }

  /**
   * Makes each user's stored SCIM external groups at this IdP match their SCIM group memberships;
   * names in `dropped` also leave the user's stored claims, so a stale claim cannot undo a removal.
   */
  private async refreshPushedGroups(
    em: EntityManager,
    caller: ScimCaller,
    userIds: string[],
    dropped: Map<string, string[]>,
  ) {
    const tenantId = caller.tenant.id;
    const idpId = caller.idp.id;
    for (const batch of inChunks(userIds)) {
      // Two indexed lookups (members by user, then their groups by id) rather than a join the
      // planner may start from every group of the IdP.
      const rows = await em.find(ScimGroupMember, {
        where: { tenantId, userId: In(batch) },
        select: { userId: true, scimGroupId: true },
      });
      const groupIds = [...new Set(rows.map((r) => r.scimGroupId))];
      const groups = new Map<string, ScimGroup>();
      for (const chunk of inChunks(groupIds))
        for (const g of await em.find(ScimGroup, {
          where: { id: In(chunk), idpId },
          select: { id: true, displayName: true, externalId: true },
        }))
          groups.set(g.id, g);
      const memberships = rows
        .filter((r) => groups.has(r.scimGroupId))
        .map((r) => ({ userId: r.userId, ...groups.get(r.scimGroupId)! }));
      const desired = new Map<string, Set<string>>(batch.map((u) => [u, new Set<string>()]));
      for (const m of memberships) for (const n of this.names(caller, m)) desired.get(m.userId)!.add(n);
      const stored = await em.find(ExternalMembership, {
        where: { tenantId, idpId, userId: In(batch) },
        select: { id: true, userId: true, externalGroup: true, source: true },
      });
      const stale: string[] = [];
      const have = new Map<string, Set<string>>();
      for (const row of stored) {
        const want = desired.get(row.userId)!;
        if (row.source === 'scim') {
          if (want.has(row.externalGroup))
            (have.get(row.userId) ?? have.set(row.userId, new Set()).get(row.userId)!).add(row.externalGroup);
          else stale.push(row.id);
        } else if (dropped.get(row.userId)?.includes(row.externalGroup) && !want.has(row.externalGroup))
          stale.push(row.id);
      }
      for (const chunk of inChunks(stale)) await em.delete(ExternalMembership, chunk);
      const now = new Date();
      const fresh = [];
      for (const [userId, names] of desired)
        for (const externalGroup of names)
          if (!have.get(userId)?.has(externalGroup))
            fresh.push(
              em.create(ExternalMembership, {
                tenantId,
                userId,
                idpId,
                externalGroup,
                source: 'scim',
                seenAt: now,
              }),
            );
      await insertInChunks(em, ExternalMembership, fresh);
    }
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

function wantsMembers(attributes: string[] | null, excluded: string[] | null): boolean {
  if (attributes) return attributes.some((a) => a === 'members' || a.startsWith('members.'));
  return !excluded?.includes('members');
}

const lowerKeys = (obj: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(obj).map(([k, v]) => [k.toLowerCase(), v]));

/** Member ids from `[{value}]` (or bare strings, which some clients send). */
function memberIds(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((m, i) => {
    const id =
      typeof m === 'string'
        ? m
        : m && typeof m === 'object'
          ? lowerKeys(m as Record<string, unknown>).value
          : undefined;
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id))
      throw invalidValue(`${where}[${i}].value must be a member id`);
    return id.toLowerCase();
  });
}

function stringOrNull(value: unknown, name: string, max = 512): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || value.length > max)
    throw invalidValue(`${name} must be a string of at most ${max} characters`);
  return value;
}

/** A Group resource from POST or PUT (members in the body are kept, as Okta sends them). */
function groupInput(body: unknown, id: string | null): GroupState {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw scimError('invalidSyntax', 'the body must be a SCIM Group object');
  const b = lowerKeys(body as Record<string, unknown>);
  if (id && b.id !== undefined && String(b.id).toLowerCase() !== id)
    throw scimError('mutability', 'id cannot change');
  const displayName = stringOrNull(b.displayname, 'displayName')?.trim();
  if (!displayName) throw invalidValue('displayName is required');
  return {
    displayName,
    externalId: stringOrNull(b.externalid, 'externalId'),
    members: new Set(b.members === undefined || b.members === null ? [] : memberIds(b.members, 'members')),
  };
}

interface GroupOperation {
  op: 'add' | 'remove' | 'replace';
  path: string | null;
  value: unknown;
}

function groupOperations(body: unknown): GroupOperation[] {
  const b = body && typeof body === 'object' ? lowerKeys(body as Record<string, unknown>) : {};
  if (!Array.isArray(b.operations) || b.operations.length === 0)
    throw scimError('invalidSyntax', 'a PatchOp body with a non-empty Operations array is required');
  return b.operations.map((raw: unknown, i: number) => {
    const o = raw && typeof raw === 'object' ? lowerKeys(raw as Record<string, unknown>) : {};
    const op = typeof o.op === 'string' ? o.op.toLowerCase() : '';
    if (op !== 'add' && op !== 'remove' && op !== 'replace')
      throw scimError('invalidSyntax', `Operations[${i}].op must be add, replace or remove`);
    if (o.path !== undefined && typeof o.path !== 'string')
      throw scimError('invalidPath', `Operations[${i}].path must be a string`);
    return { op, path: (o.path as string | undefined)?.trim() || null, value: o.value };
  });
}

const MEMBER_FILTER = /^members\s*\[\s*value\s+eq\s+"([^"]+)"\s*\]$/i;

function applyGroupOperation(state: GroupState, o: GroupOperation, groupId: string): void {
  const path = o.path?.replace(/^urn:ietf:params:scim:schemas:core:2\.0:group:/i, '') ?? null;
  if (path === null) {
    if (o.op === 'remove') throw scimError('noTarget', 'remove needs a path');
    if (!o.value || typeof o.value !== 'object' || Array.isArray(o.value))
      throw invalidValue(`${o.op} without a path needs an object value`);
    for (const [key, value] of Object.entries(o.value as Record<string, unknown>)) {
      if (key.toLowerCase() === 'id') {
        if (String(value).toLowerCase() !== groupId) throw scimError('mutability', 'id cannot change');
        continue;
      }
      applyGroupOperation(state, { op: o.op, path: key, value }, groupId);
    }
    return;
  }
  const filtered = MEMBER_FILTER.exec(path);
  const attribute = path.toLowerCase();
  if (filtered) {
    if (o.op !== 'remove')
      throw scimError(
        'invalidPath',
        `${o.op} on a filtered members path is not supported; use add with a value`,
      );
    state.members.delete(filtered[1].toLowerCase());
  } else if (attribute === 'members') {
    if (o.op === 'add') for (const id of memberIds(o.value, 'members')) state.members.add(id);
    else if (o.op === 'replace')
      state.members = new Set(o.value === null || o.value === undefined ? [] : memberIds(o.value, 'members'));
    else if (o.value === undefined || o.value === null) state.members.clear();
    else for (const id of memberIds(o.value, 'members')) state.members.delete(id);
  } else if (attribute === 'displayname') {
    if (o.op === 'remove') throw scimError('mutability', 'displayName is required');
    const name = stringOrNull(o.value, 'displayName')?.trim();
    if (!name) throw invalidValue('displayName must not be empty');
    state.displayName = name;
  } else if (attribute === 'externalid') {
    state.externalId = o.op === 'remove' ? null : stringOrNull(o.value, 'externalId');
  } else {
    throw scimError('invalidPath', `unsupported path "${o.path}" for a Group`);
  }
}
