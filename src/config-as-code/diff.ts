import type { IdpSecrets } from '../identity-providers/idp-config';
import type { IdentityProvider } from '../identity-providers/identity-provider.entity';
import type { CreateIdentityProviderDto } from '../identity-providers/dto/identity-provider.dto';
import type { GroupSpec, LinkSpec, RoleSpec, TenantSpec } from './document';
import { LINK_COMPARED } from './schema';
import { type CurrentLink, type CurrentTenant, idpView, linkKey, tenantSettingsView } from './state';

interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** One planned change; `desired` is the document's object, `current` the key of the stored one. */
export type Change =
  | { action: 'add' | 'change'; kind: 'tenant'; name: string; fields: FieldChange[] }
  | {
      action: 'add' | 'change' | 'delete';
      kind: 'role';
      name: string;
      fields: FieldChange[];
      desired?: RoleSpec;
    }
  | {
      action: 'add' | 'change' | 'delete';
      kind: 'identity_provider';
      name: string;
      fields: FieldChange[];
      desired?: CreateIdentityProviderDto;
    }
  | {
      action: 'add' | 'change' | 'delete';
      kind: 'group';
      name: string;
      fields: FieldChange[];
      desired?: GroupSpec;
    }
  | {
      action: 'add' | 'change' | 'delete';
      kind: 'group_link';
      name: string;
      fields: FieldChange[];
      group: string;
      desired?: LinkSpec;
      current?: CurrentLink;
    };

const SECRET_SHOWN = '(secret)';

type SecretsOf = (idp: IdentityProvider) => IdpSecrets;

/** True when every key `desired` names holds the same value in `current` (objects: recursively). */
function covers(desired: unknown, current: unknown): boolean {
  if (desired === undefined) return true;
  if (Array.isArray(desired))
    return (
      Array.isArray(current) &&
      desired.length === current.length &&
      desired.every((d, i) => covers(d, current[i]) && covers(current[i], d))
    );
  if (desired !== null && typeof desired === 'object') {
    if (current === null || typeof current !== 'object') return false;
    return Object.entries(desired).every(([k, v]) => covers(v, (current as Record<string, unknown>)[k]));
  }
  return desired === current || (desired === null && current === undefined);
}

function fieldChanges(desired: Record<string, unknown>, current: Record<string, unknown>): FieldChange[] {
  return Object.entries(desired)
    .filter(([k, v]) => !covers(v, current[k]))
    .map(([field, to]) => ({ field, from: current[field] ?? null, to }));
}

function roleChanges(spec: TenantSpec, current: CurrentTenant | null): Change[] {
  return spec.roles.flatMap((role): Change[] => {
    const stored = current?.roles.get(role.name);
    const want = { rank: role.rank, description: role.description ?? null };
    if (!stored) return [{ action: 'add', kind: 'role', name: role.name, fields: [], desired: role }];
    const fields = fieldChanges(want, { rank: stored.rank, description: stored.description });
    return fields.length ? [{ action: 'change', kind: 'role', name: role.name, fields, desired: role }] : [];
  });
}

function idpChanges(spec: TenantSpec, current: CurrentTenant | null, secrets: SecretsOf): Change[] {
  return spec.identityProviders.flatMap((dto): Change[] => {
    const stored = current?.idps.get(dto.slug);
    if (!stored)
      return [{ action: 'add', kind: 'identity_provider', name: dto.slug, fields: [], desired: dto }];
    const { slug: _slug, type, clientSecret, graph, ...rest } = dto;
    const { clientSecret: graphSecret, ...graphRest } = graph ?? {};
    const defaults = spec.defaultMemberships.get(dto.slug);
    const want: Record<string, unknown> = {
      ...rest,
      ...(defaults ? { groupSync: { ...rest.groupSync, defaultMemberships: defaults } } : {}),
      name: dto.name ?? dto.slug,
      enabled: dto.enabled ?? true,
      syncPaused: dto.syncPaused ?? false,
      ...(graph ? { graph: graphRest } : {}),
    };
    const fields = fieldChanges(want, idpView(stored, current!.groupNames));
    if (type !== stored.type) fields.unshift({ field: 'type', from: stored.type, to: type });
    const open = secrets(stored);
    if (clientSecret !== undefined && clientSecret !== open.clientSecret)
      fields.push({ field: 'clientSecret', from: SECRET_SHOWN, to: SECRET_SHOWN });
    if (graphSecret !== undefined && graphSecret !== open.graphClientSecret)
      fields.push({ field: 'graph.clientSecret', from: SECRET_SHOWN, to: SECRET_SHOWN });
    return fields.length
      ? [{ action: 'change', kind: 'identity_provider', name: dto.slug, fields, desired: dto }]
      : [];
  });
}

