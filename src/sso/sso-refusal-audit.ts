import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, MoreThanOrEqual } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditEvent } from '../audit/audit-event.entity';
import { AuditService } from '../audit/audit.service';
import { RateLimiter } from '../common/rate-limit/rate-limiter';
import type { RequestContext } from '../common/request-context';
import { Transactions } from '../database/transactions.service';
import type { IdentityProvider } from '../identity-providers/identity-provider.entity';
import type { Tenant } from '../tenants/tenant.entity';
import { SignInRefusal } from './sign-in-refusal';

const ACTION = 'sso.sign_in_refused';
/** One aggregated event per IdP and refusal code per minute. */
const AGGREGATION = { name: 'sso-refusal-audit', limit: 1, windowSeconds: 60 };

/**
 * Audit events for refused sign-ins. Refusals anyone can cause (before a valid signature or token)
 * are folded: the first of a minute is written at once, later ones of the same IdP and code update
 * that event's `count` and `lastAt`, so the audit table grows by at most one row per IdP, code and
 * minute however many posts arrive. Refusals of an identified person stay one event each.
 */
@Injectable()
export class SsoRefusalAudit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly tx: Transactions,
    private readonly limiter: RateLimiter,
  ) {}

  async record(
    tenant: Tenant,
    idp: IdentityProvider,
    ctx: RequestContext,
    refusal: SignInRefusal,
  ): Promise<void> {
    const details = {
      idp: idp.slug,
      code: refusal.code,
      reason: refusal.reason,
      detail: refusal.detail ?? null,
    };
    const write = (extra: object) =>
      this.tx.run((em) =>
        this.audit.record(em, { ...ctx, actor: { type: 'idp', id: idp.id, label: idp.slug } }, tenant.id, {
          action: ACTION,
          targetType: 'identity_provider',
          targetId: idp.id,
          details: { ...details, ...extra },
        }),
      );
    if (!refusal.unauthenticated) return write({});
    const now = new Date();
    const verdict = await this.limiter.hit(AGGREGATION, `${idp.id}:${refusal.code}`, now.getTime());
    const folded = {
      aggregated: true,
      count: verdict.count,
      firstAt: now.toISOString(),
      lastAt: now.toISOString(),
    };
    if (verdict.count === 1) return write(folded);
    const event = await this.openEvent(tenant.id, idp.id, refusal.code, verdict.windowStart);
    // Not there yet (the first writer has not committed) or gone: one more row, still bounded.
    if (!event?.details) return write(folded);
    const count = Math.max(Number(event.details.count ?? 1), verdict.count);
    const updated = {
      ...event.details,
      count,
      lastAt: now.toISOString(),
      lastCorrelationId: ctx.correlationId,
      detail: refusal.detail ?? null,
    };
    // TypeORM's partial-entity type rejects JSON columns typed as records (as in database/insert.ts).
    await this.dataSource.getRepository(AuditEvent).update({ id: event.id, tenantId: tenant.id }, {
      details: updated,
    } as QueryDeepPartialEntity<AuditEvent>);
  }

  /** This minute's aggregated event of the IdP and code (at most a few rows per IdP and minute). */
  private async openEvent(tenantId: string, idpId: string, code: string, since: Date) {
    const events = await this.dataSource.getRepository(AuditEvent).find({
      where: { tenantId, action: ACTION, targetId: idpId, createdAt: MoreThanOrEqual(since) },
      order: { id: 'ASC' },
      take: 100,
    });
    return events.find((e) => e.details?.code === code && e.details?.aggregated === true);
  }
}
