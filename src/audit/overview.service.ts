import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, MoreThanOrEqual } from 'typeorm';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import { StagedRemoval } from '../removal-safety/staged-removal.entity';
import { ScimToken } from '../scim/scim-token.entity';
import { Tenant } from '../tenants/tenant.entity';
import { AuditEvent } from './audit-event.entity';

const DAY_MS = 24 * 3600_000;
const REFUSALS = ['sso.sign_in_refused', 'sync.signup_denied'];
/** Refusal rows read to add up the 24 hours (each row may stand for many folded refusals). */
const REFUSAL_ROWS_CAP = 10_000;

interface OverviewIdp {
  slug: string;
  name: string;
  type: string;
  enabled: boolean;
  lastSignIn: { at: string; userId: string | null; correlationId: string } | null;
  lastRefusal: { at: string; code: string | null; reason: string | null; correlationId: string } | null;
  lastScimRequestAt: string | null;
}

export interface Overview {
  since: string;
  until: string;
  identityProviders: OverviewIdp[];
  /** The removal circuit breaker: open since `trippedAt` while staged removals wait. */
  removalSafety: { trippedAt: string | null; stagedRemovals: number };
  last24h: {
    signIns: number;
    refusals: number;
    membershipsAdded: number;
    roleChanges: number;
    membershipsRemoved: number;
    adminChanges: number;
  };
}

/** Read-only figures for the admin UI's overview, from the audit trail and the SCIM tokens. */
@Injectable()
export class OverviewService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async overview(tenantId: string, now = new Date()): Promise<Overview> {
    const em = this.dataSource.manager;
    const since = new Date(now.getTime() - DAY_MS);
    const idps = await em.find(IdentityProvider, {
      where: { tenantId },
      select: { id: true, slug: true, name: true, type: true, enabled: true },
      order: { slug: 'ASC' },
    });
    const latest = (idpId: string, actions: string[]) =>
      em.findOne(AuditEvent, {
        where: { tenantId, action: In(actions), actorType: 'idp', actorId: idpId },
        order: { id: 'DESC' },
      });
    const perIdp = await Promise.all(
      idps.map(async (idp): Promise<OverviewIdp> => {
        const [signIn, refusal, scim] = await Promise.all([
          latest(idp.id, ['sync.applied']),
          latest(idp.id, REFUSALS),
          em.findOne(ScimToken, {
            where: { tenantId, idpId: idp.id },
            select: { id: true, lastUsedAt: true },
            order: { lastUsedAt: { direction: 'DESC', nulls: 'LAST' } },
          }),
        ]);
        return {
          slug: idp.slug,
          name: idp.name,
          type: idp.type,
          enabled: idp.enabled,
          lastSignIn: signIn
            ? {
                at: signIn.createdAt.toISOString(),
                userId: signIn.userId,
                correlationId: signIn.correlationId,
              }
            : null,
          lastRefusal: refusal
            ? {
                // A folded refusal row says when its last attempt came.
                at:
                  typeof refusal.details?.lastAt === 'string'
                    ? refusal.details.lastAt
                    : refusal.createdAt.toISOString(),
                code: typeof refusal.details?.code === 'string' ? refusal.details.code : null,
                reason: typeof refusal.details?.reason === 'string' ? refusal.details.reason : null,
                correlationId:
                  typeof refusal.details?.lastCorrelationId === 'string'
                    ? refusal.details.lastCorrelationId
                    : refusal.correlationId,
              }
            : null,
          lastScimRequestAt: scim?.lastUsedAt?.toISOString() ?? null,
        };
      }),
    );
    const tenant = await em.findOne(Tenant, {
      where: { id: tenantId },
      select: { id: true, removalBreakerTrippedAt: true },
    });
    return {
      since: since.toISOString(),
      until: now.toISOString(),
      identityProviders: perIdp,
      removalSafety: {
        trippedAt: tenant?.removalBreakerTrippedAt?.toISOString() ?? null,
        stagedRemovals: await em.countBy(StagedRemoval, { tenantId }),
      },
      last24h: await this.counts(tenantId, since),
    };
  }

  private async counts(tenantId: string, since: Date): Promise<Overview['last24h']> {
    const rows = await this.dataSource
      .getRepository(AuditEvent)
      .createQueryBuilder('e')
      .select('e.action', 'action')
      .addSelect('e.actorType', 'actorType')
      .addSelect('COUNT(*)', 'n')
      .where('e.tenantId = :tenantId AND e.createdAt >= :since', { tenantId, since })
      .andWhere('e.action IN (:...actions)', {
        actions: [
          'sync.applied',
          'membership.added',
          'membership.role_changed',
          'membership.removed',
          'user.admin_granted',
          'user.admin_revoked',
        ],
      })
      .groupBy('e.action')
      .addGroupBy('e.actorType')
      .getRawMany<{ action: string; actorType: string; n: string | number }>();
    const count = (pick: (r: { action: string; actorType: string }) => boolean) =>
      rows.filter(pick).reduce((sum, r) => sum + Number(r.n), 0);
    const refusalRows = await this.dataSource.getRepository(AuditEvent).find({
      where: { tenantId, action: In(REFUSALS), createdAt: MoreThanOrEqual(since) },
      select: { id: true, details: true },
      take: REFUSAL_ROWS_CAP,
    });
    return {
      // A sign-in's sync runs as the IdP; reconciles and SCIM pushes run as someone else.
      signIns: count((r) => r.action === 'sync.applied' && r.actorType === 'idp'),
      refusals: refusalRows.reduce((sum, e) => sum + Math.max(1, Number(e.details?.count ?? 1) || 1), 0),
      membershipsAdded: count((r) => r.action === 'membership.added'),
      roleChanges: count((r) => r.action === 'membership.role_changed'),
      membershipsRemoved: count((r) => r.action === 'membership.removed'),
      adminChanges: count((r) => r.action.startsWith('user.admin_')),
    };
  }
}
