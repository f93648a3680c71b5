import Ajv from 'ajv';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { CreateGroupLinkDto } from '../group-links/dto/group-link.dto';
import { CreateGroupDto } from '../groups/dto/group.dto';
import { CreateIdentityProviderDto } from '../identity-providers/dto/identity-provider.dto';
import { CreateRoleDto } from '../roles/dto/role.dto';
import { CreateTenantDto, TenantSettingsDto } from '../tenants/dto/tenant.dto';
import { CONFIG_SCHEMA, SECRET_REFERENCE } from './schema';

/** A link as the admin API takes it (its fields: LINK_PROPERTIES in schema.ts). */
export type LinkSpec = CreateGroupLinkDto;
export interface GroupSpec {
  name: string;
  description?: string;
  parent?: string;
  links: LinkSpec[];
}
export interface RoleSpec {
  name: string;
  rank: number;
  description?: string | null;
}
/** A default membership as the document names it: a group by name, not by id. */
interface DefaultMembershipSpec {
  group: string;
  role: string;
}
export interface TenantSpec {
  slug: string;
  name: string;
  settings?: TenantSettingsDto;
  roles: RoleSpec[];
  /**
   * As the admin API takes them, with the secrets read from the environment. Without
   * `groupSync.defaultMemberships`: the API names groups by id, the document by name (below).
   */
  identityProviders: CreateIdentityProviderDto[];
  /** Per IdP slug, the `groupSync.defaultMemberships` the document names (absent: left alone). */
  defaultMemberships: Map<string, DefaultMembershipSpec[]>;
  groups: GroupSpec[];
}
export interface ConfigSpec {
  tenants: TenantSpec[];
}

/** Every problem of a document, each `file:line:col: message`; nothing is written. */
export class ConfigDocumentError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

type Path = (string | number)[];

interface RawTenant {
  slug: string;
  name: string;
  settings?: object;
  roles?: RoleSpec[];
  identityProviders?: Record<string, unknown>[];
  groups?: (Omit<GroupSpec, 'links'> & { links?: LinkSpec[] })[];
}

const ajv = new Ajv({ allErrors: true, jsonPointers: true });
const validateShape = ajv.compile(CONFIG_SCHEMA);

/** A parsed, checked document with line numbers for every problem. */
class Located {
  private readonly lines = new LineCounter();
  readonly doc: Document;
  readonly problems: string[] = [];

  constructor(
    private readonly file: string,
    text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false });
    for (const e of this.doc.errors) this.at(e.pos[0], e.message.split('\n')[0]);
  }

  /** The node at `path`, or the nearest ancestor that exists; `key` points at a map's key instead. */
  report(path: Path, message: string, key?: string): void {
    let node: unknown = this.doc.contents;
    for (const step of path) {
      const next = (node as { get?: (k: unknown, keep: boolean) => unknown })?.get?.(step, true);
      if (next === undefined) break;
      node = next;
    }
    if (key !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
      if (pair && isScalar(pair.key)) node = pair.key;
    }
    this.at((node as Node | null)?.range?.[0] ?? 0, message);
  }

  private at(offset: number, message: string): void {
    const { line, col } = this.lines.linePos(offset);
    this.problems.push(`${this.file}:${line}:${col}: ${message}`);
  }
}

const pointerPath = (pointer: string): Path =>
  pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));

function schemaProblems(located: Located, data: unknown): void {
  if (validateShape(data)) return;
  for (const e of validateShape.errors ?? []) {
    const path = pointerPath(e.dataPath);
    const where = path.length ? path.join('.') : 'document';
    const last = path[path.length - 1];
    if (e.keyword === 'pattern' && (last === 'clientSecret' || path.includes('graph')))
      located.report(path, `${where}: secrets are never written inline; use a reference like \${env:NAME}`);
    else if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      located.report(path, `${where}: unknown field "${extra}"`, extra);
    } else located.report(path, `${where} ${e.message ?? 'is invalid'}`);
  }
}

/** The admin API's own DTO checks, with the file position of each problem. */
function dtoProblems<T extends object>(located: Located, path: Path, cls: new () => T, value: object): T {
  const instance = plainToInstance(cls, value);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  const walk = (list: ValidationError[], prefix: Path) => {
    for (const e of list) {
      const at = [...prefix, /^\d+$/.test(e.property) ? Number(e.property) : e.property];
      for (const message of Object.values(e.constraints ?? {}))
        located.report([...path, ...at], `${[...path, ...at].join('.')}: ${message}`);
      walk(e.children ?? [], at);
    }
  };
  walk(errors, []);
  return instance;
}

function unique(located: Located, path: Path, items: object[], key: (item: never) => string, what: string) {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = key(item as never);
    if (seen.has(k)) located.report([...path, i], `${[...path, i].join('.')}: ${what} "${k}" appears twice`);
    seen.add(k);
  });
}

function secretOf(
  located: Located,
  path: Path,
  reference: unknown,
  env: NodeJS.ProcessEnv,
): string | undefined {
  if (typeof reference !== 'string') return undefined;
  const name = SECRET_REFERENCE.exec(reference)?.[1];
  if (!name) return undefined; // the schema reported it
  const value = env[name];
  if (value === undefined || value === '')
    located.report(path, `${path.join('.')}: environment variable ${name} is not set`);
  return value;
}

