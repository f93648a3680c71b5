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
        logFile: undefined,
        trustProxyHops: 0,
        rateLimit: { windowSeconds: 60, ssoPerAddress: 600, ssoPerTenant: 6000, authFailuresPerAddress: 100 },
      },
      database: { url: undefined },
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
