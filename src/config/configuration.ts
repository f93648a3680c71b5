import { registerAs } from '@nestjs/config';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { availableParallelism } from 'node:os';
import { EnvironmentVariables, LOG_LEVELS } from './environment';

/** A bad setting: main.ts prints the one-line message and exits before anything starts. */
export class ConfigError extends Error {}

interface AppConfig {
  port: number;
  publicUrl: string;
  adminToken: string | undefined;
  secretKey: string | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  /** The built-in development SAML IdP at /dev-idp: off unless DEV_IDP=true. */
  devIdp: { enabled: boolean; keyFile: string };
  /** ALLOW_PRIVATE_NETWORK=true: IdP URLs may point at loopback and private addresses (development, tests). */
  allowPrivateNetwork: boolean;
  /** SECRET_KEY_FILE: where the key is read from (production) or kept once generated (development). */
  secretKeyFile: string | undefined;
  /** SECRET_KEY_PREVIOUS: opens secrets sealed before a key rotation; they are re-sealed with SECRET_KEY. */
  previousSecretKey: string | undefined;
  /** NODE_ENV=production: no generated SECRET_KEY. */
  production: boolean;
  /**
   * Development: not production, and DEV_IDP or ALLOW_PRIVATE_NETWORK on. Only then may an IdP
   * setting use plain http:// (docs/saml.md, "Checked when saved").
   */
  development: boolean;
  /** IDP_DISCOVERY_CHECK=false: an OIDC issuer is saved without reading its discovery document. */
  idpDiscoveryCheck: boolean;
  /** LOG_FILE: logs go to this file instead of stdout. */
  logFile: string | undefined;
  /** CONFIG_FILE: a configuration document applied at start-up (docs/config-as-code.md). */
  configFile: string | undefined;
  /**
   * TRUST_PROXY: how many reverse proxies in front append to X-Forwarded-For (true = 1). 0: the
   * header is ignored, so a client cannot choose its own address for rate limits and audit.
   */
  trustProxyHops: number;
  /** Fixed-window limits per client address / tenant (src/common/rate-limit). */
  rateLimit: RateLimitConfig;
}
interface RateLimitConfig {
  windowSeconds: number;
  /** SSO login, SAML ACS and OIDC callback requests per client address per window. */
  ssoPerAddress: number;
  /** The same, per tenant. */
  ssoPerTenant: number;
  /** Failed bearer credentials (admin API, SCIM) per client address per window. */
  authFailuresPerAddress: number;
}
export interface DatabaseConfig {
  url: string | undefined;
  /** DATABASE_POOL_SIZE: PostgreSQL connections per process. */
  poolSize: number;
  /** LOG_SQL=true: every statement is logged (debugging only: parameters hold personal data). */
  logSql: boolean;
  /** How often and how far apart start-up retries an unreachable database before giving up. */
  connectRetries: number;
  connectRetrySeconds: number;
}
interface OpsConfig {
  /** WORKERS: processes serving the port (PostgreSQL only; auto = one per core). */
  workers: number;
  /** METRICS_PORT: /metrics also (without a token) on this port, meant for a private network. */
  metricsPort: number | undefined;
  /** SHUTDOWN_TIMEOUT_SECONDS: how long SIGTERM waits for in-flight requests before closing. */
  shutdownTimeoutSeconds: number;
  /**
   * HTTP_KEEP_ALIVE_SECONDS: how long an idle kept-alive connection stays open. Longer than any
   * client's or load balancer's own idle timeout, so they close first: a request sent on a
   * connection the service closed at the same moment would be reset (ECONNRESET, or a 502).
   */
  keepAliveSeconds: number;
  /** REDIS_URL: rate-limit counters in Redis instead of the database. */
  redis: { url: string; keyPrefix: string } | undefined;
  retention: RetentionConfig;
  /**
   * LEAVERS_INTERVAL_MINUTES: how often a process looks for IdPs whose leaver run is due
   * (docs/sync.md, "Leavers"); 0 turns the timer off. Default 15, and 0 under NODE_ENV=test.
   */
  leaversIntervalMinutes: number;
  /** GRACE_SWEEP_SECONDS: how often pending removals that are due are applied; 0 turns the job off. */
  graceSweepSeconds: number;
  /**
   * METADATA_REFRESH_MINUTES: how often SAML IdPs with a metadata URL have it read again; 0 turns
   * the timer off. Default 60, and 0 under NODE_ENV=test.
   */
  metadataRefreshMinutes: number;
  jobs: JobsConfig;
  webhooks: WebhooksConfig;
}
/** Webhook delivery (src/webhooks, docs/webhooks.md). */
export interface WebhooksConfig {
  /** WEBHOOK_POLL_MS: how often a process looks for deliveries that are due; 0 turns its worker off. */
  pollMs: number;
  /** WEBHOOK_TIMEOUT_MS: a receiver that has not answered by then counts as failed (retried). */
  timeoutMs: number;
  /** WEBHOOK_LEASE_SECONDS: a claimed delivery whose process died is taken over after this. */
  leaseSeconds: number;
  /** WEBHOOK_RETRY_BASE_MS, WEBHOOK_RETRY_MAX_MS: exponential back-off between attempts, with jitter. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** WEBHOOK_MAX_AGE_SECONDS: an event still failing this long after it was written disables its webhook. */
  maxAgeSeconds: number;
}
/** Background jobs (src/jobs, docs/operations.md "Jobs"). */
interface JobsConfig {
  /** JOBS_POLL_MS: how often a process looks for a job to run; 0 turns its runner off. */
  pollMs: number;
  /** JOBS_LEASE_SECONDS: a running job's process must commit a batch this often, or another takes it over. */
  leaseSeconds: number;
  /** JOBS_MAX_ATTEMPTS: claims (retries after an error or a takeover) before a job is failed. */
  maxAttempts: number;
  /** JOBS_RECONCILE_THRESHOLD: a reconcile over more users than this runs as a job (202). */
  reconcileThreshold: number;
}
export interface RetentionConfig {
  auditDays: number;
  /** Refused sign-ins (audit events of action sso.sign_in_refused) may be kept shorter than the rest. */
  refusedSignInDays: number;
  /** Finished jobs (succeeded, failed, cancelled) and their batch log: kept this many days after they finished. */
  jobDays: number;
  /** 0 turns the pruning job off (another tool prunes, or nothing may be deleted). */
  intervalMinutes: number;
  batchSize: number;
  /** Finished webhook deliveries (delivered or failed) are deleted after this many days. */
  webhookDeliveryDays: number;
}
export interface AllConfigType {
  app: AppConfig;
  database: DatabaseConfig;
  ops: OpsConfig;
}

