import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import type { GroupsyncRequest } from './common/request-context';
import { AllConfigType, appConfig, databaseConfig } from './config/configuration';
import { DatabaseModule } from './database/database.module';
import { DevIdpModule } from './dev-idp/dev-idp.module';
import { GroupLinksModule } from './group-links/group-links.module';
import { GroupsModule } from './groups/groups.module';
import { HealthController } from './health/health.controller';
import { IdentityProvidersModule } from './identity-providers/identity-providers.module';
import { ScimModule } from './scim/scim.module';
import { SsoModule } from './sso/sso.module';
import { SyncModule } from './sync/sync.module';
import { TenantsModule } from './tenants/tenants.module';
import { UsersModule } from './users/users.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [appConfig, databaseConfig] }),
    LoggerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AllConfigType, true>) => ({
        pinoHttp: {
          level: config.get('app.logLevel', { infer: true }),
          genReqId: (req) => (req as GroupsyncRequest).correlationId ?? 'none',
          customProps: (req) => ({ correlationId: (req as GroupsyncRequest).correlationId }),
          // Credentials never reach the log.
          redact: {
            paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
            censor: '[redacted]',
          },
          autoLogging: { ignore: (req) => req.url === '/health' },
        },
      }),
    }),
    DatabaseModule,
    RateLimitModule,
    AuditModule,
    AuthModule,
    TenantsModule,
    IdentityProvidersModule,
    UsersModule,
    GroupsModule,
    GroupLinksModule,
    SyncModule,
    SsoModule,
    DevIdpModule,
    ScimModule,
  ],
  controllers: [HealthController],
  providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
})
export class AppModule {}
