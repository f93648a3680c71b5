import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/bootstrap';
import { createTestDatabase, TestDatabase } from './test-database';

export const OPERATOR_TOKEN = 'test-operator-token-0123456789abcdef';

export interface TestApp {
  app: INestApplication;
  http: App;
  db: TestDatabase;
  dataSource: DataSource;
  /** supertest with the operator token */
  op: {
    get(url: string): request.Test;
    post(url: string): request.Test;
    put(url: string): request.Test;
    patch(url: string): request.Test;
    delete(url: string): request.Test;
  };
  close(): Promise<void>;
}

/**
 * Boots the real AppModule on a fresh database, configured exactly as main.ts does. With `shared`,
 * on that database instead (a second process on it): `close()` then leaves the database alone.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  shared?: TestDatabase,
): Promise<TestApp> {
  const db = shared ?? (await createTestDatabase({ migrated: true }));
  const saved = { ...process.env };
  Object.assign(process.env, {
    DATABASE_URL: db.url,
    ADMIN_TOKEN: OPERATOR_TOKEN,
    PUBLIC_URL: 'http://sso.test',
    // The test IdPs listen on 127.0.0.1; the SSRF suite turns this off to test the guard.
    ALLOW_PRIVATE_NETWORK: 'true',
    // Most tests name OIDC issuers that do not exist (example.com); test/e2e/idp-checks.e2e.ts turns
    // the save-time discovery check on against a real local provider.
    IDP_DISCOVERY_CHECK: 'false',
    // The grace-period sweep runs when a test calls it (GraceSweepService.sweep), not on a timer.
    GRACE_SWEEP_SECONDS: '0',
    // Likewise the job runner (JobRunner.runNext / drain), unless a test sets JOBS_POLL_MS.
    JOBS_POLL_MS: '0',
    // And the webhook worker (WebhookWorker.runOnce / drain): its polls would count in statement tests.
    WEBHOOK_POLL_MS: '0',
    ...env,
  });
  const app = await NestFactory.create(AppModule, { bodyParser: false, logger: false, abortOnError: false });
  configureApp(app);
  await app.init();
  process.env = saved;
  const http = app.getHttpServer() as App;
  const auth = (t: request.Test) => t.set('Authorization', `Bearer ${OPERATOR_TOKEN}`);
  return {
    app,
    http,
    db,
    dataSource: app.get(DataSource),
    op: {
      get: (url) => auth(request(http).get(url)),
      post: (url) => auth(request(http).post(url)),
      put: (url) => auth(request(http).put(url)),
      patch: (url) => auth(request(http).patch(url)),
      delete: (url) => auth(request(http).delete(url)),
    },
    close: async () => {
      await app.close();
      if (!shared) await db.drop();
    },
  };
}
