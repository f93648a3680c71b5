import { EntityManager, In } from 'typeorm';
import { DeletePreview, PREVIEW_ROWS, preview } from '../common/delete-query';
import { inChunks } from '../database/chunks';
import { GroupLink } from '../group-links/group-link.entity';
import { Group } from './group.entity';
import { Membership } from './membership.entity';

/** The group and every group below it, the group first (a forced delete takes the whole subtree). */
export async function subtreeOf(em: EntityManager, tenantId: string, group: Group): Promise<Group[]> {
  const all = await em.find(Group, { where: { tenantId }, select: { id: true, name: true, parentId: true } });
  const children = new Map<string, Group[]>();
  for (const g of all) if (g.parentId) children.set(g.parentId, [...(children.get(g.parentId) ?? []), g]);
  const tree = [group];
  const seen = new Set([group.id]);
  for (let i = 0; i < tree.length; i++)
    for (const child of children.get(tree[i].id) ?? [])
      if (!seen.has(child.id)) {
        seen.add(child.id);
        tree.push(child);
      }
  return tree;
}

const linkRow = (l: GroupLink, names: Map<string, string>) => ({
  id: l.id,
  groupId: l.groupId,
  groupName: names.get(l.groupId) ?? null,
  idp: l.idp?.slug ?? null,
  externalGroup: l.externalGroup,
  label: l.label,
  role: l.role,
});

interface MembershipRow {
  userId: string;
  email: string;
  groupId: string;
  groupName: string | null;
  role: string;
  source: string;
}

/**
 * Memberships as plain rows, by email: loading them as entities with their users took 2.3 s of a
 * 4.8 s forced delete of 10 000 members on SQLite; as rows the whole delete takes 0.9 s.
 */
async function membershipRows(
  em: EntityManager,
  tenantId: string,
  groupIds: string[],
  names: Map<string, string>,
  limit: number | null,
): Promise<MembershipRow[]> {
  const qb = em
    .getRepository(Membership)
    .createQueryBuilder('m')
    .innerJoin('m.user', 'u')
    .select('m.userId', 'userId')
    .addSelect('u.email', 'email')
    .addSelect('m.groupId', 'groupId')
    .addSelect('m.role', 'role')
    .addSelect('m.source', 'source')
    .where('m.tenantId = :tenantId', { tenantId })
    .andWhere('m.groupId IN (:...groupIds)', { groupIds })
    .orderBy('u.email', 'ASC')
    .addOrderBy('m.id', 'ASC');
  if (limit !== null) qb.limit(limit);
  const raw = await qb.getRawMany<Omit<MembershipRow, 'groupName'>>();
  return raw.map((r) => ({
    userId: r.userId,
    email: r.email,
    groupId: r.groupId,
    groupName: names.get(r.groupId) ?? null,
    role: r.role,
    source: r.source,
  }));
}

const subgroupRow = (g: Group) => ({ id: g.id, name: g.name, parentId: g.parentId });

/** Links and memberships of the subtree: the first `limit` of each (null: all) and their counts. */
async function attached(em: EntityManager, tenantId: string, tree: Group[], limit: number | null) {
  const names = new Map(tree.map((g) => [g.id, g.name]));
  const links: GroupLink[] = [];
  const members: MembershipRow[] = [];
  let linkCount = 0;
  let memberCount = 0;
  // A subtree larger than one statement's parameters is read in slices, then merged in order.
  for (const ids of inChunks(tree.map((g) => g.id))) {
    const where = { tenantId, groupId: In(ids) };
    const take = limit ?? undefined;
    linkCount += await em.countBy(GroupLink, where);
    memberCount += await em.countBy(Membership, where);
    links.push(
      ...(await em.find(GroupLink, {
        where,
        relations: { idp: true },
        order: { externalGroup: 'ASC', id: 'ASC' },
        take,
      })),
    );
    members.push(...(await membershipRows(em, tenantId, ids, names, limit)));
  }
  const cut = <T>(rows: T[]) => (limit === null ? rows : rows.slice(0, limit));
  links.sort((a, b) => a.externalGroup.localeCompare(b.externalGroup));
  members.sort((a, b) => a.email.localeCompare(b.email));
  return {
    counts: { subgroups: tree.length - 1, links: linkCount, memberships: memberCount },
    links: cut(links).map((l) => linkRow(l, names)),
    memberships: cut(members),
  };
}

/** What deleting the group would take with it: subgroups (all levels), their links and memberships. */
export async function previewGroupDelete(
  em: EntityManager,
  tenantId: string,
  tree: Group[],
): Promise<DeletePreview> {
  const [group, ...below] = tree;
  const found = await attached(em, tenantId, tree, PREVIEW_ROWS);
  const subgroups = [...below].sort((a, b) => a.name.localeCompare(b.name)).slice(0, PREVIEW_ROWS);
  return preview({ type: 'group', id: group.id, name: group.name }, found.counts, {
    subgroups: subgroups.map(subgroupRow),
    links: found.links,
    memberships: found.memberships,
  });
}

/** Every row a forced delete of the subtree removes, for the audit trail. */
export async function groupCascadeRows(
  em: EntityManager,
  tenantId: string,
  tree: Group[],
): Promise<Record<string, object[]>> {
  const found = await attached(em, tenantId, tree, null);
  return { subgroups: tree.slice(1).map(subgroupRow), links: found.links, memberships: found.memberships };
}

export const GROUP_WORDS = { subgroups: 'subgroup(s)', links: 'link(s)', memberships: 'member(s)' };
