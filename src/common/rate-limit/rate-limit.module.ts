import { Global, Inject, Module, OnApplicationShutdown, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { AllConfigType } from '../../config/configuration';
import { FailedCredentialsLimiter } from './failed-credentials';
import { DatabaseRateLimitStore, RATE_LIMIT_STORE } from './rate-limit.store';
import { RateLimiter } from './rate-limiter';
import { RedisRateLimitStore } from './redis-rate-limit.store';

const REDIS = Symbol('REDIS');

/**
 * Global: the SSO routes and both credential guards share one limiter. Counters live where every
 * process sees them: in Redis when REDIS_URL is set, else in the database.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AllConfigType, true>) => {
        const redis = config.get('ops.redis', { infer: true });
        // A bounded wait: a rate-limit check must not hang a sign-in while Redis is away.
        return redis ? new Redis(redis.url, { maxRetriesPerRequest: 2, connectTimeout: 2000 }) : null;
      },
    },
    {
      provide: RATE_LIMIT_STORE,
      inject: [getDataSourceToken(), ConfigService, REDIS],
      useFactory: (
        dataSource: DataSource,
        config: ConfigService<AllConfigType, true>,
        redis: Redis | null,
      ) =>
        redis
          ? new RedisRateLimitStore(redis, config.get('ops.redis', { infer: true })!.keyPrefix)
          : new DatabaseRateLimitStore(dataSource),
    },
    RateLimiter,
    FailedCredentialsLimiter,
  ],
  exports: [RateLimiter, FailedCredentialsLimiter],
})
export class RateLimitModule implements OnApplicationShutdown {
  constructor(@Optional() @Inject(REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}
