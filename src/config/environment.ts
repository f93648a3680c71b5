import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';

/**
 * Every environment variable the service reads, with its check. configuration.ts turns them into
 * the typed AllConfigType; nothing else in src/ reads process.env (test/unit/config-only.spec.ts).
 */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export class EnvironmentVariables {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'PORT must be a whole number' })
  @Min(1)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @Matches(/^https?:\/\/[^/\s]+(\/[^\s]*)?$/, {
    message: 'PUBLIC_URL must be an http(s) URL such as https://sso.example.com',
  })
  PUBLIC_URL?: string;

  @IsOptional()
  @Matches(/^(postgres(ql)?:\/\/.+|sqlite:.+)$/i, {
    message: 'DATABASE_URL must be postgres://user:pass@host:5432/db or sqlite:./path/to/file.sqlite',
  })
  DATABASE_URL?: string;

  @IsOptional()
  @IsString()
  @MinLength(24, { message: 'ADMIN_TOKEN must be at least 24 characters long' })
  ADMIN_TOKEN?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'SECRET_KEY must be at least 32 characters long' })
  SECRET_KEY?: string;

  @IsOptional()
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL?: (typeof LOG_LEVELS)[number];

  /** Removed: the logs are always JSON (one line per event); pipe them through pino-pretty to read them. */
  @IsOptional()
  @Matches(/^false$/i, {
    message:
      'LOG_PRETTY=true is not supported: logs are always JSON lines (pipe them through pino-pretty to read them)',
  })
  LOG_PRETTY?: string;

  @IsOptional()
  @Matches(/^(true|false)$/, { message: 'LOG_SQL must be true or false' })
  LOG_SQL?: string;

  @IsOptional()
  @Matches(/^(true|false)$/, { message: 'DEV_IDP must be true or false' })
  DEV_IDP?: string;

  @IsOptional()
  @IsString()
  DEV_IDP_KEY_FILE?: string;

  @IsOptional()
  @Matches(/^(true|false)$/, { message: 'ALLOW_PRIVATE_NETWORK must be true or false' })
  ALLOW_PRIVATE_NETWORK?: string;

  @IsOptional()
  @IsString()
  SECRET_KEY_FILE?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'SECRET_KEY_PREVIOUS must be at least 32 characters long' })
  SECRET_KEY_PREVIOUS?: string;

  @IsOptional()
  @IsString()
  LOG_FILE?: string;

  @IsOptional()
  @IsString()
  CONFIG_FILE?: string;

  @IsOptional()
  @Matches(/^(true|false|[0-9])$/i, {
    message: 'TRUST_PROXY must be false, true (one reverse proxy) or the number of proxies in front (0-9)',
  })
  TRUST_PROXY?: string;

  @IsOptional()
  @IsString()
  NODE_ENV?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'RATE_LIMIT_WINDOW_SECONDS must be a whole number' })
  @Min(1)
  @Max(3600)
  RATE_LIMIT_WINDOW_SECONDS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'RATE_LIMIT_SSO_PER_ADDRESS must be a whole number' })
  @Min(1)
  RATE_LIMIT_SSO_PER_ADDRESS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'RATE_LIMIT_SSO_PER_TENANT must be a whole number' })
  @Min(1)
  RATE_LIMIT_SSO_PER_TENANT?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS must be a whole number' })
  @Min(1)
  RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'DATABASE_POOL_SIZE must be a whole number' })
  @Min(1)
  @Max(500)
  DATABASE_POOL_SIZE?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'DATABASE_CONNECT_RETRIES must be a whole number' })
  @Min(0)
  @Max(1000)
  DATABASE_CONNECT_RETRIES?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'DATABASE_CONNECT_RETRY_SECONDS must be a whole number' })
  @Min(1)
  @Max(300)
  DATABASE_CONNECT_RETRY_SECONDS?: number;

  @IsOptional()
  @Matches(/^(auto|[1-9][0-9]?)$/, { message: 'WORKERS must be auto or a number of processes from 1 to 99' })
  WORKERS?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'METRICS_PORT must be a whole number' })
  @Min(1)
  @Max(65535)
  METRICS_PORT?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'SHUTDOWN_TIMEOUT_SECONDS must be a whole number' })
  @Min(0)
  @Max(3600)
  SHUTDOWN_TIMEOUT_SECONDS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'HTTP_KEEP_ALIVE_SECONDS must be a whole number' })
  @Min(1)
  @Max(3600)
  HTTP_KEEP_ALIVE_SECONDS?: number;

  @IsOptional()
  @Matches(/^rediss?:\/\/.+$/i, { message: 'REDIS_URL must be redis://host:6379 or rediss://host:6380' })
  REDIS_URL?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9:_.-]{0,64}$/, {
    message: 'REDIS_KEY_PREFIX may hold letters, digits and : _ . - (at most 64)',
  })
  REDIS_KEY_PREFIX?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'RETENTION_AUDIT_DAYS must be a whole number' })
  @Min(1)
  RETENTION_AUDIT_DAYS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'RETENTION_REFUSED_SIGN_IN_DAYS must be a whole number' })
  @Min(1)
  RETENTION_REFUSED_SIGN_IN_DAYS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'RETENTION_JOB_DAYS must be a whole number' })
  @Min(1)
  @Max(3650)
  RETENTION_JOB_DAYS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'LEAVERS_INTERVAL_MINUTES must be a whole number' })
  @Min(0)
  @Max(1440)
  LEAVERS_INTERVAL_MINUTES?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'RETENTION_INTERVAL_MINUTES must be a whole number' })
  @Min(0)
  @Max(10080)
  RETENTION_INTERVAL_MINUTES?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'RETENTION_BATCH_SIZE must be a whole number' })
  @Min(1)
  @Max(10000)
  RETENTION_BATCH_SIZE?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'GRACE_SWEEP_SECONDS must be a whole number' })
  @Min(0)
  @Max(86400)
  GRACE_SWEEP_SECONDS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'JOBS_POLL_MS must be a whole number' })
  @Min(0)
  @Max(3600000)
  JOBS_POLL_MS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'JOBS_LEASE_SECONDS must be a whole number' })
  @Min(1)
  @Max(3600)
  JOBS_LEASE_SECONDS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'JOBS_MAX_ATTEMPTS must be a whole number' })
  @Min(1)
  @Max(100)
  JOBS_MAX_ATTEMPTS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'JOBS_RECONCILE_THRESHOLD must be a whole number' })
  @Min(0)
  @Max(10000000)
  JOBS_RECONCILE_THRESHOLD?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'METADATA_REFRESH_MINUTES must be a whole number' })
  @Min(0)
  @Max(10080)
  METADATA_REFRESH_MINUTES?: number;

  @IsOptional()
  @Matches(/^(true|false)$/, { message: 'IDP_DISCOVERY_CHECK must be true or false' })
  IDP_DISCOVERY_CHECK?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'WEBHOOK_POLL_MS must be a whole number' })
  @Min(0)
  @Max(3600000)
  WEBHOOK_POLL_MS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'WEBHOOK_TIMEOUT_MS must be a whole number' })
  @Min(100)
  @Max(60000)
  WEBHOOK_TIMEOUT_MS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'WEBHOOK_LEASE_SECONDS must be a whole number' })
  @Min(1)
  @Max(3600)
  WEBHOOK_LEASE_SECONDS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'WEBHOOK_RETRY_BASE_MS must be a whole number' })
  @Min(10)
  @Max(86400000)
  WEBHOOK_RETRY_BASE_MS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'WEBHOOK_RETRY_MAX_MS must be a whole number' })
  @Min(10)
  @Max(86400000)
  WEBHOOK_RETRY_MAX_MS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'WEBHOOK_MAX_AGE_SECONDS must be a whole number' })
  @Min(1)
  @Max(2592000)
  WEBHOOK_MAX_AGE_SECONDS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'RETENTION_WEBHOOK_DELIVERY_DAYS must be a whole number' })
  @Min(1)
  @Max(36500)
  RETENTION_WEBHOOK_DELIVERY_DAYS?: number;
}
