import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { Logger } from 'nestjs-pino';
import { bodyParsers, correlationIdMiddleware } from './common/http';
import { securityHeadersMiddleware } from './common/security-headers';
import { inputGuardMiddleware } from './common/input-guard';
import { declarePathParameters } from './common/openapi';
import { createValidationPipe } from './common/validation';
import { acsBodyParser } from './sso/acs-body';

/** Everything main.ts and the e2e tests both need, so tests run the app as it ships. */
export function configureApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.useLogger(express.get(Logger));
  express.set('trust proxy', process.env.TRUST_PROXY === 'true' ? true : 'loopback');
  express.disable('x-powered-by');
  express.use(correlationIdMiddleware);
  express.use(securityHeadersMiddleware);
  express.use(cookieParser());
  express.use(acsBodyParser()); // before the general parsers: the ACS has its own, smaller limit
  for (const parser of bodyParsers()) express.use(parser);
  express.use(inputGuardMiddleware);
  express.useGlobalPipes(createValidationPipe());
  express.enableShutdownHooks();

  const openApi = new DocumentBuilder()
    .setTitle('groupsync')
    .setDescription('Multi-tenant SSO group sync: tenants, identity providers, groups, links, users, audit')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Operator token or tenant API key' })
    .build();
  SwaggerModule.setup(
    'api/docs',
    express,
    () => declarePathParameters(SwaggerModule.createDocument(express, openApi)),
    {
      jsonDocumentUrl: 'api/docs/openapi.json',
    },
  );
}
