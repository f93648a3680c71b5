import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { conflict } from '../../common/errors';
import type { RequestContext } from '../../common/request-context';
import { inChunks, USERS_PER_TRANSACTION } from '../../database/chunks';
import { Transactions } from '../../database/transactions.service';
import type { IdentityProvider } from '../../identity-providers/identity-provider.entity';
import type { Tenant } from '../../tenants/tenant.entity';
import { User } from '../../users/user.entity';
import { blockUsers } from './block-users';
import { cutoffFor, usersNotSeenSince } from './leaver-candidates';
import { leaversSettings } from './leavers-settings';

const LISTED_USERS = 1000;

export interface InactivityResult {
  dryRun: boolean;
  notSeenDays: number;
  /** Dry run: users who would be blocked; otherwise users blocked. */
  usersBlocked: number;
  /** The users (first 1,000), with when they were last seen. */
  users: { userId: string; email: string; lastSeenAt: string }[];
}

/**
 * The inactivity rule for any IdP: blocks this IdP's users not seen (sign-in through any IdP, or
 * SCIM write) for `blockNotSeenDays`. Each batch is re-checked under the users' row locks, so a
 * user who signs in while the run goes is not blocked.
 */
@Injectable()
export class InactivityService {
  private readonly logger = new Logger('Leavers');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
  ) {}

  /** `notSeenDays` overrides the setting in a dry run: an admin previews before turning the rule on. */
  async run(
    tenant: Pick<Tenant, 'id' | 'slug'>,
    idp: IdentityProvider,
    options: { dryRun: boolean; notSeenDays?: number },
    ctx: RequestContext,
  ): Promise<InactivityResult> {
    const days =
      (options.dryRun ? options.notSeenDays : undefined) ?? leaversSettings(idp.config).blockNotSeenDays;
    if (days === null)
      throw conflict(
        'leavers_not_configured',
        `The inactivity rule of "${idp.slug}" is off: set leavers.blockNotSeenDays (or preview with ?dryRun=true&notSeenDays=N)`,
      );
    const cutoff = cutoffFor(days, new Date());
    const candidates = await usersNotSeenSince(this.dataSource.manager, tenant.id, idp.id, cutoff);
    const result: InactivityResult = {
      dryRun: options.dryRun,
      notSeenDays: days,
      usersBlocked: 0,
      users: [],
    };
    const list = (users: { id: string; email: string; seenAt: Date }[]) => {
      result.usersBlocked += users.length;
      for (const u of users.slice(0, LISTED_USERS - result.users.length))
        result.users.push({ userId: u.id, email: u.email, lastSeenAt: u.seenAt.toISOString() });
    };
    if (options.dryRun) {
      list(candidates);
      return result;
    }
    for (const batch of inChunks(
      candidates.map((c) => c.id),
      USERS_PER_TRANSACTION,
    ))
      list(await this.blockBatch(tenant.id, idp, batch, cutoff, days, ctx));
    await this.recordRun(tenant, idp, result, ctx);
    return result;
  }

  /** Blocks the batch's users still active and still unseen, under their row locks. */
  private blockBatch(
    tenantId: string,
    idp: IdentityProvider,
    ids: string[],
    cutoff: Date,
    days: number,
    ctx: RequestContext,
  ) {
    return this.tx.run(async (em) => {
      await this.tx.lockRows(em, 'users', ids);
      const users = (await em.find(User, { where: { tenantId, id: In(ids), status: 'active' } })).filter(
        (u) => (u.lastSeenAt ?? u.createdAt) < cutoff,
      );
      const reason = `not seen (sign-in or SCIM) for ${days} days (inactivity rule of "${idp.slug}")`;
      const entries = await blockUsers(em, tenantId, users, 'inactive', () => ({
        trigger: 'inactivity',
        idp: idp.slug,
        reason,
      }));
      await this.audit.record(em, ctx, tenantId, entries);
      return users.map((u) => ({ id: u.id, email: u.email, seenAt: u.lastSeenAt ?? u.createdAt }));
    });
  }

  private async recordRun(
    tenant: Pick<Tenant, 'id' | 'slug'>,
    idp: IdentityProvider,
    result: InactivityResult,
    ctx: RequestContext,
  ): Promise<void> {
    await this.tx.run((em) =>
      this.audit.record(em, ctx, tenant.id, {
        action: 'sync.inactive_blocked',
        targetType: 'identity_provider',
        targetId: idp.id,
        details: { idp: idp.slug, notSeenDays: result.notSeenDays, usersBlocked: result.usersBlocked },
      }),
    );
    this.logger.log(
      {
        tenant: tenant.slug,
        idp: idp.slug,
        usersBlocked: result.usersBlocked,
        correlationId: ctx.correlationId,
      },
      'Inactivity rule applied',
    );
  }
}
