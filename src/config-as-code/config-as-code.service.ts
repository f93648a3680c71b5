import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { stringify } from 'yaml';
import { AppError, notFound } from '../common/errors';
import { newId } from '../common/ids';
import type { RequestContext } from '../common/request-context';
import { Transactions } from '../database/transactions.service';
import { IdentityProvidersService } from '../identity-providers/identity-providers.service';
import { LinkImpactService } from '../sync/link-impact.service';
import type { ConfigSpec, TenantSpec } from './document';
import { type Change, diffTenant } from './diff';
import { ChangeWriter } from './change-writer';
import { type CurrentTenant, exportTenant, readTenant } from './state';
import { impactOf, type ImpactSummary } from './impact';

export interface PlannedChange {
  action: Change['action'];
  kind: Change['kind'];
  name: string;
  fields: Change['fields'];
  /** A delete of something the document leaves out: applied only with prune. */
  skipped?: boolean;
  impact?: ImpactSummary | null;
}

interface TenantPlan {
  tenant: string;
  changes: PlannedChange[];
}

export interface ConfigPlan {
  tenants: TenantPlan[];
  /** Changes that apply would write (skipped deletes excluded). */
  pending: number;
}

export interface ConfigOptions {
  prune: boolean;
  /** Names the file in the audit trail (actor label). */
  source: string;
}

/**
 * Configuration as code (docs/config-as-code.md): plan, apply and export a whole document of
 * tenants through the same services as the admin API, one transaction per tenant.
 */
@Injectable()
export class ConfigAsCodeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly idps: IdentityProvidersService,
    private readonly impact: LinkImpactService,
    private readonly writer: ChangeWriter,
  ) {}

  /** Writes nothing; link changes carry the membership impact the preview API computes. */
  async plan(spec: ConfigSpec, options: Pick<ConfigOptions, 'prune'>): Promise<ConfigPlan> {
    const tenants: TenantPlan[] = [];
    for (const tenant of spec.tenants) {
      const current = await readTenant(this.dataSource.manager, tenant.slug);
      const changes = this.diff(tenant, current);
      const planned: PlannedChange[] = [];
      for (const change of changes)
        planned.push({
          ...describe(change, options.prune),
          ...(change.kind === 'group_link' ? { impact: await impactOf(this.impact, current, change) } : {}),
        });
      tenants.push({ tenant: tenant.slug, changes: planned });
    }
    return summarize(tenants);
  }

  /** Each tenant in one transaction, audited with actor `config`; an unchanged tenant writes nothing. */
  async apply(spec: ConfigSpec, options: ConfigOptions): Promise<ConfigPlan> {
    const ctx = configContext(options.source);
    const tenants: TenantPlan[] = [];
    for (const tenant of spec.tenants) {
      const changes = await this.tx
        .shared(async (em) => {
          const found = this.diff(tenant, await readTenant(em, tenant.slug));
          const wanted = found.filter((c) => c.action !== 'delete' || options.prune);
          if (wanted.length > 0) await this.writer.write(em, tenant, wanted, ctx);
          return found;
        })
        .catch((error: unknown) => {
          // Tenants before this one stay applied; this one wrote nothing.
          if (error instanceof AppError)
            throw new AppError(error.code, `tenant ${tenant.slug}: ${error.message}`, error.details);
          throw error;
        });
      tenants.push({ tenant: tenant.slug, changes: changes.map((c) => describe(c, options.prune)) });
    }
    return summarize(tenants);
  }

  /** The tenant as a document (YAML), secrets as `${env:...}` references. */
  async export(slug: string): Promise<string> {
    const current = await readTenant(this.dataSource.manager, slug);
    if (!current) throw notFound('Tenant', slug);
    const tenant = exportTenant(current, (idp) => this.idps.openSecrets(idp));
    return stringify({ version: 1, tenants: [tenant] });
  }

  private diff(spec: TenantSpec, current: CurrentTenant | null): Change[] {
    return diffTenant(spec, current, (idp) => this.idps.openSecrets(idp));
  }
}

function configContext(source: string): RequestContext {
  return {
    correlationId: `config-${newId()}`,
    ip: null,
    userAgent: 'groupsync config',
    actor: { type: 'config', id: null, label: source.slice(-320) },
  };
}

function describe(change: Change, prune: boolean): PlannedChange {
  const { action, kind, name, fields } = change;
  return { action, kind, name, fields, ...(action === 'delete' && !prune ? { skipped: true } : {}) };
}

function summarize(tenants: TenantPlan[]): ConfigPlan {
  const pending = tenants.reduce((n, t) => n + t.changes.filter((c) => !c.skipped).length, 0);
  return { tenants, pending };
}
