import { registerAs } from '@nestjs/config';
import { plainToInstance, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

/** A bad setting: main.ts prints the one-line message and exits before anything starts. */
export class ConfigError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

class EnvironmentVariables {
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

  @IsOptional()
  @Matches(/^(true|false)$/, { message: 'LOG_PRETTY must be true or false' })
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
}

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
  /** LOG_FILE: logs go to this file instead of stdout. */
  logFile: string | undefined;
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
interface DatabaseConfig {
  url: string | undefined;
}
export interface AllConfigType {
  app: AppConfig;
  database: DatabaseConfig;
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
  const port = vars.PORT ?? 3000;
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
      logFile: vars.LOG_FILE,
      trustProxyHops: trustProxyHops(vars.TRUST_PROXY),
      rateLimit: {
        windowSeconds: vars.RATE_LIMIT_WINDOW_SECONDS ?? 60,
        ssoPerAddress: vars.RATE_LIMIT_SSO_PER_ADDRESS ?? 600,
        ssoPerTenant: vars.RATE_LIMIT_SSO_PER_TENANT ?? 6000,
        authFailuresPerAddress: vars.RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS ?? 100,
      },
    },
    database: { url: vars.DATABASE_URL },
  };
}

export const appConfig = registerAs('app', () => loadConfig().app);
export const databaseConfig = registerAs('database', () => loadConfig().database);

function trustProxyHops(value: string | undefined): number {
  if (value === undefined || /^false$/i.test(value)) return 0;
  if (/^true$/i.test(value)) return 1;
  return Number(value);
}

/** "Production", "prod": an operator who meant production gets production's checks. */
function isProduction(nodeEnv: string | undefined): boolean {
  return /^prod/i.test(nodeEnv?.trim() ?? '');
}
