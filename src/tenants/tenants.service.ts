import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { conflict, isUniqueViolation } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { Transactions } from '../database/transactions.service';
import { CreateTenantDto, toTenantResponse, UpdateTenantDto } from './dto/tenant.dto';
import { Tenant, TenantSettings } from './tenant.entity';
import { insertRows } from '../database/insert';

@Injectable()
export class TenantsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
  ) {}

  async create(dto: CreateTenantDto, ctx: RequestContext): Promise<Tenant> {
    try {
      return await this.tx.run(async (em) => {
        if (await em.existsBy(Tenant, { slug: dto.slug })) throw slugTaken(dto.slug);
        const tenant = em.create(Tenant, { slug: dto.slug, name: dto.name, settings: { ...dto.settings } });
        await insertRows(em, Tenant, tenant);
        await this.audit.record(em, ctx, tenant.id, {
          action: 'tenant.created',
          targetType: 'tenant',
          targetId: tenant.id,
          after: toTenantResponse(tenant),
        });
        return tenant;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw slugTaken(dto.slug); // lost a race with a concurrent create
      throw error;
    }
  }

  list(onlyId?: string): Promise<Tenant[]> {
    return this.dataSource
      .getRepository(Tenant)
      .find({ where: onlyId ? { id: onlyId } : {}, order: { slug: 'ASC' } });
  }

  async update(tenant: Tenant, dto: UpdateTenantDto, ctx: RequestContext): Promise<Tenant> {
    return this.tx.run(async (em) => {
      const before = toTenantResponse(tenant);
      const next = Object.assign(new Tenant(), tenant, {
        name: dto.name ?? tenant.name,
        settings: mergeSettings(tenant.settings, dto.settings),
        updatedAt: new Date(),
      });
      await em.update(
        Tenant,
        { id: tenant.id },
        { name: next.name, settings: next.settings, updatedAt: next.updatedAt },
      );
      await this.audit.record(em, ctx, tenant.id, {
        action: 'tenant.updated',
        targetType: 'tenant',
        targetId: tenant.id,
        before,
        after: toTenantResponse(next),
      });
      return next;
    });
  }

  /** Deletes the tenant and, by cascade, everything it owns. Its audit trail is kept. */
  async remove(tenant: Tenant, ctx: RequestContext): Promise<void> {
    await this.tx.run(async (em) => {
      await em.delete(Tenant, { id: tenant.id });
      await this.audit.record(em, ctx, tenant.id, {
        action: 'tenant.deleted',
        targetType: 'tenant',
        targetId: tenant.id,
        before: toTenantResponse(tenant),
      });
    });
  }
}

/** A partial `removalSafety` changes only the keys it names. */
function mergeSettings(stored: TenantSettings, patch: UpdateTenantDto['settings']): TenantSettings {
  if (!patch) return stored;
  const merged: TenantSettings = { ...stored, ...patch };
  if (patch.removalSafety) merged.removalSafety = { ...stored.removalSafety, ...patch.removalSafety };
  return merged;
}

const slugTaken = (slug: string) =>
  conflict('tenant_slug_taken', `A tenant with slug "${slug}" already exists`);