/** Takes `groupSync.defaultMemberships` out of the IdP (the DTO wants ids), checking each group's name. */
function takeDefaultMemberships(
  located: Located,
  path: Path,
  raw: Record<string, unknown>,
  groups: Set<string>,
): { idp: Record<string, unknown>; defaults: DefaultMembershipSpec[] | undefined } {
  const groupSync = raw.groupSync as Record<string, unknown> | undefined;
  const defaults = groupSync?.defaultMemberships as DefaultMembershipSpec[] | undefined;
  if (!groupSync || defaults === undefined) return { idp: raw, defaults: undefined };
  defaults.forEach(({ group }, k) => {
    const at = [...path, 'groupSync', 'defaultMemberships', k, 'group'];
    if (!groups.has(group)) located.report(at, `${at.join('.')}: no group "${group}" in this tenant`);
  });
  const { defaultMemberships: _names, ...rest } = groupSync;
  return { idp: { ...raw, groupSync: rest }, defaults };
}

function idpSpec(located: Located, path: Path, raw: Record<string, unknown>, env: NodeJS.ProcessEnv) {
  const body: Record<string, unknown> = { ...raw };
  if (raw.clientSecret !== undefined)
    body.clientSecret = secretOf(located, [...path, 'clientSecret'], raw.clientSecret, env);
  const graph = raw.graph as Record<string, unknown> | undefined;
  if (graph?.clientSecret !== undefined)
    body.graph = {
      ...graph,
      clientSecret: secretOf(located, [...path, 'graph', 'clientSecret'], graph.clientSecret, env),
    };
  return dtoProblems(located, path, CreateIdentityProviderDto, body);
}

function tenantSpec(located: Located, i: number, raw: RawTenant, env: NodeJS.ProcessEnv): TenantSpec {
  const path: Path = ['tenants', i];
  const { roles = [], identityProviders = [], groups = [] } = raw;
  const tenant = dtoProblems(located, path, CreateTenantDto, {
    slug: raw.slug,
    name: raw.name,
    ...(raw.settings ? { settings: raw.settings } : {}),
  });
  unique(located, [...path, 'roles'], roles, (r: RoleSpec) => r.name, 'role');
  unique(located, [...path, 'identityProviders'], identityProviders, (p: { slug: string }) => p.slug, 'slug');
  unique(located, [...path, 'groups'], groups, (g: GroupSpec) => g.name, 'group');
  const names = new Set(groups.map((g) => g.name));
  // Problems are reported in document order: roles, then IdPs, then groups.
  const roleSpecs = roles.map((r, j) => ({ ...dtoProblems(located, [...path, 'roles', j], CreateRoleDto, r) }));
  const defaultMemberships = new Map<string, DefaultMembershipSpec[]>();
  const idps = identityProviders.map((p, j) => {
    const at: Path = [...path, 'identityProviders', j];
    const { idp, defaults } = takeDefaultMemberships(located, at, p, names);
    if (defaults !== undefined) defaultMemberships.set(String(p.slug), defaults);
    return idpSpec(located, at, idp, env);
  });
  return {
    slug: tenant.slug,
    name: tenant.name,
    settings: tenant.settings,
    roles: roleSpecs,
    identityProviders: idps,
    defaultMemberships,
    groups: groups.map((g, j) => {
      const at: Path = [...path, 'groups', j];
      if (g.parent !== undefined && !names.has(g.parent))
        located.report([...at, 'parent'], `${at.join('.')}.parent: no group "${g.parent}" in this tenant`);
      const { name, description } = dtoProblems(located, at, CreateGroupDto, {
        name: g.name,
        ...(g.description !== undefined ? { description: g.description } : {}),
      });
      const links = g.links ?? [];
      unique(located, [...at, 'links'], links, (l: LinkSpec) => `${l.idp ?? '*'}/${l.externalGroup}`, 'link');
      return {
        name,
        description,
        parent: g.parent,
        links: links.map((l, k) => ({ ...dtoProblems(located, [...at, 'links', k], CreateGroupLinkDto, l) })),
      };
    }),
  };
}

/**
 * Reads a YAML (or JSON, a subset) document: the JSON Schema first, then the admin API's DTO checks
 * and the secrets from `env`. Throws ConfigDocumentError listing every problem with its position.
 */
export function readConfigDocument(file: string, text: string, env: NodeJS.ProcessEnv): ConfigSpec {
  const located = new Located(file, text);
  if (located.problems.length > 0) throw new ConfigDocumentError(located.problems);
  const data = located.doc.toJS() as { tenants?: RawTenant[] };
  schemaProblems(located, data);
  if (located.problems.length > 0) throw new ConfigDocumentError(located.problems);
  const tenants = data.tenants ?? [];
  unique(located, ['tenants'], tenants, (t: RawTenant) => t.slug, 'tenant');
  const spec = { tenants: tenants.map((t, i) => tenantSpec(located, i, t, env)) };
  if (located.problems.length > 0) throw new ConfigDocumentError(located.problems);
  return spec;
}
