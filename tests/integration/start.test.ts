import path from 'node:path';
import { AdminTokens } from '../../server/auth/admin-tokens';
import { systemClock } from '../../server/clock';
import { createTestDatabase, databaseKinds } from '../helpers/databases';
import { runTs, startTs, tempDir, waitForOutput } from '../helpers/spawn';

describe('starting the service as an operator does', () => {
  test('when started with no configuration, then it listens, names its database, serves /healthz and stops cleanly on SIGTERM', async () => {
    const dir = tempDir();
    const child = startTs('server/main.ts', { PORT: '0', LOG_LEVEL: 'warn', DATABASE_URL: `sqlite:${path.join(dir, 'bridge.sqlite')}` });
    const banner = await waitForOutput(child, /Admin token.*\n/);

    expect(banner).toMatch(/Database\s+SQLite .*bridge\.sqlite/);
    expect(banner).toMatch(/GENERATED FOR THIS RUN ONLY: WEBHOOK_SECRET, BILLING_API_KEY, SESSION_SECRET, SECRETS_KEY/);
    const url = /Listening on\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
    expect(url).toBeDefined();
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);

    const token = /Admin token.*\) (\S+)/.exec(banner)?.[1];
    const plans = await fetch(`${url}/api/v1/admin/plans`, { headers: { Authorization: `Bearer ${token}` } });
    expect(plans.status).toBe(200);

    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  test('when the simulator program starts, then it serves the engine API, and SIGTERM right after its banner closes it cleanly', async () => {
    const child = startTs('ovirt-simulator/main.ts', {}, ['--port', '0', '--scenario', 'demo']);
    const banner = await waitForOutput(child, /control\s+.*\n/);
    const api = /API\s+(http:\/\/127\.0\.0\.1:\d+\S+)/.exec(banner)?.[1];
    expect(api).toBeDefined();
    const root = await fetch(`${api}`, { headers: { Authorization: `Basic ${Buffer.from('admin@internal:ovirt').toString('base64')}` } });
    expect(root.status).toBe(200);
    expect(await root.text()).toContain('<product_info>');

    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  test('when production is started without its secrets, then it refuses and lists every problem', async () => {
    const res = await runTs('server/main.ts', { NODE_ENV: 'production', SESSION_SECRET: 'weak' });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('oVirt HA Bridge cannot start.');
    for (const p of [
      'WEBHOOK_SECRET is required',
      'BILLING_API_KEY is required',
      'SESSION_SECRET must be at least 32',
      'OVIRT_URL is required',
      'PUBLIC_URL is required',
    ]) {
      expect(res.stderr).toContain(p);
    }
  });

  test('when admin-token runs with SESSION_SECRET set, then it prints only a one-hour admin token', async () => {
    const secret = 'cli-session-secret-0123456789abcdef-XYZ';
    const res = await runTs('server/cli/admin-token.ts', { SESSION_SECRET: secret });
    expect(res.code).toBe(0);
    const token = res.stdout.trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const identity = new AdminTokens(secret, systemClock).verify(token);
    expect(identity.subject).toBe('cli');
    expect(identity.expiresAt.getTime() - Date.now()).toBeGreaterThan(3500_000);
  });

  test('when admin-token runs without SESSION_SECRET, then it explains why it cannot help', async () => {
    const res = await runTs('server/cli/admin-token.ts', {});
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('SESSION_SECRET is not set');
  });

  test('when migrate runs on a fresh SQLite file, then it applies everything, and again nothing', async () => {
    const db = `sqlite:${path.join(tempDir(), 'm.sqlite')}`;
    const first = await runTs('server/cli/migrate.ts', { DATABASE_URL: db });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Applied:\n\s+\d+_create_plans\.ts/);
    const second = await runTs('server/cli/migrate.ts', { DATABASE_URL: db });
    expect(second.stdout).toContain('Already up to date.');
    const status = await runTs('server/cli/migrate.ts', { DATABASE_URL: db }, ['--status']);
    expect(status.stdout).toMatch(/Pending \(0\)/);
  });
});

describe.each(databaseKinds)('starting on %s', (kind) => {
  test('when DATABASE_URL points at the database, then it migrates, says which server it uses and stops on SIGTERM', async () => {
    const db = await createTestDatabase(kind);
    const url = kind === 'sqlite' ? `sqlite:${path.join(tempDir(), 'own.sqlite')}` : db.url;
    try {
      const child = startTs('server/main.ts', { PORT: '0', LOG_LEVEL: 'warn', DATABASE_URL: url });
      const banner = await waitForOutput(child, /Environment/);
      expect(banner).toMatch(
        kind === 'mysql' ? /Database\s+mysql:\/\/.* — (MariaDB|MySQL) \d+\.\d+/ : /Database\s+SQLite .*own\.sqlite — SQLite 3/,
      );
      expect(banner).toMatch(/Migrations\s+applied \d+ now/);
      const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      await db.drop();
    }
  });
});
