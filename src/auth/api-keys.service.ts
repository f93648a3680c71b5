import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { constantTimeEqual, newToken, sha256Hex } from '../common/crypto';
import { notFound } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { Transactions } from '../database/transactions.service';
import { ApiKey } from './api-key.entity';
import { insertRows } from '../database/insert';

export const API_KEY_PREFIX = 'gsk';
const LAST_USED_RESOLUTION_MS = 60_000;

export const toApiKeyResponse = (k: ApiKey) => ({
  id: k.id,
  name: k.name,
  tokenPrefix: k.tokenPrefix,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
  ) {}

  async create(tenantId: string, name: string, ctx: RequestContext): Promise<{ key: ApiKey; token: string }> {
    const token = newToken(API_KEY_PREFIX);
    const key = await this.tx.run(async (em) => {
      const row = em.create(ApiKey, {
        tenantId,
        name,
        tokenHash: sha256Hex(token),
        tokenPrefix: token.slice(0, 12),
      });
      await insertRows(em, ApiKey, row);
      await this.audit.record(em, ctx, tenantId, {
        action: 'api_key.created',
        targetType: 'api_key',
        targetId: row.id,
        after: { name, tokenPrefix: row.tokenPrefix },
      });
      return row;
    });
    return { key, token };
  }

  list(tenantId: string): Promise<ApiKey[]> {
    return this.dataSource.getRepository(ApiKey).find({ where: { tenantId }, order: { createdAt: 'ASC' } });
  }

  async revoke(tenantId: string, id: string, ctx: RequestContext): Promise<void> {
    await this.tx.run(async (em) => {
      const key = await em.findOneBy(ApiKey, { id, tenantId, revokedAt: IsNull() });
      if (!key) throw notFound('API key', id);
      key.revokedAt = new Date();
      await em.save(key);
      await this.audit.record(em, ctx, tenantId, {
        action: 'api_key.revoked',
        targetType: 'api_key',
        targetId: id,
        before: { name: key.name, tokenPrefix: key.tokenPrefix },
      });
    });
  }

  /** The live key for a presented token, or null. The lookup is by hash; the compare is constant-time. */
  async verify(token: string): Promise<ApiKey | null> {
    const hash = sha256Hex(token);
    const key = await this.dataSource
      .getRepository(ApiKey)
      .findOneBy({ tokenHash: hash, revokedAt: IsNull() });
    if (!key || !constantTimeEqual(key.tokenHash, hash)) return null;
    const now = new Date();
    // Coarse last-used time: one write a minute per key, not one per request.
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.dataSource.getRepository(ApiKey).update({ id: key.id }, { lastUsedAt: now });
    }
    return key;
  }
}
