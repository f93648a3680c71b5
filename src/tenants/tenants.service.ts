import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { DeleteMode, DeletePreview, describeCounts } from '../common/delete-query';
import { conflict, isUniqueViolation } from '../common/errors';
import { lockForDelete } from '../database/delete-lock';
import type { RequestContext } from '../common/request-context';
import { Transactions } from '../database/transactions.service';
import { CreateTenantDto, toTenantResponse, UpdateTenantDto } from './dto/tenant.dto';
import { previewTenantDelete, TENANT_WORDS } from './tenant-delete';
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

  /**
   * Deletes the tenant and, by cascade, everything it owns; its audit trail is kept. A tenant with
   * identity providers, groups or users is refused (409 `tenant_not_empty`) unless forced. The
   * event records the counts and the first rows of each kind, not every row: the tenant's own audit
   * trail, which stays, recorded each of them being made.
   */
  async remove(tenant: Tenant, ctx: RequestContext, mode: DeleteMode): Promise<DeletePreview> {
    if (mode.dryRun) return previewTenantDelete(this.dataSource.manager, tenant);
    return this.tx.run(async (em) => {
      await lockForDelete(em, 'tenants', [tenant.id]);
      const found = await previewTenantDelete(em, tenant);
      if (found.requiresForce && !mode.force)
        throw conflict(
          'tenant_not_empty',
          `Tenant "${tenant.slug}" has ${describeCounts(found.counts, TENANT_WORDS)}; ` +
            'delete with ?force=true to remove everything it holds (?dryRun=true lists it)',
          found,
        );
      await em.delete(Tenant, { id: tenant.id });
      await this.audit.record(em, ctx, tenant.id, {
        action: 'tenant.deleted',
        targetType: 'tenant',
        targetId: tenant.id,
        before: toTenantResponse(tenant),
        details: { forced: found.requiresForce, counts: found.counts, first: found.items },
      });
      return found;
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
