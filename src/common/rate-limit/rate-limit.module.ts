import { Global, Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FailedCredentialsLimiter } from './failed-credentials';
import { DatabaseRateLimitStore, RATE_LIMIT_STORE } from './rate-limit.store';
import { RateLimiter } from './rate-limiter';

/** Global: the SSO routes and both credential guards share one limiter. */
@Global()
@Module({
  providers: [
    {
      provide: RATE_LIMIT_STORE,
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource) => new DatabaseRateLimitStore(dataSource),
    },
    RateLimiter,
    FailedCredentialsLimiter,
  ],
  exports: [RateLimiter, FailedCredentialsLimiter],
})
export class RateLimitModule {}
