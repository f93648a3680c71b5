import { ConfigError, loadConfig } from './configuration';

describe('loadConfig', () => {
  it('has working defaults for an empty environment (SQLite, port 3000)', () => {
    expect(loadConfig({})).toEqual({
      app: {
        port: 3000,
        publicUrl: 'http://localhost:3000',
        adminToken: undefined,
        secretKey: undefined,
        logLevel: 'info',
        devIdp: { enabled: false, keyFile: './data/dev-idp.pem' },
        allowPrivateNetwork: false,
        secretKeyFile: undefined,
        previousSecretKey: undefined,
        production: false,
        development: false,
        idpDiscoveryCheck: true,
        logFile: undefined,
        trustProxyHops: 0,
        rateLimit: { windowSeconds: 60, ssoPerAddress: 600, ssoPerTenant: 6000, authFailuresPerAddress: 100 },
      },
      database: { url: undefined, poolSize: 10, logSql: false, connectRetries: 9, connectRetrySeconds: 3 },
      ops: expect.any(Object),
    });
  });

  it('reads and normalizes valid settings', () => {
    const config = loadConfig({
      PORT: '8080',
      PUBLIC_URL: 'https://sso.example.com/',
      DATABASE_URL: 'postgres://u:p@db:5432/gs',
      LOG_LEVEL: 'debug',
    });
    expect(config.app.port).toBe(8080);
    expect(config.app.publicUrl).toBe('https://sso.example.com');
    expect(config.database.url).toBe('postgres://u:p@db:5432/gs');
  });

  it('refuses to start in production without SECRET_KEY or SECRET_KEY_FILE (one line naming both)', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      new ConfigError(
        'Invalid configuration: SECRET_KEY or SECRET_KEY_FILE must be set when NODE_ENV=production',
      ),
    );
    expect(loadConfig({ NODE_ENV: 'production', SECRET_KEY: 'k'.repeat(32) }).app.production).toBe(true);
    expect(
      loadConfig({ NODE_ENV: 'production', SECRET_KEY_FILE: '/run/secrets/key' }).app.secretKeyFile,
    ).toBe('/run/secrets/key');
  });

  it('refuses METRICS_PORT equal to PORT (the second listen would fail later)', () => {
    expect(() => loadConfig({ PORT: '4000', METRICS_PORT: '4000' })).toThrow(
      new ConfigError('Invalid configuration: METRICS_PORT must differ from PORT (both 4000)'),
    );
    expect(() => loadConfig({ METRICS_PORT: '3000' })).toThrow(/METRICS_PORT must differ from PORT/);
    expect(loadConfig({ METRICS_PORT: '9464' }).ops.metricsPort).toBe(9464);
  });

  it('refuses the development IdP in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SECRET_KEY: 'k'.repeat(32), DEV_IDP: 'true' })).toThrow(
      new ConfigError('Invalid configuration: DEV_IDP=true is refused when NODE_ENV=production'),
    );
    expect(
      loadConfig({ NODE_ENV: 'production', SECRET_KEY: 'k'.repeat(32), DEV_IDP: 'false' }).app.devIdp.enabled,
    ).toBe(false);
  });

  it.each(['Production', 'prod', ' PRODUCTION '])('treats NODE_ENV=%j as production', (nodeEnv) => {
    expect(() => loadConfig({ NODE_ENV: nodeEnv })).toThrow(/SECRET_KEY or SECRET_KEY_FILE must be set/);
  });

  it('reads TRUST_PROXY as a hop count: absent or false ignores X-Forwarded-For, true is one proxy', () => {
    expect(loadConfig({}).app.trustProxyHops).toBe(0);
    expect(loadConfig({ TRUST_PROXY: 'false' }).app.trustProxyHops).toBe(0);
    expect(loadConfig({ TRUST_PROXY: 'true' }).app.trustProxyHops).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).app.trustProxyHops).toBe(2);
    expect(() => loadConfig({ TRUST_PROXY: 'loopback' })).toThrow(/TRUST_PROXY must be false, true/);
  });

  it('reads ALLOW_PRIVATE_NETWORK as a boolean and refuses anything else', () => {
    expect(loadConfig({ ALLOW_PRIVATE_NETWORK: 'true' }).app.allowPrivateNetwork).toBe(true);
    expect(() => loadConfig({ ALLOW_PRIVATE_NETWORK: 'yes' })).toThrow(
      /ALLOW_PRIVATE_NETWORK must be true or false/,
    );
  });

  it.each([
    [{ PORT: 'abc' }, /^Invalid configuration: PORT must be a whole number \(got "abc"\)$/],
    [{ PORT: '70000' }, /PORT must not be greater than 65535/],
    [{ PUBLIC_URL: 'sso.example.com' }, /PUBLIC_URL must be an http\(s\) URL/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be postgres:\/\//],
    [{ ADMIN_TOKEN: 'short' }, /ADMIN_TOKEN must be at least 24 characters long$/],
    [{ SECRET_KEY: 'short' }, /SECRET_KEY must be at least 32 characters long$/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ DEV_IDP: 'yes' }, /^Invalid configuration: DEV_IDP must be true or false \(got "yes"\)$/],
    [{ RATE_LIMIT_SSO_PER_ADDRESS: 'many' }, /RATE_LIMIT_SSO_PER_ADDRESS must be a whole number/],
    [
      { RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS: '0' },
      /RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS must not be less than 1/,
    ],
    [{ RATE_LIMIT_WINDOW_SECONDS: '86400' }, /RATE_LIMIT_WINDOW_SECONDS must not be greater than 3600/],
  ])('stops on %p with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never echoes a secret value in the error', () => {
    expect(() => loadConfig({ ADMIN_TOKEN: 'leaky' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('leaky') }),
    );
  });
});

