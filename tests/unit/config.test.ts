import { ConfigError, loadConfig, parseDatabaseUrl, redactUrl, secretWeakness } from '../../server/config';

const strong = {
  SESSION_SECRET: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8',
  BILLING_API_KEY: 'k1l2m3n4o5p6q7r8s9t0u1v2w3x4y5z6a7b8',
  WEBHOOK_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
  SECRETS_KEY: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
};
const production = {
  NODE_ENV: 'production',
  OVIRT_URL: 'https://engine.example.net/ovirt-engine',
  OVIRT_PASSWORD: 'pw',
  PUBLIC_URL: 'https://bridge.example.net',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('config', () => {
  test('when nothing is set, then a newcomer gets SQLite under data/, port 3000 and generated secrets', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.database).toMatchObject({ client: 'sqlite', filename: expect.stringMatching(/data\/ovirt-ha-bridge\.sqlite$/) });
    expect(c.generatedSecrets).toEqual(['WEBHOOK_SECRET', 'BILLING_API_KEY', 'SESSION_SECRET', 'SECRETS_KEY']);
    expect(c.secrets.encryptionKey).toMatch(/^[0-9a-f]{64}$/);
    expect(c.secrets.session).toMatch(/^[0-9a-f]{64}$/);
    expect(c.secrets.webhook).toMatch(/^whsec_/);
    expect(c.secrets.callback).toBe(c.secrets.webhook);
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(Object.isFrozen(c)).toBe(true);
  });

  test('when production lacks secrets and the engine, then every problem is listed at once', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toEqual(
      expect.arrayContaining([
        'WEBHOOK_SECRET is required in production',
        'BILLING_API_KEY is required in production',
        'SESSION_SECRET is required in production',
        'SECRETS_KEY is required in production',
        expect.stringMatching(/^OVIRT_URL is required in production/),
        expect.stringMatching(/^PUBLIC_URL is required in production/),
      ]),
    );
    expect(problems.length).toBe(6);
  });

  test('when production has weak secrets, then each is named', () => {
    const problems = problemsOf({
      ...production,
      SESSION_SECRET: 'changeme',
      BILLING_API_KEY: 'x'.repeat(40),
      WEBHOOK_SECRET: 'whsec_c2hvcnQ=',
      SECRETS_KEY: strong.SECRETS_KEY,
    });
    expect(problems).toEqual([
      'WEBHOOK_SECRET must hold at least 24 random bytes (it holds 5)',
      expect.stringMatching(/^BILLING_API_KEY looks like a placeholder/),
      'SESSION_SECRET must be at least 32 characters (it has 8)',
    ]);
  });

  test('when production is fully configured, then it starts without generated secrets', () => {
    const c = loadConfig({ ...production, ...strong, DATABASE_URL: 'mysql://bridge:s3cret@db.internal:3307/bridge' });
    expect(c.generatedSecrets).toEqual([]);
    expect(c.database).toMatchObject({
      client: 'mysql',
      host: 'db.internal',
      port: 3307,
      user: 'bridge',
      password: 's3cret',
      database: 'bridge',
    });
  });

  test('when SECRETS_KEY is not 64 hex characters, then it is refused even outside production', () => {
    expect(problemsOf({ SECRETS_KEY: 'not-a-key' })).toEqual([expect.stringMatching(/^SECRETS_KEY must be 64 hex characters/)]);
    expect(problemsOf({ SECRETS_KEY: '0'.repeat(64) })).toEqual([expect.stringMatching(/^SECRETS_KEY looks like a placeholder/)]);
  });

  test('when a weak secret is set outside production, then it is accepted with a warning', () => {
    const c = loadConfig({ SESSION_SECRET: 'short' });
    expect(c.secrets.session).toBe('short');
    expect(c.warnings).toEqual([expect.stringMatching(/SESSION_SECRET must be at least 32 characters.*accepted outside production/)]);
  });

  test('when values have the wrong type, then the fields are named', () => {
    const problems = problemsOf({ PORT: 'eighty', LOG_LEVEL: 'loud', OVIRT_URL: 'ftp://engine' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['PORT', 'OVIRT_URL', 'LOG_LEVEL']);
  });

  test('when the insecure engine flag is set in production, then it is refused', () => {
    expect(problemsOf({ ...production, ...strong, OVIRT_INSECURE: 'true' })).toEqual([
      expect.stringMatching(/OVIRT_INSECURE=true is refused/),
    ]);
  });

  test.each([
    ['sqlite::memory:', { client: 'sqlite', filename: ':memory:' }],
    ['sqlite:/var/lib/bridge/db.sqlite', { client: 'sqlite', filename: '/var/lib/bridge/db.sqlite' }],
    ['mysql://root@127.0.0.1:3306/test', { client: 'mysql', host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' }],
    ['mariadb://u:p%40ss@h/db', { client: 'mysql', host: 'h', port: 3306, user: 'u', password: 'p@ss', database: 'db' }],
  ])('DATABASE_URL %s is understood', (url, expected) => {
    expect(parseDatabaseUrl(url)).toMatchObject(expected);
  });

  test.each(['postgres://x/y', 'mysql://host', 'sqlite:'])('DATABASE_URL %s is refused with a message', (url) => {
    expect(() => parseDatabaseUrl(url)).toThrow(/DATABASE_URL/);
  });

  test('secrets in URLs are hidden for banners', () => {
    expect(redactUrl('mysql://bridge:s3cret@db:3306/bridge')).toBe('mysql://bridge:***@db:3306/bridge');
  });

  test('when the abuse limits are not set, then they are on with generous per-address defaults and a 16 KiB request head', () => {
    const c = loadConfig({});
    expect(c.rateLimits).toEqual({ windowSeconds: 60, webhooks: 1200, api: 1200, authFailures: 20, authWindowSeconds: 900 });
    expect(c.http.maxHeaderBytes).toBe(16_384);
  });

  test('when a limit is 0, then it is accepted (off), and other values are taken as given', () => {
    const c = loadConfig({
      RATE_LIMIT_WEBHOOKS: '0',
      RATE_LIMIT_API: '0',
      RATE_LIMIT_AUTH_FAILURES: '0',
      RATE_LIMIT_WINDOW_SECONDS: '1',
      RATE_LIMIT_AUTH_WINDOW_SECONDS: '3600',
      HTTP_MAX_HEADER_BYTES: '32768',
    });
    expect(c.rateLimits).toEqual({ windowSeconds: 1, webhooks: 0, api: 0, authFailures: 0, authWindowSeconds: 3600 });
    expect(c.http.maxHeaderBytes).toBe(32_768);
  });

  test('when abuse limits have bad values, then each field is named', () => {
    const problems = problemsOf({
      RATE_LIMIT_WINDOW_SECONDS: '0',
      RATE_LIMIT_WEBHOOKS: '-1',
      RATE_LIMIT_API: 'lots',
      RATE_LIMIT_AUTH_FAILURES: '2.5',
      RATE_LIMIT_AUTH_WINDOW_SECONDS: '86401',
      HTTP_MAX_HEADER_BYTES: '100',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(
      [
        'HTTP_MAX_HEADER_BYTES',
        'RATE_LIMIT_API',
        'RATE_LIMIT_AUTH_FAILURES',
        'RATE_LIMIT_AUTH_WINDOW_SECONDS',
        'RATE_LIMIT_WEBHOOKS',
        'RATE_LIMIT_WINDOW_SECONDS',
      ].sort(),
    );
  });

  test('when CLIENT_HOST_NAMES is unset, show or hide, then customers see host names only when it is show; other values are refused', () => {
    expect(loadConfig({}).client.hostNames).toBe(false);
    expect(loadConfig({ CLIENT_HOST_NAMES: 'show' }).client.hostNames).toBe(true);
    expect(loadConfig({ CLIENT_HOST_NAMES: 'hide' }).client.hostNames).toBe(false);
    expect(problemsOf({ CLIENT_HOST_NAMES: 'no' }).map((p) => p.split(':')[0])).toEqual(['CLIENT_HOST_NAMES']);
  });

  test('Standard Webhooks secrets must be whsec_ + base64 of at least 24 bytes', () => {
    expect(secretWeakness('WEBHOOK_SECRET', 'plain-text-secret')).toMatch(/whsec_/);
    expect(secretWeakness('WEBHOOK_SECRET', strong.WEBHOOK_SECRET)).toBeUndefined();
  });
});
