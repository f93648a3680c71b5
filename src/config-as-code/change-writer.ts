import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { badRequest } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { GroupLinksService } from '../group-links/group-links.service';
import { GroupsService } from '../groups/groups.service';
import type { UpdateIdentityProviderDto } from '../identity-providers/dto/identity-provider.dto';
import { IdentityProvidersService } from '../identity-providers/identity-providers.service';
import { RolesService } from '../roles/roles.service';
import { TenantsService } from '../tenants/tenants.service';
import type { Tenant } from '../tenants/tenant.entity';
import type { GroupSpec, TenantSpec } from './document';
import type { Change } from './diff';
import { LINK_COMPARED } from './schema';
import { type CurrentTenant, readTenant } from './state';

type Of<K extends Change['kind']> = Extract<Change, { kind: K }>;
const KEEP = { dryRun: false, force: false };

/**
 * Writes planned changes through the admin API's services, inside the caller's shared transaction
 * (Transactions.shared), so their checks and audit events are the API's own.
 */
@Injectable()
export class ChangeWriter {
  constructor(
    private readonly tenants: TenantsService,
    private readonly roles: RolesService,
    private readonly groups: GroupsService,
    private readonly idps: IdentityProvidersService,
    private readonly links: GroupLinksService,
  ) {}

  async write(em: EntityManager, spec: TenantSpec, changes: Change[], ctx: RequestContext): Promise<void> {
    const of = <K extends Change['kind']>(kind: K) => changes.filter((c): c is Of<K> => c.kind === kind);
    const tenant = await this.tenant(em, spec, of('tenant')[0], ctx);
    const roles = of('role');
    for (const role of roles.filter((r) => r.action !== 'delete')) {
      const { name, rank, description } = role.desired!;
      if (role.action === 'add') await this.roles.create(tenant.id, { name, rank, description }, ctx);
      else await this.roles.update(tenant.id, name, { rank, description: description ?? null }, ctx);
    }
    await this.writeGroups(em, tenant, of('group'), ctx);
    const groupIds = new Map([...(await readTenant(em, spec.slug))!.groups].map(([n, g]) => [n, g.id]));
    const withIds = (slug: string, groupSync: object | undefined) => {
      const defaults = spec.defaultMemberships.get(slug);
      if (!defaults) return groupSync;
      // Every name was checked against the document's groups, which exist by now.
      const ids = defaults.map(({ group, role }) => ({ groupId: groupIds.get(group)!, role }));
      return { ...groupSync, defaultMemberships: ids };
    };
    for (const idp of of('identity_provider').filter((c) => c.action !== 'delete')) {
      if (idp.action === 'add') {
        const dto = idp.desired!;
        const groupSync = withIds(dto.slug, dto.groupSync);
        await this.idps.create(tenant, groupSync === dto.groupSync ? dto : { ...dto, groupSync }, ctx);
      } else {
        const update = updateOf(idp);
        if (update.groupSync) update.groupSync = withIds(idp.name, update.groupSync);
        await this.idps.update(tenant, idp.name, update, ctx);
      }
    }
    const state = (await readTenant(em, spec.slug))!;
    for (const link of of('group_link')) await this.writeLink(state, link, ctx);
    await this.prune(em, tenant, of('group'), ctx);
    for (const idp of of('identity_provider').filter((c) => c.action === 'delete'))
      await this.idps.remove(tenant, idp.name, ctx, KEEP);
    for (const role of roles.filter((r) => r.action === 'delete'))
      await this.roles.remove(tenant.id, role.name, ctx);
  }

  private async tenant(
    em: EntityManager,
    spec: TenantSpec,
    change: Of<'tenant'> | undefined,
    ctx: RequestContext,
  ) {
    const { slug, name, settings } = spec;
    if (change?.action === 'add') return this.tenants.create({ slug, name, settings }, ctx);
    const stored = (await readTenant(em, slug))!.tenant;
    return change ? this.tenants.update(stored, { name, settings }, ctx) : stored;
  }

  /** Adds parents before children, then changes (a new parent exists by then). */
  private async writeGroups(em: EntityManager, tenant: Tenant, changes: Of<'group'>[], ctx: RequestContext) {
    const ids = new Map([...(await readTenant(em, tenant.slug))!.groups].map(([n, g]) => [n, g.id]));
    const parentId = (g: GroupSpec) => (g.parent === undefined ? null : ids.get(g.parent));
    let adds = changes.filter((c) => c.action === 'add').map((c) => c.desired!);
    while (adds.length > 0) {
      const ready = adds.filter((g) => parentId(g) !== undefined);
      if (ready.length === 0)
        throw badRequest(
          'group_cycle',
          `Groups ${adds.map((g) => g.name).join(', ')} are each other's parents`,
        );
      for (const g of ready) {
        const dto = { name: g.name, description: g.description, parentId: parentId(g) ?? undefined };
        ids.set(g.name, (await this.groups.create(tenant.id, dto, ctx)).id);
      }
      adds = adds.filter((g) => !ready.includes(g));
    }
    for (const c of changes.filter((x) => x.action === 'change')) {
      const g = c.desired!;
      await this.groups.update(
        tenant.id,
        ids.get(g.name)!,
        { description: g.description ?? null, parentId: parentId(g) ?? null },
        ctx,
      );
    }
  }

  private async writeLink(state: CurrentTenant, c: Of<'group_link'>, ctx: RequestContext) {
    const tenantId = state.tenant.id;
    const groupId = state.groups.get(c.group)?.id;
    if (c.action === 'delete')
      return this.links.remove(tenantId, c.current!.link.groupId, c.current!.link.id, ctx);
    const desired = c.desired!;
    if (c.action === 'add') await this.links.create(tenantId, groupId!, desired, ctx);
    else {
      const update = Object.fromEntries(LINK_COMPARED.map((f) => [f, desired[f] ?? null]));
      await this.links.update(tenantId, groupId!, c.current!.link.id, update, ctx);
    }
  }

  /** Deepest groups first, through the API's safe delete: a group with members is refused. */
  private async prune(em: EntityManager, tenant: Tenant, changes: Of<'group'>[], ctx: RequestContext) {
    const gone = new Set(changes.filter((c) => c.action === 'delete').map((c) => c.name));
    if (gone.size === 0) return;
    const state = (await readTenant(em, tenant.slug))!;
    const depth = (name: string): number => {
      const parentId = state.groups.get(name)?.parentId;
      return parentId ? 1 + depth(state.groupNames.get(parentId)!) : 0;
    };
    for (const name of [...gone].sort((a, b) => depth(b) - depth(a)))
      await this.groups.remove(tenant.id, state.groups.get(name)!.id, ctx, KEEP);
  }
}

/**
 * The document's IdP as an update of just the fields that differ (an unchanged `leavers` would
 * restart its schedule); a new type is refused.
 */
function updateOf(change: Of<'identity_provider'>): UpdateIdentityProviderDto {
  const typeChange = change.fields.find((f) => f.field === 'type');
  if (typeChange)
    throw badRequest(
      'invalid_identity_provider',
      `Identity provider "${change.name}" is ${String(typeChange.from)}; a type cannot change (delete it and add a new one)`,
    );
  const desired = change.desired!;
  const update: Record<string, unknown> = {};
  for (const { field, to } of change.fields) {
    // `to` holds the defaults the diff applied (a missing name is the slug); secrets are never in it.
    if (field === 'clientSecret') update.clientSecret = desired.clientSecret;
    else if (field === 'graph' || field === 'graph.clientSecret') update.graph = desired.graph;
    else update[field] = to;
  }
  return update as UpdateIdentityProviderDto;
}
