import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { constantTimeEqual, newToken, sha256Hex } from '../common/crypto';
import { AppError, notFound } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { AllConfigType } from '../config/configuration';
import { insertRows } from '../database/insert';
import { Transactions } from '../database/transactions.service';
import { findIdp } from '../identity-providers/find-idp';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import { Tenant } from '../tenants/tenant.entity';
import { ScimToken } from './scim-token.entity';

const SCIM_TOKEN_PREFIX = 'gss';
const LAST_USED_RESOLUTION_MS = 60_000;

export interface ScimCaller {
  tenant: Tenant;
  idp: IdentityProvider;
  token: ScimToken;
  /** How many other IdPs the tenant had when the request's token was checked. */
  otherIdps: number;
}

/** SCIM bearer tokens: one IdP connection each, hashed at rest, shown once, revocable. */
@Injectable()
export class ScimTokensService {
  private readonly publicUrl: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    config: ConfigService<AllConfigType, true>,
  ) {
    this.publicUrl = config.get('app.publicUrl', { infer: true });
  }

  baseUrl(tenant: Tenant): string {
    return `${this.publicUrl}/scim/v2/${tenant.slug}`;
  }

  toResponse(tenant: Tenant, t: ScimToken, idpSlug: string) {
    return {
      id: t.id,
      idp: idpSlug,
      name: t.name,
      tokenPrefix: t.tokenPrefix,
      scimBaseUrl: this.baseUrl(tenant),
      createdAt: t.createdAt.toISOString(),
      lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
      revokedAt: t.revokedAt?.toISOString() ?? null,
    };
  }

  async create(tenant: Tenant, idpRef: string, name: string, ctx: RequestContext) {
    const token = newToken(SCIM_TOKEN_PREFIX);
    return this.tx.run(async (em) => {
      const idp = await findIdp(em, tenant.id, idpRef);
      if (!idp) throw notFound('Identity provider', idpRef);
      const row = em.create(ScimToken, {
        tenantId: tenant.id,
        idpId: idp.id,
        name,
        tokenHash: sha256Hex(token),
        tokenPrefix: token.slice(0, 12),
      });
      await insertRows(em, ScimToken, row);
      await this.audit.record(em, ctx, tenant.id, {
        action: 'scim_token.created',
        targetType: 'scim_token',
        targetId: row.id,
        after: { name, idp: idp.slug, tokenPrefix: row.tokenPrefix },
      });
      return { ...this.toResponse(tenant, row, idp.slug), token };
    });
  }

  async list(tenant: Tenant) {
    const [tokens, idps] = await Promise.all([
      this.dataSource
        .getRepository(ScimToken)
        .find({ where: { tenantId: tenant.id }, order: { createdAt: 'ASC' } }),
      this.dataSource
        .getRepository(IdentityProvider)
        .find({ where: { tenantId: tenant.id }, select: { id: true, slug: true } }),
    ]);
    const slug = new Map(idps.map((i) => [i.id, i.slug]));
    return tokens.map((t) => this.toResponse(tenant, t, slug.get(t.idpId) ?? ''));
  }

  async revoke(tenant: Tenant, id: string, ctx: RequestContext): Promise<void> {
    await this.tx.run(async (em) => {
      const token = await em.findOneBy(ScimToken, { id, tenantId: tenant.id, revokedAt: IsNull() });
      if (!token) throw notFound('SCIM token', id);
      await em.update(ScimToken, { id }, { revokedAt: new Date() });
      await this.audit.record(em, ctx, tenant.id, {
        action: 'scim_token.revoked',
        targetType: 'scim_token',
        targetId: id,
        before: { name: token.name, tokenPrefix: token.tokenPrefix },
      });
    });
  }

  /**
   * The caller behind a bearer token at /scim/v2/:tenant. 401 for an unknown or revoked token,
   * 403 for another tenant's token, 401 when its IdP connection is turned off.
   */
  async authenticate(authorization: string | undefined, tenantSlug: string): Promise<ScimCaller> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) throw new AppError('unauthorized', 'A SCIM bearer token is required');
    const hash = sha256Hex(match[1]);
    // Token, tenant and IdP in one statement (every SCIM request pays it), read fresh each time:
    // a revoked token or a turned-off IdP holds on every process at once.
    // The count of the tenant's other IdPs rides along: a user write reads their domains only when
    // there are some (most workspaces have one IdP).
    const {
      entities: [token],
      raw: [row],
    } = await this.dataSource
      .getRepository(ScimToken)
      .createQueryBuilder('s')
      .innerJoinAndSelect('s.tenant', 't')
      .innerJoinAndSelect('s.idp', 'i')
      .addSelect(
        (sub) =>
          sub
            .select('COUNT(*)')
            .from(IdentityProvider, 'o')
            .where('o.tenantId = s.tenantId AND o.id <> s.idpId'),
        'other_idps',
      )
      .where('s.tokenHash = :hash AND s.revokedAt IS NULL', { hash })
      .getRawAndEntities<{ other_idps: number | string }>();
    if (!token || !constantTimeEqual(token.tokenHash, hash))
      throw new AppError('unauthorized', 'The SCIM token is not valid or was revoked');
    const { tenant, idp } = token;
    delete token.tenant;
    delete token.idp;
    if (!tenant || tenant.slug !== tenantSlug)
      throw new AppError('forbidden', 'This SCIM token belongs to another workspace');
    if (!idp || !idp.enabled)
      throw new AppError('unauthorized', 'The identity provider of this SCIM token is turned off');
    const now = new Date();
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.dataSource.getRepository(ScimToken).update({ id: token.id }, { lastUsedAt: now });
    }
    return { tenant, idp, token, otherIdps: Number(row.other_idps) };
  }
}