describe('loadConfig: operations settings (#14)', () => {
  it.each([
    [
      { DATABASE_POOL_SIZE: 'abc' },
      /^Invalid configuration: DATABASE_POOL_SIZE must be a whole number \(got "abc"\)$/,
    ],
    [{ DATABASE_POOL_SIZE: '0' }, /DATABASE_POOL_SIZE must not be less than 1/],
    [{ TRUST_PROXY: 'yes' }, /^Invalid configuration: TRUST_PROXY must be false, true .* \(got "yes"\)$/],
    [{ LOG_SQL: 'on' }, /LOG_SQL must be true or false/],
    [{ LOG_PRETTY: 'true' }, /LOG_PRETTY=true is not supported: logs are always JSON lines/],
    [{ WORKERS: 'many' }, /WORKERS must be auto or a number of processes/],
    [{ WORKERS: '0' }, /WORKERS must be auto or a number of processes/],
    [{ METRICS_PORT: 'x' }, /METRICS_PORT must be a whole number/],
    [{ SHUTDOWN_TIMEOUT_SECONDS: '-1' }, /SHUTDOWN_TIMEOUT_SECONDS must not be less than 0/],
    [{ HTTP_KEEP_ALIVE_SECONDS: '0' }, /HTTP_KEEP_ALIVE_SECONDS must not be less than 1/],
    [{ REDIS_URL: 'http://cache' }, /REDIS_URL must be redis:\/\//],
    [{ RETENTION_AUDIT_DAYS: '0' }, /RETENTION_AUDIT_DAYS must not be less than 1/],
    [{ RETENTION_JOB_DAYS: '0' }, /RETENTION_JOB_DAYS must not be less than 1/],
    [{ RETENTION_JOB_DAYS: 'month' }, /RETENTION_JOB_DAYS must be a whole number/],
    [{ RETENTION_BATCH_SIZE: '50000' }, /RETENTION_BATCH_SIZE must not be greater than 10000/],
    [{ GRACE_SWEEP_SECONDS: '-1' }, /GRACE_SWEEP_SECONDS must not be less than 0/],
    [{ GRACE_SWEEP_SECONDS: '86401' }, /GRACE_SWEEP_SECONDS must not be greater than 86400/],
    [{ JOBS_POLL_MS: 'soon' }, /JOBS_POLL_MS must be a whole number/],
    [{ WEBHOOK_TIMEOUT_MS: '10s' }, /WEBHOOK_TIMEOUT_MS must be a whole number/],
    [{ JOBS_LEASE_SECONDS: '0' }, /JOBS_LEASE_SECONDS must not be less than 1/],
    [{ JOBS_MAX_ATTEMPTS: '101' }, /JOBS_MAX_ATTEMPTS must not be greater than 100/],
    [{ JOBS_RECONCILE_THRESHOLD: '-1' }, /JOBS_RECONCILE_THRESHOLD must not be less than 0/],
  ])('refuses %p at start with one line naming it', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('has defaults that keep a year of audit and one process', () => {
    const { database, ops } = loadConfig({});
    expect(database).toEqual({
      url: undefined,
      poolSize: 10,
      logSql: false,
      connectRetries: 9,
      connectRetrySeconds: 3,
    });
    expect(ops).toEqual({
      leaversIntervalMinutes: 15,
      workers: 1,
      metricsPort: undefined,
      shutdownTimeoutSeconds: 25,
      keepAliveSeconds: 65,
      redis: undefined,
      retention: {
        auditDays: 365,
        refusedSignInDays: 365,
        jobDays: 30,
        intervalMinutes: 60,
        batchSize: 1000,
        webhookDeliveryDays: 30,
      },
      graceSweepSeconds: 60,
      jobs: { pollMs: 1000, leaseSeconds: 60, maxAttempts: 3, reconcileThreshold: 500 },
      webhooks: {
        pollMs: 1000,
        timeoutMs: 10_000,
        leaseSeconds: 60,
        retryBaseMs: 10_000,
        retryMaxMs: 3_600_000,
        maxAgeSeconds: 259_200,
      },
      metadataRefreshMinutes: 60,
    });
  });

  it('re-reads SAML metadata URLs hourly (never under NODE_ENV=test unless asked) and says what development is', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).ops.metadataRefreshMinutes).toBe(0);
    expect(loadConfig({ METADATA_REFRESH_MINUTES: '0' }).ops.metadataRefreshMinutes).toBe(0);
    expect(() => loadConfig({ METADATA_REFRESH_MINUTES: 'hourly' })).toThrow(
      'METADATA_REFRESH_MINUTES must be a whole number',
    );
    expect(loadConfig({}).app.development).toBe(false);
    expect(loadConfig({ DEV_IDP: 'true' }).app.development).toBe(true);
    expect(loadConfig({ ALLOW_PRIVATE_NETWORK: 'true' }).app.development).toBe(true);
    const production = { NODE_ENV: 'production', SECRET_KEY: 'k'.repeat(32) };
    expect(loadConfig({ ...production, ALLOW_PRIVATE_NETWORK: 'true' }).app.development).toBe(false);
    expect(loadConfig({}).app.idpDiscoveryCheck).toBe(true);
    expect(loadConfig({ IDP_DISCOVERY_CHECK: 'false' }).app.idpDiscoveryCheck).toBe(false);
  });

  it('runs the leaver schedule every 15 minutes, never under NODE_ENV=test unless asked, and refuses bad values', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).ops.leaversIntervalMinutes).toBe(0);
    expect(loadConfig({ NODE_ENV: 'test', LEAVERS_INTERVAL_MINUTES: '5' }).ops.leaversIntervalMinutes).toBe(
      5,
    );
    expect(() => loadConfig({ LEAVERS_INTERVAL_MINUTES: '-1' })).toThrow(/LEAVERS_INTERVAL_MINUTES/);
    expect(() => loadConfig({ LEAVERS_INTERVAL_MINUTES: 'often' })).toThrow(
      'LEAVERS_INTERVAL_MINUTES must be a whole number',
    );
  });

  it('reads the settings that were read raw before', () => {
    const config = loadConfig({
      DATABASE_POOL_SIZE: '25',
      LOG_SQL: 'true',
      LOG_PRETTY: 'false',
      WORKERS: '4',
      REDIS_URL: 'redis://127.0.0.1:6379',
      RETENTION_AUDIT_DAYS: '730',
      RETENTION_REFUSED_SIGN_IN_DAYS: '30',
      RETENTION_JOB_DAYS: '7',
    });
    expect(config.database.poolSize).toBe(25);
    expect(config.database.logSql).toBe(true);
    expect(config.ops.workers).toBe(4);
    expect(config.ops.redis).toEqual({ url: 'redis://127.0.0.1:6379', keyPrefix: 'groupsync:' });
    expect(config.ops.retention).toMatchObject({ auditDays: 730, refusedSignInDays: 30, jobDays: 7 });
    expect(loadConfig({ WORKERS: 'auto' }).ops.workers).toBeGreaterThanOrEqual(1);
  });
});
