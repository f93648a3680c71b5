import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThanOrEqual } from 'typeorm';
import { newId } from '../../common/ids';
import type { RequestContext } from '../../common/request-context';
import type { AllConfigType } from '../../config/configuration';
import { PeriodicRound } from '../../database/periodic-round';
import { IdentityProvider } from '../../identity-providers/identity-provider.entity';
import { Tenant } from '../../tenants/tenant.entity';
import { GraphRefreshService } from './graph-refresh.service';
import { InactivityService } from './inactivity.service';
import { leaversIntervalHours, leaversSettings } from './leavers-settings';

/** IdPs one tick takes on; the rest are due still and go at the next tick. */
const IDPS_PER_TICK = 20;

/**
 * The scheduled leaver runs: every LEAVERS_INTERVAL_MINUTES, the IdPs whose `leaversNextRunAt` has
 * passed are claimed and run (Graph refresh, then the inactivity rule). Several processes may tick
 * at once: an IdP is claimed by moving its `leaversNextRunAt` forward with a compare-and-set UPDATE
 * (`WHERE leaversNextRunAt = <the value read>`), which one process wins on both dialects (PostgreSQL
 * re-checks the WHERE after waiting for a concurrent update), so no run happens twice.
 */
@Injectable()
export class LeaversScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Leavers');
  private readonly rounds: PeriodicRound;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly graph: GraphRefreshService,
    private readonly inactivity: InactivityService,
    config: ConfigService<AllConfigType, true>,
  ) {
    // No advisory lock: each IdP's run is claimed on its own (claim below), so processes share the work.
    this.rounds = new PeriodicRound({
      name: 'Leaver schedule',
      logger: this.logger,
      everyMs: config.get('ops.leaversIntervalMinutes', { infer: true }) * 60_000,
      round: () => this.runDue(),
    });
  }

  onApplicationBootstrap(): void {
    this.rounds.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.rounds.stop();
  }

  /** Runs every IdP due at `now` that this process claims; returns the slugs it ran. */
  async runDue(now = new Date()): Promise<string[]> {
    const due = await this.dataSource.getRepository(IdentityProvider).find({
      where: { leaversNextRunAt: LessThanOrEqual(now) },
      order: { leaversNextRunAt: 'ASC', id: 'ASC' },
      take: IDPS_PER_TICK,
    });
    const ran: string[] = [];
    for (const idp of due) {
      if (!(await this.claim(idp, now))) continue;
      try {
        if (await this.runOne(idp)) ran.push(idp.slug);
      } catch (error) {
        this.logger.warn({ msg: 'Leaver run failed', idp: idp.slug, cause: (error as Error).message });
      }
    }
    return ran;
  }

  /** Moves the IdP's next run one interval on, only if no other process did since we read it. */
  private async claim(idp: IdentityProvider, now: Date): Promise<boolean> {
    const hours = leaversIntervalHours(leaversSettings(idp.config));
    const next = hours === null ? null : new Date(now.getTime() + hours * 3_600_000);
    const result = await this.dataSource
      .createQueryBuilder()
      .update(IdentityProvider)
      .set({ leaversNextRunAt: next })
      .where('id = :id AND "leaversNextRunAt" = :seen', { id: idp.id, seen: idp.leaversNextRunAt })
      .execute();
    return result.affected === 1 && hours !== null;
  }

  private async runOne(idp: IdentityProvider): Promise<boolean> {
    const tenant = await this.dataSource.getRepository(Tenant).findOneBy({ id: idp.tenantId });
    if (!tenant) return false;
    const ctx: RequestContext = {
      correlationId: newId(),
      ip: null,
      userAgent: null,
      actor: { type: 'system', id: null, label: 'leavers schedule' },
    };
    const settings = leaversSettings(idp.config);
    if (settings.graphRefreshHours !== null) await this.graph.run(tenant, idp, { dryRun: false }, ctx);
    if (settings.blockNotSeenDays !== null) await this.inactivity.run(tenant, idp, { dryRun: false }, ctx);
    return true;
  }
}