function groupChanges(spec: TenantSpec, current: CurrentTenant | null): Change[] {
  return spec.groups.flatMap((group): Change[] => {
    const stored = current?.groups.get(group.name);
    if (!stored) return [{ action: 'add', kind: 'group', name: group.name, fields: [], desired: group }];
    const parent = stored.parentId ? (current!.groupNames.get(stored.parentId) ?? null) : null;
    const fields = fieldChanges(
      { description: group.description ?? null, parent: group.parent ?? null },
      { description: stored.description, parent },
    );
    return fields.length
      ? [{ action: 'change', kind: 'group', name: group.name, fields, desired: group }]
      : [];
  });
}

const linkName = (group: string, l: { idp?: string | null; externalGroup: string }) =>
  `${group} <- ${l.idp ?? '*'}:${l.externalGroup}`;

function linkChanges(spec: TenantSpec, current: CurrentTenant | null): Change[] {
  return spec.groups.flatMap((group) =>
    group.links.flatMap((link): Change[] => {
      const stored = current?.links.get(linkKey(group.name, link.idp, link.externalGroup));
      const base = {
        kind: 'group_link' as const,
        name: linkName(group.name, link),
        group: group.name,
        desired: link,
      };
      if (!stored) return [{ ...base, action: 'add', fields: [] }];
      const want = Object.fromEntries(LINK_COMPARED.map((f) => [f, link[f] ?? null]));
      const have = Object.fromEntries(LINK_COMPARED.map((f) => [f, stored.link[f]]));
      const fields = fieldChanges(want, have);
      return fields.length ? [{ ...base, action: 'change', fields, current: stored }] : [];
    }),
  );
}

/** What is stored but not in the document, in the order it can be deleted. */
function deletions(spec: TenantSpec, current: CurrentTenant): Change[] {
  const wanted = new Set(
    spec.groups.flatMap((g) => g.links.map((l) => linkKey(g.name, l.idp, l.externalGroup))),
  );
  const links: Change[] = [...current.links.entries()]
    .filter(([key]) => !wanted.has(key))
    .map(([, c]) => ({
      action: 'delete',
      kind: 'group_link',
      name: linkName(c.group, { idp: c.idp, externalGroup: c.link.externalGroup }),
      fields: [],
      group: c.group,
      current: c,
    }));
  const keep = (names: Iterable<string>, list: { name?: string; slug?: string }[]) => {
    const inFile = new Set(list.map((x) => x.name ?? x.slug));
    return [...names].filter((n) => !inFile.has(n));
  };
  const groups = keep(current.groups.keys(), spec.groups).map((name): Change => ({
    action: 'delete',
    kind: 'group',
    name,
    fields: [],
  }));
  const idps = keep(current.idps.keys(), spec.identityProviders).map((name): Change => ({
    action: 'delete',
    kind: 'identity_provider',
    name,
    fields: [],
  }));
  const roles = keep(current.roles.keys(), spec.roles).map((name): Change => ({
    action: 'delete',
    kind: 'role',
    name,
    fields: [],
  }));
  return [...links, ...groups, ...idps, ...roles];
}

/**
 * The changes that bring one tenant to what the document says, in the order they can be applied:
 * tenant, roles, groups, IdPs, links, then (only with prune) the deletes.
 */
export function diffTenant(spec: TenantSpec, current: CurrentTenant | null, secrets: SecretsOf): Change[] {
  const tenant: Change[] = [];
  if (!current) tenant.push({ action: 'add', kind: 'tenant', name: spec.slug, fields: [] });
  else {
    const fields = fieldChanges(
      { name: spec.name, settings: spec.settings },
      { name: current.tenant.name, settings: tenantSettingsView(current.tenant) },
    );
    if (fields.length) tenant.push({ action: 'change', kind: 'tenant', name: spec.slug, fields });
  }
  return [
    ...tenant,
    ...roleChanges(spec, current),
    ...groupChanges(spec, current),
    ...idpChanges(spec, current, secrets),
    ...linkChanges(spec, current),
    ...(current ? deletions(spec, current) : []),
  ];
}
