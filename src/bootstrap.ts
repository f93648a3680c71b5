import type { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { Logger } from 'nestjs-pino';
import { bodyParsers, correlationIdMiddleware, renderErrorsWith } from './common/http';
import { securityHeadersMiddleware } from './common/security-headers';
import { inputGuardMiddleware } from './common/input-guard';
import { completeDocument, declarePathParameters } from './common/openapi';
import { createValidationPipe } from './common/validation';
import type { AllConfigType } from './config/configuration';
import { ShutdownDrain } from './ops/drain';
import { httpMetricsMiddleware } from './ops/http-metrics';
import { MetricsService } from './ops/metrics.service';
import { renderScimError } from './scim/scim-error';
import { acsBodyParser } from './sso/acs-body';

/** Everything main.ts and the e2e tests both need, so tests run the app as it ships. */
export function configureApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.useLogger(express.get(Logger));
  // A hop count, never `true`: with `true` Express takes the leftmost X-Forwarded-For entry, which
  // the client writes itself. Without TRUST_PROXY the header is ignored altogether.
  const hops = express.get(ConfigService<AllConfigType, true>).get('app.trustProxyHops', { infer: true });
  express.set('trust proxy', hops > 0 ? hops : false);
  express.disable('x-powered-by');
  // First: a graceful stop waits for every request counted here, and the metrics see every answer.
  express.use(express.get(ShutdownDrain).middleware);
  express.use(httpMetricsMiddleware(express.get(MetricsService)));
  express.use(correlationIdMiddleware);
  // SCIM clients read RFC 7644's error schema, also for errors raised before the SCIM controller.
  express.use('/scim/', renderErrorsWith(renderScimError));
  express.use(securityHeadersMiddleware);
  express.use(cookieParser());
  express.use(acsBodyParser()); // before the general parsers: the ACS has its own, smaller limit
  for (const parser of bodyParsers()) express.use(parser);
  express.use(inputGuardMiddleware);
  express.useGlobalPipes(createValidationPipe());

  const openApi = new DocumentBuilder()
    .setTitle('groupsync')
    .setDescription('Multi-tenant SSO group sync: tenants, identity providers, groups, links, users, audit')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Operator token or tenant API key' })
    .build();
  SwaggerModule.setup(
    'api/docs',
    express,
    () => declarePathParameters(completeDocument(SwaggerModule.createDocument(express, openApi))),
    {
      jsonDocumentUrl: 'api/docs/openapi.json',
    },
  );
}
