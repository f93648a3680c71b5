import { Injectable } from '@nestjs/common';
import { RolesService } from '../roles/roles.service';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { cascadeAuditEntries } from '../audit/cascade-audit';
import { DeleteMode, DeletePreview, describeCounts } from '../common/delete-query';
import { lockForDelete } from '../database/delete-lock';
import { SecretKeyService } from '../auth/secret-key.service';
import { badRequest, conflict, isUniqueViolation, notFound } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { AllConfigType } from '../config/configuration';
import { Transactions } from '../database/transactions.service';
import { defaultAccountLinking, linkingSettingsOf, resolvePolicy } from '../sync/engine';
import type { Tenant } from '../tenants/tenant.entity';
import {
  CreateIdentityProviderDto,
  IdentityProviderSettingsDto,
  UpdateIdentityProviderDto,
} from './dto/identity-provider.dto';
import { assertDefaultGroupsInTenant } from './default-memberships';
import { IdentityProvider } from './identity-provider.entity';
import { type IdpSecrets, openIdpSecrets, readIdpConfig } from './idp-config';
import { IDP_WORDS, idpCascadeRows, previewIdpDelete } from './idp-delete';
import { insertRows } from '../database/insert';
import { literalInternalHost } from '../common/network-address';
import { leaversSettings } from '../sync/leavers/leavers-settings';
import {
  assertComplete,
  FETCHED_GRAPH_URLS,
  FETCHED_URLS,
  nextLeaversRun,
  OIDC_DEFAULTS,
  protocolConfig,
  publicConfig,
  withMetadata,
} from './idp-settings';
import { checkSavedSettings, type SaveCheckOptions } from './idp-save-checks';
import { fetchMetadataForSave } from './metadata-source';
import { idpHealthView } from './idp-health-view';

