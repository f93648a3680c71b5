import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppError, badRequest, conflict, isUniqueViolation, notFound } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { Transactions } from '../database/transactions.service';
import { BUILT_IN_ROLE_RANKS, ROLES, type BuiltInRole, type RoleRanks } from '../sync/engine';
import { CreateRoleDto, UpdateRoleDto } from './dto/role.dto';
import { CustomRole } from './role.entity';
import { loadRoleRanks, roleNamesByRank } from './role-ranks';
import { describeUsage, isInUse, roleUsage } from './role-usage';

export interface RoleResponse {
  name: string;
  rank: number;
  description: string | null;
  builtIn: boolean;
  createdAt: string | null;
  updatedAt: string | null;
}

const BUILT_IN_DESCRIPTIONS: Record<BuiltInRole, string> = {
  guest: 'Built in: the lowest role',
  reporter: 'Built in',
  developer: 'Built in',
  maintainer: 'Built in',
  owner: 'Built in: the top role; a group never loses its last owner',
};

const builtInView = (name: BuiltInRole): RoleResponse => ({
  name,
  rank: BUILT_IN_ROLE_RANKS.get(name)!,
  description: BUILT_IN_DESCRIPTIONS[name],
  builtIn: true,
  createdAt: null,
  updatedAt: null,
});

