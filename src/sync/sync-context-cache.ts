import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Tenant, type TenantSettings } from '../tenants/tenant.entity';
import { buildSyncContext, type GroupSyncPolicy, type RoleRanks, type SyncContext } from './engine';
import { loadRoleRanks } from '../roles/role-ranks';
import { loadTenantGroupsAndLinks } from './sync-state';
import { compileRegex } from './pattern-regex';

/** Tenants whose contexts stay in memory; the least recently used one goes first. */
const MAX_TENANTS = 200;

interface TenantEntry {
  version: number;
  rows?: Awaited<ReturnType<typeof loadTenantGroupsAndLinks>> & { roles: RoleRanks };
  /** Built contexts by IdP id and policy (the policy decides how names are normalized). */
  contexts: Map<string, SyncContext>;
}

/**
 * The sync context of each tenant (its groups, links and role ranks, indexed for matching), kept in memory
 * between sign-ins. A tenant with 10k links would otherwise read them all on every sign-in.
 * Correctness rests on tenants.syncVersion, which database triggers bump on every write to groups,
 * group links and custom roles (cascades included, from any instance): a sign-in reads the version in its own
 * transaction and rebuilds when it differs. The version is read before the rows, so a cached
 * context is never older than the version it is filed under.
 */
@Injectable()
export class SyncContextCache {
  private readonly tenants = new Map<string, TenantEntry>();

  async get(
    em: EntityManager,
    tenantId: string,
    idpId: string,
    policy: GroupSyncPolicy,
  ): Promise<SyncContext> {
    // The settings ride along in the same statement: the last-owner switch must never be stale.
    const row = await em
      .createQueryBuilder(Tenant, 't')
      .select('t.syncVersion', 'version')
      .addSelect('t.settings', 'settings')
      .where('t.id = :tenantId', { tenantId })
      .getRawOne<RawSyncStamp>();
    return this.at(em, tenantId, idpId, policy, row);
  }

  /**
   * The context for a stamp (version and settings) the caller read in this transaction, e.g. in the
   * sign-in's one statement that also finds and locks the user (`SyncLoader.loadSignIn`).
   */
  async at(
    em: EntityManager,
    tenantId: string,
    idpId: string,
    policy: GroupSyncPolicy,
    row: RawSyncStamp | undefined,
  ): Promise<SyncContext> {
    const version = Number(row?.version ?? -1);
    const keepLastOwner = readSettings(row?.settings).keepLastOwner !== false;
    let entry = this.tenants.get(tenantId);
    if (!entry || entry.version !== version) {
      entry = { version, contexts: new Map() };
    }
    // Re-inserting moves the tenant to the most recently used end.
    this.tenants.delete(tenantId);
    this.tenants.set(tenantId, entry);
    if (this.tenants.size > MAX_TENANTS) this.tenants.delete(this.tenants.keys().next().value!);

    const key = `${idpId}\u0000${keepLastOwner}\u0000${JSON.stringify(policy)}`;
    let context = entry.contexts.get(key);
    if (!context) {
      entry.rows ??= {
        ...(await loadTenantGroupsAndLinks(em, tenantId)),
        roles: await loadRoleRanks(em, tenantId),
      };
      context = buildSyncContext({ idpId, policy, keepLastOwner, compileRegex, ...entry.rows });
      entry.contexts.set(key, context);
    }
    return context;
  }
}

/** The tenant's sync version and settings as a raw query returns them (settings: jsonb or JSON text). */
export interface RawSyncStamp {
  version: number | string | null;
  settings: TenantSettings | string | null;
}

/** The settings column as a raw query returns it: an object (PostgreSQL jsonb) or JSON text (SQLite). */
function readSettings(value: TenantSettings | string | null | undefined): TenantSettings {
  if (!value) return {};
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as TenantSettings;
  } catch {
    return {};
  }
}
