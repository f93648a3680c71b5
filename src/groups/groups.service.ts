import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { badRequest, conflict, isUniqueViolation, notFound } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { Transactions } from '../database/transactions.service';
import { cascadeAuditEntries } from '../audit/cascade-audit';
import { DeleteMode, DeletePreview, describeCounts } from '../common/delete-query';
import { inChunks } from '../database/chunks';
import { CreateGroupDto, toGroupResponse, UpdateGroupDto } from './dto/group.dto';
import { Group } from './group.entity';
import { lockForDelete } from '../database/delete-lock';
import { GROUP_WORDS, groupCascadeRows, previewGroupDelete, subtreeOf } from './group-delete';
import { insertRows } from '../database/insert';
import { decodeCursor, Page, toPage } from '../common/cursor';

@Injectable()
export class GroupsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
  ) {}

  async create(tenantId: string, dto: CreateGroupDto, ctx: RequestContext): Promise<Group> {
    return this.uniqueName(dto.name, () =>
      this.tx.run(async (em) => {
        if (dto.parentId) await this.mustGet(em, tenantId, dto.parentId, 'Parent group');
        await this.assertNameFree(em, tenantId, dto.name);
        const group = em.create(Group, {
          tenantId,
          name: dto.name,
          description: dto.description ?? null,
          parentId: dto.parentId ?? null,
        });
        await insertRows(em, Group, group);
        await this.audit.record(em, ctx, tenantId, {
          action: 'group.created',
          targetType: 'group',
          targetId: group.id,
          after: toGroupResponse(group),
        });
        return group;
      }),
    );
  }

  list(tenantId: string): Promise<Group[]> {
    return this.dataSource.getRepository(Group).find({ where: { tenantId }, order: { name: 'ASC' } });
  }

  /** A page by name (names are unique in a tenant, so the name alone is the sort key). */
  async page(tenantId: string, limit: number, cursor?: string): Promise<Page<Group>> {
    const qb = this.dataSource
      .getRepository(Group)
      .createQueryBuilder('g')
      .where('g.tenantId = :tenantId', { tenantId });
    if (cursor) qb.andWhere('g.name > :after', { after: decodeCursor(cursor, 1)[0] });
    const rows = await qb
      .orderBy('g.name', 'ASC')
      .take(limit + 1)
      .getMany();
    return toPage(rows, limit, (g) => [g.name]);
  }

  get(tenantId: string, id: string): Promise<Group> {
    return this.mustGet(this.dataSource.manager, tenantId, id);
  }

  async update(tenantId: string, id: string, dto: UpdateGroupDto, ctx: RequestContext): Promise<Group> {
    return this.uniqueName(dto.name ?? '', () =>
      this.tx.run(async (em) => {
        const group = await this.mustGet(em, tenantId, id);
        const before = toGroupResponse(group);
        if (dto.name !== undefined && dto.name !== group.name) {
          await this.assertNameFree(em, tenantId, dto.name);
          group.name = dto.name;
        }
        if (dto.description !== undefined) group.description = dto.description;
        if (dto.parentId !== undefined && dto.parentId !== group.parentId) {
          if (dto.parentId !== null) await this.assertNoCycle(em, tenantId, group.id, dto.parentId);
          group.parentId = dto.parentId;
        }
        group.updatedAt = new Date();
        await em.save(group);
        await this.audit.record(em, ctx, tenantId, {
          action: 'group.updated',
          targetType: 'group',
          targetId: group.id,
          before,
          after: toGroupResponse(group),
        });
        return group;
      }),
    );
  }

  /**
   * A group with subgroups, links or members is refused (409 `group_not_empty`, the list in details)
   * unless forced; then the whole subtree goes, and the audit records every row it took. A dry run
   * answers the list and writes nothing.
   */
  async remove(tenantId: string, id: string, ctx: RequestContext, mode: DeleteMode): Promise<DeletePreview> {
    if (mode.dryRun) {
      const em = this.dataSource.manager;
      const group = await this.mustGet(em, tenantId, id);
      return previewGroupDelete(em, tenantId, await subtreeOf(em, tenantId, group));
    }
    return this.tx.run(async (em) => {
      const group = await this.mustGet(em, tenantId, id);
      // Lock, then read the subtree again: a subgroup added meanwhile is found and held too.
      await lockForDelete(em, 'groups', idsOf(await subtreeOf(em, tenantId, group)));
      const tree = await subtreeOf(em, tenantId, group);
      await lockForDelete(em, 'groups', idsOf(tree));
      const found = await previewGroupDelete(em, tenantId, tree);
      if (found.requiresForce && !mode.force)
        throw conflict(
          'group_not_empty',
          `Group "${group.name}" has ${describeCounts(found.counts, GROUP_WORDS)}; ` +
            'delete with ?force=true to remove them with it (?dryRun=true lists them)',
          found,
        );
      const rows = found.requiresForce ? await groupCascadeRows(em, tenantId, tree) : {};
      // Deepest first: no row relies on a cascade through several levels.
      for (const chunk of inChunks(idsOf(tree).reverse()))
        await em.delete(Group, { tenantId, id: In(chunk) });
      const main = {
        action: 'group.deleted',
        targetType: 'group',
        targetId: id,
        before: toGroupResponse(group),
        details: { forced: found.requiresForce },
      };
      await this.audit.record(em, ctx, tenantId, cascadeAuditEntries(main, rows, 'group.delete_cascade'));
      return found;
    });
  }

  async mustGet(em: EntityManager, tenantId: string, id: string, what = 'Group'): Promise<Group> {
    const group = await em.findOneBy(Group, { id, tenantId });
    if (!group) throw notFound(what, id);
    return group;
  }

  /** The group and its ancestors, nearest first. */
  async ancestry(em: EntityManager, tenantId: string, group: Group): Promise<Group[]> {
    const chain = [group];
    const seen = new Set([group.id]);
    let parentId = group.parentId;
    while (parentId && !seen.has(parentId)) {
      const parent = await em.findOneBy(Group, { id: parentId, tenantId });
      if (!parent) break;
      chain.push(parent);
      seen.add(parent.id);
      parentId = parent.parentId;
    }
    return chain;
  }

  private async assertNoCycle(
    em: EntityManager,
    tenantId: string,
    groupId: string,
    newParentId: string,
  ): Promise<void> {
    const parent = await this.mustGet(em, tenantId, newParentId, 'Parent group');
    const chain = await this.ancestry(em, tenantId, parent);
    if (chain.some((g) => g.id === groupId)) {
      throw badRequest('group_cycle', 'A group cannot be placed under itself or one of its own subgroups', {
        parentId: newParentId,
      });
    }
  }

  private async assertNameFree(em: EntityManager, tenantId: string, name: string): Promise<void> {
    if (await em.existsBy(Group, { tenantId, name })) throw nameTaken(name);
  }

  private async uniqueName<T>(name: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(name); // lost a race with a concurrent write
      throw error;
    }
  }
}

const idsOf = (groups: Group[]) => groups.map((g) => g.id);

const nameTaken = (name: string) =>
  conflict('group_name_taken', `A group named "${name}" already exists in this tenant`);