const customView = (r: CustomRole): RoleResponse => ({
  name: r.name,
  rank: r.rank,
  description: r.description,
  builtIn: false,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

const isBuiltIn = (name: string): name is BuiltInRole => BUILT_IN_ROLE_RANKS.has(name);

/**
 * The tenant's roles: the built-in ladder plus its custom roles. Links, memberships and the
 * group-sync policy's defaultRole name a role; `assertRole` checks the name, and holds a custom
 * role's row (PostgreSQL FOR SHARE) until the caller's transaction ends, so a concurrent delete or
 * rename waits and then sees the new use.
 */
@Injectable()
export class RolesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
  ) {}

  ranks(tenantId: string, em: EntityManager = this.dataSource.manager): Promise<RoleRanks> {
    return loadRoleRanks(em, tenantId);
  }

  /** 400 naming the tenant's roles when `role` is not one of them. */
  async assertRole(em: EntityManager, tenantId: string, role: string, field = 'role'): Promise<void> {
    if (isBuiltIn(role)) return;
    const lock = this.tx.dialect === 'postgres' ? ' FOR SHARE' : '';
    const p = this.tx.dialect === 'postgres' ? ['$1', '$2'] : ['?', '?'];
    const rows: unknown[] = await em.query(
      `SELECT 1 FROM "roles" WHERE "tenantId" = ${p[0]} AND "name" = ${p[1]}${lock}`,
      [tenantId, role],
    );
    if (rows.length > 0) return;
    const allowed = roleNamesByRank(await loadRoleRanks(em, tenantId));
    const problem = `${field} must be one of ${allowed.join(', ')}`;
    throw badRequest('validation_failed', `Invalid request: ${problem}`, [{ field, problems: [problem] }]);
  }

  async list(tenantId: string): Promise<RoleResponse[]> {
    const custom = await this.dataSource.manager.find(CustomRole, { where: { tenantId } });
    return [...ROLES.map(builtInView), ...custom.map(customView)].sort((a, b) => a.rank - b.rank);
  }

  async get(tenantId: string, name: string): Promise<RoleResponse> {
    if (isBuiltIn(name)) return builtInView(name);
    return customView(await this.mustGet(this.dataSource.manager, tenantId, name));
  }

  async create(tenantId: string, dto: CreateRoleDto, ctx: RequestContext): Promise<RoleResponse> {
    return this.uniquely(tenantId, dto, () =>
      this.tx.run(async (em) => {
        await this.assertFree(em, tenantId, dto);
        const role = em.create(CustomRole, {
          tenantId,
          name: dto.name,
          rank: dto.rank,
          description: dto.description || null,
        });
        await em.insert(CustomRole, role);
        const view = customView(role);
        await this.audit.record(em, ctx, tenantId, {
          action: 'role.created',
          targetType: 'role',
          targetId: role.id,
          after: view,
        });
        return view;
      }),
    );
  }

  async update(
    tenantId: string,
    name: string,
    dto: UpdateRoleDto,
    ctx: RequestContext,
  ): Promise<RoleResponse> {
    return this.uniquely(tenantId, dto, () =>
      this.tx.run(async (em) => {
        const role = await this.mustGetCustom(em, tenantId, name, 'changed');
        const before = customView(role);
        const renamed = dto.name !== undefined && dto.name !== role.name;
        await this.assertFree(em, tenantId, {
          name: renamed ? dto.name : undefined,
          rank: dto.rank !== undefined && dto.rank !== role.rank ? dto.rank : undefined,
        });
        // A rename would leave every link and membership that names the role dangling.
        if (renamed) await this.assertUnused(em, tenantId, role.name, 'renamed');
        if (dto.name !== undefined) role.name = dto.name;
        if (dto.rank !== undefined) role.rank = dto.rank;
        if (dto.description !== undefined) role.description = dto.description || null;
        role.updatedAt = new Date();
        await em.save(role);
        const after = customView(role);
        await this.audit.record(em, ctx, tenantId, {
          action: 'role.updated',
          targetType: 'role',
          targetId: role.id,
          before,
          after,
        });
        return after;
      }),
    );
  }

  async remove(tenantId: string, name: string, ctx: RequestContext): Promise<void> {
    await this.tx.run(async (em) => {
      const role = await this.mustGetCustom(em, tenantId, name, 'deleted');
      await this.assertUnused(em, tenantId, role.name, 'deleted');
      await em.delete(CustomRole, { id: role.id });
      await this.audit.record(em, ctx, tenantId, {
        action: 'role.deleted',
        targetType: 'role',
        targetId: role.id,
        before: customView(role),
      });
    });
  }

  private async assertUnused(em: EntityManager, tenantId: string, name: string, verb: string) {
    const usage = await roleUsage(em, tenantId, name);
    if (isInUse(usage))
      throw conflict(
        'role_in_use',
        `Role "${name}" cannot be ${verb} while it is in use: ${describeUsage(usage)}`,
        usage,
      );
  }

  /** 409 when the name (any case) or the rank is already the tenant's. */
  private async assertFree(em: EntityManager, tenantId: string, want: { name?: string; rank?: number }) {
    const ranks = await loadRoleRanks(em, tenantId);
    if (want.name !== undefined && ranks.has(want.name.toLowerCase())) throw nameTaken(want.name);
    if (want.rank === undefined) return;
    for (const [holder, rank] of ranks) if (rank === want.rank) throw rankTaken(want.rank, holder);
  }

  /**
   * The unique constraints catch what two concurrent writes both found free: the check again, now
   * that the other write committed, says which of name and rank was taken.
   */
  private async uniquely<T>(
    tenantId: string,
    dto: { name?: string; rank?: number },
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await this.assertFree(this.dataSource.manager, tenantId, dto);
      throw conflict('role_name_taken', 'Another request took this name or rank at the same time');
    }
  }

  private async mustGetCustom(em: EntityManager, tenantId: string, name: string, verb: string) {
    if (isBuiltIn(name))
      throw conflict('role_built_in', `"${name}" is a built-in role: it cannot be ${verb}`);
    const qb = em
      .createQueryBuilder(CustomRole, 'r')
      .where('r.tenantId = :tenantId AND r.name = :name', { tenantId, name });
    // Held until commit: a link or membership naming the role waits (assertRole), then sees the change.
    if (this.tx.dialect === 'postgres') qb.setLock('pessimistic_write');
    const role = await qb.getOne();
    if (!role) throw notFound('Role', name);
    return role;
  }

  private async mustGet(em: EntityManager, tenantId: string, name: string): Promise<CustomRole> {
    const role = await em.findOneBy(CustomRole, { tenantId, name });
    if (!role) throw notFound('Role', name);
    return role;
  }
}

const nameTaken = (name: string): AppError =>
  conflict('role_name_taken', `This workspace already has a role named "${name.toLowerCase()}"`);

const rankTaken = (rank: number, holder: string): AppError =>
  conflict(
    'role_rank_taken',
    `Rank ${rank} belongs to role "${holder}": ranks are unique so the highest role is never a tie`,
    { rank, role: holder },
  );
