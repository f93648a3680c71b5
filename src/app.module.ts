import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { AdminUiModule } from './admin-ui/admin-ui.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { CENSOR, REDACTED_PATHS, redactRequest, redactResponse } from './common/log-redaction';
import { OutboundPolicyInitializer } from './common/outbound-policy';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import type { GroupsyncRequest } from './common/request-context';
import { AllConfigType, appConfig, databaseConfig, opsConfig } from './config/configuration';
import { DatabaseModule } from './database/database.module';
import { DevIdpModule } from './dev-idp/dev-idp.module';
import { GroupLinksModule } from './group-links/group-links.module';
import { GroupsModule } from './groups/groups.module';
import { HealthController } from './health/health.controller';
import { UnknownQueryInterceptor } from './common/unknown-query.interceptor';
import { IdentityProvidersModule } from './identity-providers/identity-providers.module';
import { OpsModule } from './ops/ops.module';
import { RolesModule } from './roles/roles.module';
import { RetentionModule } from './retention/retention.module';
import { ScimModule } from './scim/scim.module';
import { SsoModule } from './sso/sso.module';
import { JobsModule } from './jobs/jobs.module';
import { LeaversModule } from './sync/leavers/leavers.module';
import { SyncModule } from './sync/sync.module';
import { RemovalSafetyModule } from './removal-safety/removal-safety.module';
import { TenantsModule } from './tenants/tenants.module';
import { ConfigAsCodeModule } from './config-as-code/config-as-code.module';
import { UsersModule } from './users/users.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      load: [appConfig, databaseConfig, opsConfig],
    }),
    LoggerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AllConfigType, true>) => {
        const options: PinoHttpOptions = {
          level: config.get('app.logLevel', { infer: true }),
          genReqId: (req) => (req as GroupsyncRequest).correlationId ?? 'none',
          customProps: (req) => ({ correlationId: (req as GroupsyncRequest).correlationId }),
          // Credentials and sign-in secrets never reach the log.
          redact: { paths: REDACTED_PATHS, censor: CENSOR },
          serializers: { req: redactRequest, res: redactResponse },
          autoLogging: { ignore: (req) => req.url?.startsWith('/health') === true || req.url === '/metrics' },
        };
        const file = config.get('app.logFile', { infer: true });
        // Synchronous writes: nothing is lost when the process stops right after a line.
        return {
          pinoHttp: file ? [options, pino.destination({ dest: file, sync: true, mkdir: true })] : options,
        };
      },
    }),
    DatabaseModule,
    OpsModule,
    RetentionModule,
    RateLimitModule,
    AuditModule,
    AuthModule,
    TenantsModule,
    RolesModule,
    IdentityProvidersModule,
    UsersModule,
    GroupsModule,
    GroupLinksModule,
    JobsModule,
    SyncModule,
    LeaversModule,
    RemovalSafetyModule,
    SsoModule,
    DevIdpModule,
    ScimModule,
    AdminUiModule,
    ConfigAsCodeModule,
    WebhooksModule,
  ],
  controllers: [HealthController],
  providers: [
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    { provide: APP_INTERCEPTOR, useClass: UnknownQueryInterceptor },
    OutboundPolicyInitializer,
  ],
})
export class AppModule {}
