import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { registerWorkerRegistry } from './cluster-metrics';
import { ShutdownDrain } from './drain';
import { SyncChangeCounter } from './sync-change-counter';

export type SignInProtocol = 'saml' | 'oidc';
export type SignInOutcome = 'success' | 'refused' | 'rate_limited' | 'error';

/** The event-loop delay sampling timer's interval. */
const LAG_RESOLUTION_MS = 10;
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The Prometheus metrics of one process. Label values come from fixed sets (protocol, outcome, kind,
 * HTTP status, route templates such as /sso/:tenant/:idp/acs): never a tenant slug, an email or an
 * id, so the series count stays bounded and the metrics endpoint reveals no customer.
 */
@Injectable()
export class MetricsService implements OnModuleDestroy {
  readonly registry = new Registry();
  private readonly loopDelay = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  private readonly signIns = new Counter({
    name: 'groupsync_sign_ins_total',
    help: 'Sign-ins answered, by protocol and outcome',
    labelNames: ['protocol', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly signInSeconds = new Histogram({
    name: 'groupsync_sign_in_duration_seconds',
    help: 'Time to answer a SAML ACS post or an OIDC callback (validation, sync, session)',
    labelNames: ['protocol', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly syncChanges = new Counter({
    name: 'groupsync_sync_changes_total',
    help: 'Membership and admin changes written, by kind and by who caused them',
    labelNames: ['kind', 'actor'] as const,
    registers: [this.registry],
  });
  private readonly scimRequests = new Counter({
    name: 'groupsync_scim_requests_total',
    help: 'SCIM requests answered, by resource, method and HTTP status',
    labelNames: ['resource', 'method', 'status'] as const,
    registers: [this.registry],
  });
  private readonly httpSeconds = new Histogram({
    name: 'groupsync_http_request_duration_seconds',
    help: 'HTTP request latency by route template, method and status class',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor(@InjectDataSource() dataSource: DataSource, drain: ShutdownDrain) {
    // Event-loop lag (nodejs_eventloop_lag_p99_seconds ...), heap, CPU, handles.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
    registerWorkerRegistry(this.registry);
    this.worstEventLoopLag();
    dataSource.subscribers.push(new SyncChangeCounter(this));
    new Gauge({
      name: 'groupsync_http_requests_in_flight',
      help: 'Requests being answered now (this scrape included); a stop waits for them',
      registers: [this.registry],
      collect() {
        this.set(drain.active);
      },
    });
    const pool = () => poolOf(dataSource);
    new Gauge({
      name: 'groupsync_db_pool_connections',
      help: 'PostgreSQL pool connections of this process: open, idle, and requests waiting for one',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const p = pool();
        if (!p) return;
        this.set({ state: 'open' }, p.totalCount);
        this.set({ state: 'idle' }, p.idleCount);
        this.set({ state: 'waiting' }, p.waitingCount);
      },
    });
    new Gauge({
      name: 'groupsync_db_pool_max',
      help: 'DATABASE_POOL_SIZE: the most connections this process opens',
      registers: [this.registry],
      collect() {
        const p = pool();
        if (p) this.set(p.options.max);
      },
    });
  }

  /**
   * prom-client's nodejs_eventloop_lag_p99_seconds is averaged over the workers when the primary
   * gathers them, which hides one saturated worker: this one is their maximum, and counts only the
   * delay beyond the sampling timer's own 10 ms. Both restart at each scrape.
   */
  private worstEventLoopLag(): void {
    const delay = this.loopDelay;
    delay.enable();
    new Gauge({
      name: 'groupsync_eventloop_lag_p99_seconds',
      help: 'p99 event-loop delay since the previous scrape, beyond the 10 ms sampling interval; the worst worker',
      aggregator: 'max',
      registers: [this.registry],
      collect() {
        const p99 = delay.count > 0 ? delay.percentile(99) / 1e6 - LAG_RESOLUTION_MS : 0;
        this.set(Math.max(0, p99) / 1000);
        delay.reset();
      },
    });
  }

  onModuleDestroy(): void {
    this.loopDelay.disable();
  }

  recordSignIn(protocol: SignInProtocol, outcome: SignInOutcome, seconds: number): void {
    this.signIns.inc({ protocol, outcome });
    this.signInSeconds.observe({ protocol, outcome }, seconds);
  }

  recordSyncChanges(kind: string, actor: string, count = 1): void {
    this.syncChanges.inc({ kind, actor }, count);
  }

  recordScimRequest(resource: string, method: string, status: number): void {
    this.scimRequests.inc({ resource, method, status: String(status) });
  }

  recordHttp(route: string, method: string, status: number, seconds: number): void {
    this.httpSeconds.observe({ route, method, status: `${Math.floor(status / 100)}xx` }, seconds);
  }
}

interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options: { max: number };
}

function poolOf(dataSource: DataSource): PgPool | undefined {
  if (dataSource.options.type !== 'postgres' || !dataSource.isInitialized) return undefined;
  return (dataSource.driver as unknown as { master?: PgPool }).master;
}
