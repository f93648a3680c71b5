import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppError, conflict, notFound } from '../common/errors';
import { newId } from '../common/ids';
import type { RequestContext } from '../common/request-context';
import type { AllConfigType } from '../config/configuration';
import { PeriodicRound } from '../database/periodic-round';
import { Transactions } from '../database/transactions.service';
import { IdentityProvider, type MetadataRefreshStatus } from './identity-provider.entity';
import { readIdpConfig, type SamlConfig } from './idp-config';
import { assertCertificates, assertHttps, certificateInfo } from './idp-checks';
import { fetchMetadata, MetadataFetchError } from './metadata-source';
import { type IdpMetadata, MetadataError, parseIdpMetadata } from './saml-metadata';

/** Any fixed number: every groupsync process on one database agrees on it. */
const METADATA_REFRESH_LOCK_KEY = 7_140_221_016;

export interface MetadataRefreshResult {
  changed: boolean;
  /** Why the read failed (the working settings were kept); null on success. */
  error: string | null;
  /** The settings that changed: entityId, ssoUrl, ssoBinding, certificates. */
  changes: string[];
  metadataRefresh: MetadataRefreshStatus | null;
}

export interface MetadataRefreshRun {
  refreshed: number;
  changed: number;
  failed: number;
  /** PostgreSQL: another process was refreshing, this one left it the work. */
  skipped: boolean;
}

const FIELDS = ['entityId', 'ssoUrl', 'ssoBinding', 'certificates'] as const;

/**
 * Reads the metadata URL of SAML IdPs again (every METADATA_REFRESH_MINUTES, or when an admin asks)
 * and applies a changed entity id, SSO URL or certificate set, audited as
 * `identity_provider.metadata_refreshed` with the certificate fingerprints before and after. A read
 * that fails, or metadata that would not pass the save-time checks, changes no setting: it is kept
 * on the IdP (`metadataRefresh.error`) and audited as `identity_provider.metadata_refresh_failed`.
 * The URL is fetched outside any transaction. Several processes: on PostgreSQL a session advisory
 * try-lock lets one process run a round at a time; the others skip it.
 */
