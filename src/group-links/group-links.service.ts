import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { conflict, isUniqueViolation, notFound } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { Transactions } from '../database/transactions.service';
import { GroupsService } from '../groups/groups.service';
import { findIdp } from '../identity-providers/find-idp';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import { CreateGroupLinkDto, UpdateGroupLinkDto } from './dto/group-link.dto';
import { ANY_IDP_KEY, GroupLink } from './group-link.entity';
import { insertRows } from '../database/insert';
import { decodeCursor, Page, toPage } from '../common/cursor';
import { RolesService } from '../roles/roles.service';
import type { MatchType } from '../sync/engine';
import { assertLinkPattern } from './link-pattern';

export interface GroupLinkResponse {
  id: string;
  groupId: string;
  idp: string | null;
  externalGroup: string;
  matchType: MatchType;
  targetFromCapture: boolean;
  label: string | null;
  role: string;
  createdAt: string;
  updatedAt: string;
}

@Injectable()
export class GroupLinksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly groups: GroupsService,
    private readonly roles: RolesService,
  ) {}

  /** Every link of the group, or a page of them when `page` is given (by external group, then id). */
  async list(tenantId: string, groupId: string): Promise<GroupLinkResponse[]>;
  async list(
    tenantId: string,
    groupId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<GroupLinkResponse>>;
  async list(
    tenantId: string,
    groupId: string,
    page?: { limit: number; cursor?: string },
  ): Promise<GroupLinkResponse[] | Page<GroupLinkResponse>> {
    await this.groups.mustGet(this.dataSource.manager, tenantId, groupId);
    // Raw rows: a group may have thousands of links, and entity hydration costs more than the query.
    const qb = this.dataSource
      .getRepository(GroupLink)
      .createQueryBuilder('l')
      .select([
        'l.id',
        'l.groupId',
        'l.idpId',
        'l.externalGroup',
        'l.matchType',
        'l.targetFromCapture',
        'l.label',
        'l.role',
        'l.createdAt',
        'l.updatedAt',
      ])
      .where('l.tenantId = :tenantId AND l.groupId = :groupId', { tenantId, groupId })
      .orderBy('l.externalGroup', 'ASC')
      .addOrderBy('l.id', 'ASC');
    if (page?.cursor) {
      const [group, id] = decodeCursor(page.cursor, 2, [1]);
      qb.andWhere('(l.externalGroup > :group OR (l.externalGroup = :group AND l.id > :id))', { group, id });
    }
    // limit() rather than take(): a raw query with no joins, and take() needs entity hydration.
    if (page) qb.limit(page.limit + 1);
    const [rows, idps] = await Promise.all([
      qb.getRawMany<Record<string, string | Date | null>>(),
      this.idpSlugs(this.dataSource.manager, tenantId),
    ]);
    const views = rows.map((r) => ({
      id: r.l_id as string,
      groupId: r.l_groupId as string,
      idp: r.l_idpId ? (idps.get(r.l_idpId as string) ?? (r.l_idpId as string)) : null,
      externalGroup: r.l_externalGroup as string,
      matchType: r.l_matchType as MatchType,
      targetFromCapture: Boolean(r.l_targetFromCapture),
      label: r.l_label as string | null,
      role: r.l_role as string,
      createdAt: rawTimestamp(r.l_createdAt),
      updatedAt: rawTimestamp(r.l_updatedAt),
    }));
    return page ? toPage(views, page.limit, (l) => [l.externalGroup, l.id]) : views;
  }

  async get(tenantId: string, groupId: string, linkId: string): Promise<GroupLinkResponse> {
    const em = this.dataSource.manager;
    return toResponse(await this.mustGet(em, tenantId, groupId, linkId), await this.idpSlugs(em, tenantId));
  }

  /** Validates a new link (group, IdP, duplicate) and builds it, unsaved. */
  private async buildLink(em: EntityManager, tenantId: string, groupId: string, dto: CreateGroupLinkDto) {
    const group = await this.groups.mustGet(em, tenantId, groupId);
    await this.roles.assertRole(em, tenantId, dto.role);
    let idp: IdentityProvider | null = null;
    if (dto.idp) {
      idp = await findIdp(em, tenantId, dto.idp);
      if (!idp) throw notFound('Identity provider', dto.idp);
    }
    await assertLinkPattern(em, tenantId, dto);
    const idpKey = idp?.id ?? ANY_IDP_KEY;
    if (await em.existsBy(GroupLink, { groupId, idpKey, externalGroup: dto.externalGroup }))
      throw duplicate(dto.externalGroup);
    const link = em.create(GroupLink, {
      tenantId,
      groupId,
      idpId: idp?.id ?? null,
      idpKey,
      externalGroup: dto.externalGroup,
      matchType: dto.matchType ?? 'exact',
      targetFromCapture: dto.targetFromCapture ?? false,
      label: dto.label || null,
      role: dto.role,
    });
    return { group, link, view: toResponse(link, new Map(idp ? [[idp.id, idp.slug]] : [])) };
  }

  async create(
    tenantId: string,
    groupId: string,
    dto: CreateGroupLinkDto,
    ctx: RequestContext,
  ): Promise<GroupLinkResponse> {
    try {
      return await this.tx.run(async (em) => {
        const { group, link, view } = await this.buildLink(em, tenantId, groupId, dto);
        await insertRows(em, GroupLink, link);
        await this.audit.record(em, ctx, tenantId, {
          action: 'group_link.created',
          targetType: 'group_link',
          targetId: link.id,
          after: view,
          details: { groupName: group.name },
        });
        return view;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicate(dto.externalGroup);
      throw error;
    }
  }

  /** The link a create, update or delete would leave (for the impact preview); writes nothing. */
  async propose(
    tenantId: string,
    groupId: string,
    change:
      | { kind: 'create'; dto: CreateGroupLinkDto }
      | { kind: 'update'; linkId: string; dto: UpdateGroupLinkDto }
      | { kind: 'delete'; linkId: string },
  ): Promise<{ link: GroupLink; view: GroupLinkResponse }> {
    const em = this.dataSource.manager;
    if (change.kind === 'create') return this.buildLink(em, tenantId, groupId, change.dto);
    const link = await this.mustGet(em, tenantId, groupId, change.linkId);
    if (change.kind === 'update') {
      if (change.dto.role !== undefined) await this.roles.assertRole(em, tenantId, change.dto.role);
      if (change.dto.role !== undefined) link.role = change.dto.role;
      if (change.dto.label !== undefined) link.label = change.dto.label || null;
    }
    return { link, view: toResponse(link, await this.idpSlugs(em, tenantId)) };
  }

  async update(
    tenantId: string,
    groupId: string,
    linkId: string,
    dto: UpdateGroupLinkDto,
    ctx: RequestContext,
  ): Promise<GroupLinkResponse> {
    return this.tx.run(async (em) => {
      const link = await this.mustGet(em, tenantId, groupId, linkId);
      const idps = await this.idpSlugs(em, tenantId);
      const before = toResponse(link, idps);
      if (dto.role !== undefined) await this.roles.assertRole(em, tenantId, dto.role);
      if (dto.role !== undefined) link.role = dto.role;
      if (dto.label !== undefined) link.label = dto.label || null;
      link.updatedAt = new Date();
      await em.save(link);
      const after = toResponse(link, idps);
      await this.audit.record(em, ctx, tenantId, {
        action: 'group_link.updated',
        targetType: 'group_link',
        targetId: link.id,
        before,
        after,
      });
      return after;
    });
  }

  async remove(tenantId: string, groupId: string, linkId: string, ctx: RequestContext): Promise<void> {
    await this.tx.run(async (em) => {
      const link = await this.mustGet(em, tenantId, groupId, linkId);
      await em.delete(GroupLink, { id: link.id });
      await this.audit.record(em, ctx, tenantId, {
        action: 'group_link.deleted',
        targetType: 'group_link',
        targetId: link.id,
        before: toResponse(link, await this.idpSlugs(em, tenantId)),
      });
    });
  }

  private async mustGet(
    em: EntityManager,
    tenantId: string,
    groupId: string,
    linkId: string,
  ): Promise<GroupLink> {
    await this.groups.mustGet(em, tenantId, groupId);
    const link = await em.findOneBy(GroupLink, { id: linkId, tenantId, groupId });
    if (!link) throw notFound('Group link', linkId);
    return link;
  }

  private async idpSlugs(em: EntityManager, tenantId: string): Promise<Map<string, string>> {
    const idps = await em.find(IdentityProvider, { where: { tenantId }, select: { id: true, slug: true } });
    return new Map(idps.map((i) => [i.id, i.slug]));
  }
}

function toResponse(l: GroupLink, idpSlugs: Map<string, string>): GroupLinkResponse {
  return {
    id: l.id,
    groupId: l.groupId,
    idp: l.idpId ? (idpSlugs.get(l.idpId) ?? l.idpId) : null,
    externalGroup: l.externalGroup,
    matchType: l.matchType,
    targetFromCapture: l.targetFromCapture,
    label: l.label,
    role: l.role,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
  };
}

/** An ISO string from a raw timestamp: a Date from PostgreSQL, UTC 'YYYY-MM-DD HH:MM:SS.SSS' text from SQLite. */
function rawTimestamp(value: string | Date | null): string {
  return value instanceof Date ? value.toISOString() : `${String(value).replace(' ', 'T')}Z`;
}

const duplicate = (externalGroup: string) =>
  conflict(
    'group_link_exists',
    `This group already has a link for external group "${externalGroup}" on that identity provider`,
  );
