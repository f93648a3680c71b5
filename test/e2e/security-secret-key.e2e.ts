import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/bootstrap';
import { SecretBox } from '../../src/common/crypto';
import { IdentityProvider } from '../../src/identity-providers/identity-provider.entity';
import { SystemSetting } from '../../src/database/system-setting.entity';
import { Webhook } from '../../src/webhooks/webhook.entity';
import { OPERATOR_TOKEN } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

// App start-up and the test IdPs are CPU work: on a loaded machine they outlast Jest's default 5 s.
jest.setTimeout(60_000);

const K1 = 'first-secret-key-0123456789abcdef';
const K2 = 'second-secret-key-0123456789abcdef';
const HOOK_URL = 'https://hooks.example.com/groupsync';

/**
 * Where SECRET_KEY comes from, on one database the app is restarted on: never stored in that
 * database; a key an earlier version stored there keeps working; a rotation re-seals; production
 * refuses to start without a key.
 */
describe('SECRET_KEY: not in the database it protects, rotation, production', () => {
  let db: TestDatabase;
  let dir: string;
  let app: INestApplication | undefined;
  let webhookSecret = '';

  /** Boots the real app on `db` with exactly these settings (SECRET_KEY* and NODE_ENV cleared). */
  async function boot(env: Record<string, string>): Promise<{ http: App; dataSource: DataSource }> {
    const saved = { ...process.env };
    for (const k of ['SECRET_KEY', 'SECRET_KEY_FILE', 'SECRET_KEY_PREVIOUS', 'NODE_ENV'])
      delete process.env[k];
    Object.assign(process.env, {
      DATABASE_URL: db.url,
      ADMIN_TOKEN: OPERATOR_TOKEN,
      PUBLIC_URL: 'http://sso.test',
      // Its OIDC issuers are made up: the save-time discovery read is tested in idp-checks.e2e.ts.
      IDP_DISCOVERY_CHECK: 'false',
      ...env,
    });
    try {
      app = await NestFactory.create(AppModule, { bodyParser: false, logger: false, abortOnError: false });
      configureApp(app);
      await app.init();
    } catch (error) {
      await app?.close().catch(() => undefined);
      app = undefined;
      throw error;
    } finally {
      process.env = saved;
    }
    return { http: app.getHttpServer() as App, dataSource: app.get(DataSource) };
  }
  const stop = async () => {
    await app?.close();
    app = undefined;
  };
  const op = (http: App, method: 'get' | 'post', url: string) =>
    request(http)[method](url).set('Authorization', `Bearer ${OPERATOR_TOKEN}`);
  const sealedSecrets = async (dataSource: DataSource) =>
    (await dataSource.getRepository(IdentityProvider).findOneByOrFail({ slug: 'entra' })).secrets!;

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'secret-key-'));
  });
  afterAll(async () => {
    await stop();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never writes a generated key into the database', async () => {
    const { dataSource } = await boot({});
    expect(await dataSource.getRepository(SystemSetting).findOneBy({ key: 'secretKey' })).toBeNull();
    await stop();
  });

  it('keeps opening the secrets of a database whose key an earlier version stored in it', async () => {
    let { http, dataSource } = await boot({ SECRET_KEY: K1 });
    await op(http, 'post', '/api/v1/tenants').send({ slug: 'keys', name: 'Keys' }).expect(201);
    await op(http, 'post', '/api/v1/tenants/keys/identity-providers')
      .send({
        slug: 'entra',
        type: 'oidc',
        issuer: 'https://login.example.com',
        clientId: 'c',
        clientSecret: 'cs-1',
      })
      .expect(201);
    const hook = await op(http, 'post', '/api/v1/tenants/keys/webhooks')
      .send({ url: HOOK_URL, events: ['user.created'] })
      .expect(201);
    webhookSecret = hook.body.secret;
    // What an earlier version did without SECRET_KEY: the key in system_settings.
    await dataSource
      .getRepository(SystemSetting)
      .insert({ key: 'secretKey', value: K1, updatedAt: new Date() });
    await stop();

    ({ http, dataSource } = await boot({}));
    const idp = await op(http, 'get', '/api/v1/tenants/keys/identity-providers/entra').expect(200);
    expect(idp.body.hasClientSecret).toBe(true);
    expect(new SecretBox(K1).open(await sealedSecrets(dataSource))).toBe('{"clientSecret":"cs-1"}');
    await stop();
  });

  it('rotates: SECRET_KEY_PREVIOUS opens old secrets and start-up re-seals them with the new key', async () => {
    let { http, dataSource } = await boot({ SECRET_KEY: K2, SECRET_KEY_PREVIOUS: K1 });
    await op(http, 'get', '/api/v1/tenants/keys/identity-providers/entra').expect(200);
    const sealed = await sealedSecrets(dataSource);
    expect(new SecretBox(K2).open(sealed)).toBe('{"clientSecret":"cs-1"}');
    expect(() => new SecretBox(K1).open(sealed)).toThrow();
    // Webhook signing secrets too.
    const hook = await dataSource.getRepository(Webhook).findOneByOrFail({ url: HOOK_URL });
    expect(new SecretBox(K2).open(hook.secret)).toBe(webhookSecret);
    expect(() => new SecretBox(K1).open(hook.secret)).toThrow();
    await stop();

    // The new key alone now suffices, from a key file as production would use.
    const keyFile = join(dir, 'key');
    writeFileSync(keyFile, `${K2}\n`, { mode: 0o600 });
    ({ http, dataSource } = await boot({ NODE_ENV: 'production', SECRET_KEY_FILE: keyFile }));
    const idp = await op(http, 'get', '/api/v1/tenants/keys/identity-providers/entra').expect(200);
    expect(idp.body.hasClientSecret).toBe(true);
    await stop();
  });

  it('refuses to start in production without SECRET_KEY or a readable SECRET_KEY_FILE', async () => {
    await expect(boot({ NODE_ENV: 'production' })).rejects.toThrow(
      'SECRET_KEY or SECRET_KEY_FILE must be set when NODE_ENV=production',
    );
    await expect(boot({ NODE_ENV: 'production', SECRET_KEY_FILE: join(dir, 'missing') })).rejects.toThrow(
      /SECRET_KEY_FILE .*missing does not exist/,
    );
    const short = join(dir, 'short');
    writeFileSync(short, 'too-short');
    await expect(boot({ NODE_ENV: 'production', SECRET_KEY_FILE: short })).rejects.toThrow(
      /must be at least 32 characters long/,
    );
  });
});