@Injectable()
export class MetadataRefreshService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('MetadataRefresh');
  private readonly development: boolean;
  private readonly rounds: PeriodicRound;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    config: ConfigService<AllConfigType, true>,
  ) {
    this.development = config.get('app.development', { infer: true });
    this.rounds = new PeriodicRound({
      name: 'Metadata refresh',
      logger: this.logger,
      everyMs: config.get('ops.metadataRefreshMinutes', { infer: true }) * 60_000,
      round: () => this.refreshAll(),
      lock: { dataSource, key: METADATA_REFRESH_LOCK_KEY },
    });
  }

  onApplicationBootstrap(): void {
    this.rounds.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.rounds.stop();
  }

  /** One round over every SAML IdP with a metadata URL (the timer calls it; operators and tests may). */
  async refreshAll(): Promise<MetadataRefreshRun> {
    const outcome = await this.rounds.exclusive(async () => {
      const run: MetadataRefreshRun = { refreshed: 0, changed: 0, failed: 0, skipped: false };
      const ctx = systemContext();
      const idps = await this.dataSource.getRepository(IdentityProvider).find({ where: { type: 'saml' } });
      for (const idp of idps.filter((i) => samlOf(i).idpMetadataUrl)) {
        const result = await this.refresh(idp, ctx, 'schedule');
        run.refreshed++;
        if (result.changed) run.changed++;
        if (result.error) run.failed++;
      }
      return run;
    });
    if (!outcome.ran) return { refreshed: 0, changed: 0, failed: 0, skipped: true };
    const run = outcome.value;
    if (run.changed + run.failed > 0) this.logger.log(run, 'Metadata refresh round');
    return run;
  }

  /** "Refresh now" from the API: the tenant's IdP, 409 when it has no metadata URL. */
  async refreshNow(tenantId: string, slug: string, ctx: RequestContext): Promise<MetadataRefreshResult> {
    const idp = await this.dataSource.getRepository(IdentityProvider).findOneBy({ tenantId, slug });
    if (!idp) throw notFound('Identity provider', slug);
    if (idp.type !== 'saml' || !samlOf(idp).idpMetadataUrl)
      throw conflict(
        'metadata_url_not_set',
        `Identity provider "${slug}" has no idpMetadataUrl: its settings were pasted, there is nothing to read again`,
      );
    return this.refresh(idp, ctx, 'manual');
  }

  private async refresh(
    idp: IdentityProvider,
    ctx: RequestContext,
    trigger: 'schedule' | 'manual',
  ): Promise<MetadataRefreshResult> {
    const url = samlOf(idp).idpMetadataUrl!;
    let xml: string;
    let parsed: IdpMetadata;
    try {
      xml = await fetchMetadata(url);
      parsed = parseIdpMetadata(xml);
      assertHttps([['ssoUrl', parsed.ssoUrl, false]], this.development);
      assertCertificates(parsed.certificates, 'certificates');
    } catch (error) {
      if (!(
        error instanceof MetadataFetchError ||
        error instanceof MetadataError ||
        error instanceof AppError
      ))
        throw error;
      return this.recordFailure(idp, ctx, url, trigger, error.message);
    }
    return this.apply(idp, ctx, url, trigger, xml, parsed);
  }

  private apply(
    stale: IdentityProvider,
    ctx: RequestContext,
    url: string,
    trigger: string,
    xml: string,
    parsed: IdpMetadata,
  ): Promise<MetadataRefreshResult> {
    return this.tx.run(async (em) => {
      const idp = await em.findOneBy(IdentityProvider, { id: stale.id, tenantId: stale.tenantId });
      // Deleted, or the admin changed the URL while it was read: this read is not theirs.
      if (!idp || samlOf(idp).idpMetadataUrl !== url)
        return { changed: false, error: null, changes: [], metadataRefresh: idp?.metadataRefresh ?? null };
      const current = samlOf(idp);
      const changes = FIELDS.filter((k) => JSON.stringify(current[k]) !== JSON.stringify(parsed[k]));
      const now = new Date().toISOString();
      idp.metadataRefresh = {
        checkedAt: now,
        changedAt: changes.length > 0 ? now : (idp.metadataRefresh?.changedAt ?? null),
        error: null,
      };
      if (changes.length > 0) {
        const before = fingerprints(current);
        idp.config = readIdpConfig({ ...current, ...parsed, metadataXml: xml });
        idp.updatedAt = new Date();
        await this.audit.record(em, ctx, idp.tenantId, {
          action: 'identity_provider.metadata_refreshed',
          targetType: 'identity_provider',
          targetId: idp.id,
          before,
          after: fingerprints(samlOf(idp)),
          details: { slug: idp.slug, url, trigger, changes },
        });
      }
      await em.save(idp);
      return { changed: changes.length > 0, error: null, changes, metadataRefresh: idp.metadataRefresh };
    });
  }

  private recordFailure(
    stale: IdentityProvider,
    ctx: RequestContext,
    url: string,
    trigger: string,
    error: string,
  ): Promise<MetadataRefreshResult> {
    return this.tx.run(async (em) => {
      const idp = await em.findOneBy(IdentityProvider, { id: stale.id, tenantId: stale.tenantId });
      if (!idp || samlOf(idp).idpMetadataUrl !== url)
        return { changed: false, error, changes: [], metadataRefresh: idp?.metadataRefresh ?? null };
      idp.metadataRefresh = {
        checkedAt: new Date().toISOString(),
        changedAt: idp.metadataRefresh?.changedAt ?? null,
        error,
      };
      // Only the status column: the working settings stay exactly as they were.
      await em.update(IdentityProvider, { id: idp.id }, { metadataRefresh: idp.metadataRefresh });
      await this.audit.record(em, ctx, idp.tenantId, {
        action: 'identity_provider.metadata_refresh_failed',
        targetType: 'identity_provider',
        targetId: idp.id,
        details: { slug: idp.slug, url, trigger, error },
      });
      this.logger.warn({ tenantId: idp.tenantId, idp: idp.slug, error }, 'Metadata refresh failed');
      return { changed: false, error, changes: [], metadataRefresh: idp.metadataRefresh };
    });
  }
}

const samlOf = (idp: IdentityProvider): SamlConfig => (idp.type === 'saml' ? idp.config : {});

/** What the audit compares: the settings, certificates as SHA-256 fingerprints (the PEM is bulky). */
function fingerprints(config: SamlConfig) {
  return {
    entityId: config.entityId ?? null,
    ssoUrl: config.ssoUrl ?? null,
    ssoBinding: config.ssoBinding ?? null,
    certificateFingerprints: (config.certificates ?? []).map((pem) => certificateInfo(pem)?.sha256 ?? null),
  };
}

function systemContext(): RequestContext {
  return {
    correlationId: newId(),
    ip: null,
    userAgent: null,
    actor: { type: 'system', id: null, label: 'metadata refresh' },
  };
}