/** Validates the environment once; the first problem becomes one clear line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AllConfigType {
  // Empty strings count as unset, as docker-compose passes `VAR=` for absent values.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const vars = plainToInstance(EnvironmentVariables, present, { enableImplicitConversion: false });
  const errors = validateSync(vars, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const first = errors[0];
    // class-validator lists constraints last-declared first; the first-declared is the basic type check.
    const message = Object.values(first.constraints ?? {}).pop() ?? `${first.property} is invalid`;
    const secret = /TOKEN|KEY|DATABASE_URL/.test(first.property);
    const shown = secret ? '' : ` (got "${String(env[first.property])}")`;
    throw new ConfigError(`Invalid configuration: ${message}${shown}`);
  }
  if (isProduction(vars.NODE_ENV) && !vars.SECRET_KEY && !vars.SECRET_KEY_FILE) {
    // A generated key would sit beside the data it protects: a copy of one would open the other.
    throw new ConfigError(
      'Invalid configuration: SECRET_KEY or SECRET_KEY_FILE must be set when NODE_ENV=production',
    );
  }
  if (isProduction(vars.NODE_ENV) && vars.DEV_IDP === 'true') {
    // The development IdP signs anyone in as anyone: a warning at start-up is too easy to miss.
    throw new ConfigError('Invalid configuration: DEV_IDP=true is refused when NODE_ENV=production');
  }
  const port = vars.PORT ?? 3000;
  if (vars.METRICS_PORT === port)
    throw new ConfigError(`Invalid configuration: METRICS_PORT must differ from PORT (both ${port})`);
  return {
    app: {
      port,
      publicUrl: (vars.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
      adminToken: vars.ADMIN_TOKEN,
      secretKey: vars.SECRET_KEY,
      logLevel: vars.LOG_LEVEL ?? 'info',
      devIdp: {
        enabled: vars.DEV_IDP === 'true',
        keyFile: vars.DEV_IDP_KEY_FILE ?? './data/dev-idp.pem',
      },
      allowPrivateNetwork: vars.ALLOW_PRIVATE_NETWORK === 'true',
      secretKeyFile: vars.SECRET_KEY_FILE,
      previousSecretKey: vars.SECRET_KEY_PREVIOUS,
      production: isProduction(vars.NODE_ENV),
      development:
        !isProduction(vars.NODE_ENV) && (vars.DEV_IDP === 'true' || vars.ALLOW_PRIVATE_NETWORK === 'true'),
      idpDiscoveryCheck: vars.IDP_DISCOVERY_CHECK !== 'false',
      logFile: vars.LOG_FILE,
      configFile: vars.CONFIG_FILE,
      trustProxyHops: trustProxyHops(vars.TRUST_PROXY),
      rateLimit: {
        windowSeconds: vars.RATE_LIMIT_WINDOW_SECONDS ?? 60,
        ssoPerAddress: vars.RATE_LIMIT_SSO_PER_ADDRESS ?? 600,
        ssoPerTenant: vars.RATE_LIMIT_SSO_PER_TENANT ?? 6000,
        authFailuresPerAddress: vars.RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS ?? 100,
      },
    },
    database: {
      url: vars.DATABASE_URL,
      poolSize: vars.DATABASE_POOL_SIZE ?? 10,
      logSql: vars.LOG_SQL === 'true',
      connectRetries: vars.DATABASE_CONNECT_RETRIES ?? 9,
      connectRetrySeconds: vars.DATABASE_CONNECT_RETRY_SECONDS ?? 3,
    },
    ops: {
      workers: vars.WORKERS === 'auto' ? availableParallelism() : Number(vars.WORKERS ?? 1),
      metricsPort: vars.METRICS_PORT,
      shutdownTimeoutSeconds: vars.SHUTDOWN_TIMEOUT_SECONDS ?? 25,
      keepAliveSeconds: vars.HTTP_KEEP_ALIVE_SECONDS ?? 65,
      redis: vars.REDIS_URL
        ? { url: vars.REDIS_URL, keyPrefix: vars.REDIS_KEY_PREFIX ?? 'groupsync:' }
        : undefined,
      leaversIntervalMinutes: vars.LEAVERS_INTERVAL_MINUTES ?? (vars.NODE_ENV === 'test' ? 0 : 15),
      retention: {
        auditDays: vars.RETENTION_AUDIT_DAYS ?? 365,
        refusedSignInDays: vars.RETENTION_REFUSED_SIGN_IN_DAYS ?? vars.RETENTION_AUDIT_DAYS ?? 365,
        jobDays: vars.RETENTION_JOB_DAYS ?? 30,
        intervalMinutes: vars.RETENTION_INTERVAL_MINUTES ?? 60,
        batchSize: vars.RETENTION_BATCH_SIZE ?? 1000,
        webhookDeliveryDays: vars.RETENTION_WEBHOOK_DELIVERY_DAYS ?? 30,
      },
      graceSweepSeconds: vars.GRACE_SWEEP_SECONDS ?? 60,
      metadataRefreshMinutes: vars.METADATA_REFRESH_MINUTES ?? (vars.NODE_ENV === 'test' ? 0 : 60),
      jobs: {
        pollMs: vars.JOBS_POLL_MS ?? 1000,
        leaseSeconds: vars.JOBS_LEASE_SECONDS ?? 60,
        maxAttempts: vars.JOBS_MAX_ATTEMPTS ?? 3,
        reconcileThreshold: vars.JOBS_RECONCILE_THRESHOLD ?? 500,
      },
      webhooks: {
        pollMs: vars.WEBHOOK_POLL_MS ?? 1000,
        timeoutMs: vars.WEBHOOK_TIMEOUT_MS ?? 10_000,
        leaseSeconds: vars.WEBHOOK_LEASE_SECONDS ?? 60,
        retryBaseMs: vars.WEBHOOK_RETRY_BASE_MS ?? 10_000,
        retryMaxMs: vars.WEBHOOK_RETRY_MAX_MS ?? 3_600_000,
        maxAgeSeconds: vars.WEBHOOK_MAX_AGE_SECONDS ?? 259_200,
      },
    },
  };
}

export const appConfig = registerAs('app', () => loadConfig().app);
export const databaseConfig = registerAs('database', () => loadConfig().database);
export const opsConfig = registerAs('ops', () => loadConfig().ops);

/**
 * The one setting read at import time: entity column types are chosen when the entity files load
 * (database/columns.ts), before any Nest module exists. main.ts validated it already.
 */
export function databaseUrlAtImport(): string | undefined {
  return process.env.DATABASE_URL || undefined;
}

function trustProxyHops(value: string | undefined): number {
  if (value === undefined || /^false$/i.test(value)) return 0;
  if (/^true$/i.test(value)) return 1;
  return Number(value);
}

/** "Production", "prod": an operator who meant production gets production's checks. */
function isProduction(nodeEnv: string | undefined): boolean {
  return /^prod/i.test(nodeEnv?.trim() ?? '');
}