@Injectable()
export class IdentityProvidersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly secretKey: SecretKeyService,
    private readonly config: ConfigService<AllConfigType, true>,
    private readonly roles: RolesService,
  ) {}

  async create(
    tenant: Tenant,
    dto: CreateIdentityProviderDto,
    ctx: RequestContext,
  ): Promise<IdentityProvider> {
    this.assertPublicUrls(dto);
    const fetched = await this.fetchedMetadata(dto);
    const config = withMetadata(
      dto,
      protocolConfig(dto.type, dto, dto.type === 'oidc' ? OIDC_DEFAULTS : {}),
      fetched,
    );
    assertComplete(dto.type, config, dto.clientSecret !== undefined);
    await checkSavedSettings(dto.type, dto, config, {}, this.saveChecks());
    try {
      return await this.tx.run(async (em) => {
        if (await em.existsBy(IdentityProvider, { tenantId: tenant.id, slug: dto.slug }))
          throw slugTaken(dto.slug);
        await this.assertDefaultRole(
          em,
          tenant.id,
          dto.groupSync?.defaultRole,
          dto.groupSync?.defaultMemberships,
        );
        // Stored, not derived later: deleting an older IdP must not turn linking on for this one.
        // The tenant row is locked first, so parallel creates cannot each count themselves first.
        await this.tx.lockRow(em, 'tenants', tenant.id);
        config.accountLinking ??= defaultAccountLinking(
          await em.countBy(IdentityProvider, { tenantId: tenant.id }),
        );
        const groupSync = resolvePolicy(dto.groupSync);
        await assertDefaultGroupsInTenant(em, tenant.id, groupSync);
        const idp = em.create(IdentityProvider, {
          tenantId: tenant.id,
          slug: dto.slug,
          name: dto.name ?? dto.slug,
          type: dto.type,
          enabled: dto.enabled ?? true,
          syncPaused: dto.syncPaused ?? false,
          config: readIdpConfig(config),
          secrets: this.sealSecrets({
            clientSecret: dto.clientSecret,
            graphClientSecret: dto.graph?.clientSecret,
          }),
          groupSync,
          leaversNextRunAt: nextLeaversRun(config),
        });
        await insertRows(em, IdentityProvider, idp);
        await this.audit.record(em, ctx, tenant.id, {
          action: 'identity_provider.created',
          targetType: 'identity_provider',
          targetId: idp.id,
          after: auditView(idp),
        });
        return idp;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw slugTaken(dto.slug);
      throw error;
    }
  }

  /**
   * The policy's defaultRole and default memberships' roles must be the tenant's roles (a custom one
   * stays while it is used).
   */
  private async assertDefaultRole(
    em: EntityManager,
    tenantId: string,
    role: string | undefined,
    defaults: readonly { role: string }[] = [],
  ) {
    if (role !== undefined) await this.roles.assertRole(em, tenantId, role, 'groupSync.defaultRole');
    for (const d of defaults)
      await this.roles.assertRole(em, tenantId, d.role, 'groupSync.defaultMemberships.role');
  }

  list(tenantId: string): Promise<IdentityProvider[]> {
    return this.dataSource
      .getRepository(IdentityProvider)
      .find({ where: { tenantId }, order: { slug: 'ASC' } });
  }

  async get(tenantId: string, slug: string): Promise<IdentityProvider> {
    const idp = await this.dataSource.getRepository(IdentityProvider).findOneBy({ tenantId, slug });
    if (!idp) throw notFound('Identity provider', slug);
    return idp;
  }

  async update(
    tenant: Tenant,
    slug: string,
    dto: UpdateIdentityProviderDto,
    ctx: RequestContext,
  ): Promise<IdentityProvider> {
    this.assertPublicUrls(dto);
    // Network reads (metadata URL, OIDC discovery) happen before the transaction, never inside it.
    const stored = await this.get(tenant.id, slug);
    const fetched = await this.fetchedMetadata(dto);
    await checkSavedSettings(
      stored.type,
      dto,
      mergedConfig(stored, dto, fetched),
      { ...stored.config },
      this.saveChecks(),
    );
    return this.tx.run(async (em) => {
      const idp = await em.findOneBy(IdentityProvider, { tenantId: tenant.id, slug });
      if (!idp) throw notFound('Identity provider', slug);
      await this.assertDefaultRole(
        em,
        tenant.id,
        dto.groupSync?.defaultRole,
        dto.groupSync?.defaultMemberships,
      );
      const before = auditView(idp);
      const config = mergedConfig(idp, dto, fetched);
      const secrets = { ...this.openSecrets(idp) };
      if (dto.clientSecret !== undefined) secrets.clientSecret = dto.clientSecret;
      if (dto.graph?.clientSecret !== undefined) secrets.graphClientSecret = dto.graph.clientSecret;
      assertComplete(idp.type, config, !!secrets.clientSecret);
      // A changed leaver setting starts its clock again: the admin previews before the first run.
      if (dto.leavers !== undefined) idp.leaversNextRunAt = nextLeaversRun(config);
      idp.name = dto.name ?? idp.name;
      idp.enabled = dto.enabled ?? idp.enabled;
      idp.syncPaused = dto.syncPaused ?? idp.syncPaused;
      idp.config = readIdpConfig(config);
      if (!config.idpMetadataUrl) idp.metadataRefresh = null;
      idp.secrets = this.sealSecrets(secrets);
      if (dto.groupSync) {
        idp.groupSync = resolvePolicy({ ...idp.groupSync, ...dto.groupSync });
        if (dto.groupSync.defaultMemberships) await assertDefaultGroupsInTenant(em, tenant.id, idp.groupSync);
      }
      idp.updatedAt = new Date();
      await em.save(idp);
      await this.audit.record(em, ctx, tenant.id, {
        action: 'identity_provider.updated',
        targetType: 'identity_provider',
        targetId: idp.id,
        before,
        after: auditView(idp),
        details: dto.clientSecret !== undefined ? { clientSecretChanged: true } : null,
      });
      return idp;
    });
  }

  /**
   * An IdP with links, identities, SCIM tokens or SCIM data is refused (409 `identity_provider_in_use`,
   * the list in details) unless forced; the audit event then records every row the cascade took.
   */
  async remove(tenant: Tenant, slug: string, ctx: RequestContext, mode: DeleteMode): Promise<DeletePreview> {
    if (mode.dryRun) return previewIdpDelete(this.dataSource.manager, await this.get(tenant.id, slug));
    return this.tx.run(async (em) => {
      const idp = await em.findOneBy(IdentityProvider, { tenantId: tenant.id, slug });
      if (!idp) throw notFound('Identity provider', slug);
      await lockForDelete(em, 'identity_providers', [idp.id]);
      const found = await previewIdpDelete(em, idp);
      if (found.requiresForce && !mode.force)
        throw conflict(
          'identity_provider_in_use',
          `Identity provider "${slug}" has ${describeCounts(found.counts, IDP_WORDS)}; ` +
            'delete with ?force=true to remove them with it (?dryRun=true lists them)',
          found,
        );
      const rows = found.requiresForce ? await idpCascadeRows(em, idp) : {};
      await em.delete(IdentityProvider, { id: idp.id, tenantId: tenant.id });
      const main = {
        action: 'identity_provider.deleted',
        targetType: 'identity_provider',
        targetId: idp.id,
        before: auditView(idp),
        details: {
          forced: found.requiresForce,
          externalMemberships: found.counts.externalMemberships,
        },
      };
      await this.audit.record(
        em,
        ctx,
        tenant.id,
        cascadeAuditEntries(main, rows, 'identity_provider.delete_cascade'),
      );
      return found;
    });
  }

  /** SAML with idpMetadataUrl: the document read from it (a 400 naming the field when it cannot be). */
  private async fetchedMetadata(dto: IdentityProviderSettingsDto): Promise<string | undefined> {
    if (dto.idpMetadataUrl && dto.metadataXml)
      throw badRequest(
        'invalid_identity_provider',
        'Give metadataXml (pasted) or idpMetadataUrl (read now and again on a schedule), not both',
        { field: 'idpMetadataUrl' },
      );
    return dto.idpMetadataUrl ? fetchMetadataForSave(dto.idpMetadataUrl) : undefined;
  }

  private saveChecks(): SaveCheckOptions {
    return {
      development: this.config.get('app.development', { infer: true }),
      discovery: this.config.get('app.idpDiscoveryCheck', { infer: true }),
    };
  }

  /**
   * A URL the server will fetch may not name a loopback or private address outright (names are
   * checked again after DNS at every fetch), unless the operator set ALLOW_PRIVATE_NETWORK.
   */
  private assertPublicUrls(dto: IdentityProviderSettingsDto): void {
    if (this.config.get('app.allowPrivateNetwork', { infer: true })) return;
    const urls: [string, string | undefined][] = [
      ...[...FETCHED_URLS, 'idpMetadataUrl' as const].map((f): [string, string | undefined] => [
        f,
        dto[f] ?? undefined,
      ]),
      ...FETCHED_GRAPH_URLS.map((f): [string, string | undefined] => [`graph.${f}`, dto.graph?.[f]]),
    ];
    for (const [field, url] of urls) {
      const kind = url ? literalInternalHost(url) : null;
      if (kind)
        throw badRequest(
          'invalid_identity_provider',
          `${field} points at a ${kind} address; the service only contacts identity providers on public addresses`,
          { field },
        );
    }
  }

  /** The IdP's secrets: OIDC client secret, Microsoft Graph client secret. */
  openSecrets(idp: IdentityProvider): IdpSecrets {
    return openIdpSecrets(this.secretKey.box, idp.secrets);
  }

  private sealSecrets(secrets: IdpSecrets): string | null {
    const present = Object.fromEntries(
      Object.entries(secrets).filter(([, v]) => typeof v === 'string' && v !== ''),
    );
    return Object.keys(present).length > 0 ? this.secretKey.box.seal(JSON.stringify(present)) : null;
  }

  toResponse(tenant: Tenant, idp: IdentityProvider) {
    const base = `${this.config.get('app.publicUrl', { infer: true })}/sso/${tenant.slug}/${idp.slug}`;
    const urls =
      idp.type === 'saml'
        ? { acsUrl: `${base}/acs`, spEntityId: `${base}/metadata`, metadataUrl: `${base}/metadata` }
        : { callbackUrl: `${base}/callback` };
    return {
      id: idp.id,
      slug: idp.slug,
      name: idp.name,
      type: idp.type,
      enabled: idp.enabled,
      syncPaused: idp.syncPaused,
      ...publicConfig(idp),
      ...linkingView(idp),
      hasClientSecret: !!this.openSecrets(idp).clientSecret,
      ...(idp.config.graph
        ? {
            graph: {
              ...idp.config.graph,
              hasClientSecret: !!this.openSecrets(idp).graphClientSecret,
            },
          }
        : {}),
      groupSync: idp.groupSync,
      leavers: leaversSettings(idp.config),
      leaversNextRunAt: idp.leaversNextRunAt?.toISOString() ?? null,
      ...idpHealthView(idp),
      loginUrl: `${base}/login`,
      ...urls,
      createdAt: idp.createdAt.toISOString(),
      updatedAt: idp.updatedAt.toISOString(),
    };
  }
}

/**
 * The stored settings with a PATCH applied. New metadata (pasted or fetched) replaces the explicit
 * fields it describes; pasted metadata or explicit fields end reading a metadata URL (the admin took over).
 */
function mergedConfig(idp: IdentityProvider, dto: IdentityProviderSettingsDto, fetched?: string) {
  const config = protocolConfig(idp.type, dto, idp.config);
  if (dto.metadataXml !== undefined || fetched !== undefined)
    for (const k of ['entityId', 'ssoUrl', 'ssoBinding', 'certificates']) if (!(k in dto)) delete config[k];
  const takenOver = ['metadataXml', 'entityId', 'ssoUrl', 'certificates'].some(
    (k) => k in dto && dto[k as 'ssoUrl'] !== undefined,
  );
  if (dto.idpMetadataUrl === null || (takenOver && !dto.idpMetadataUrl)) delete config.idpMetadataUrl;
  return withMetadata(dto, config, fetched);
}

/** The linking settings as they apply (lower-cased domains, the safe reading of a missing value). */
function linkingView(idp: IdentityProvider) {
  const { accountLinking, verifiedDomains } = linkingSettingsOf(idp.config);
  return { accountLinking, verifiedDomains };
}

/** What the audit log keeps of an IdP: settings without secrets or the bulky metadata document. */
const auditView = (idp: IdentityProvider) => ({
  slug: idp.slug,
  name: idp.name,
  type: idp.type,
  enabled: idp.enabled,
  syncPaused: idp.syncPaused,
  config: publicConfig(idp),
  groupSync: idp.groupSync,
  hasSecrets: idp.secrets !== null,
});

const slugTaken = (slug: string) =>
  conflict(
    'identity_provider_slug_taken',
    `An identity provider with slug "${slug}" already exists in this tenant`,
  );
