/**
 * The bridge's notices through the WHMCS module's real callback.php (PHP's built-in server with the WHMCS
 * stubs, as in whmcs-module.test.ts): an announced window e-mails the client with the module's template, installed
 * on first use; an outage that ended e-mails its client once; a host failure e-mails the admins once, with no service.
 * Needs `php`; skipped without it unless REQUIRE_PHP=1.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { eventually } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { seedIncident, seedPlan, seedService } from '../helpers/seed';
import { FAST_JOBS } from '../helpers/simulator';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

const ROOT = path.resolve(__dirname, '..', '..');
const WHMCS_TESTS = path.join(ROOT, 'integrations', 'whmcs', 'tests');
const PHP = process.env.PHP_BINARY || 'php';
const hasPhp = spawnSync(PHP, ['-v'], { stdio: 'ignore' }).status === 0;
const requirePhp = process.env.REQUIRE_PHP === '1';
const d = hasPhp || requirePhp ? describe : describe.skip;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function startCallbackServer(stateDir: string): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(PHP, ['-S', `127.0.0.1:${port}`, path.join(WHMCS_TESTS, 'callback-server.php')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', OVIRTHA_TEST_STATE: stateDir },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}/modules/servers/ovirtha/callback.php`;
  await eventually(async () => (await fetch(url).catch(() => undefined))?.status === 405, 10_000, 50);
  return { url, process: child };
}

function jsonLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

interface LocalApiRecord {
  command: string;
  data: Record<string, string | number>;
}

d.each(databaseKinds)('WHMCS module: the bridge notices on %s', (kind) => {
  let t: TestApp;
  let stateDir: string;
  let php: Awaited<ReturnType<typeof startCallbackServer>>;
  const localApi = () => jsonLines<LocalApiRecord>(path.join(stateDir, 'localapi.jsonl'));
  /** Each callback the module answered, as [type, status] (the start-up probe has no body). */
  const callbackStatuses = () =>
    jsonLines<{ status: number; body: string }>(path.join(stateDir, 'callbacks.jsonl'))
      .filter((c) => c.body !== '')
      .map((c) => [JSON.parse(c.body).type as string, c.status] as const);
  /** What the module put into the e-mail's merge fields. */
  const customVars = (r: LocalApiRecord) => {
    const raw = Buffer.from(String(r.data.customvars), 'base64').toString('utf8');
    return Object.fromEntries([...raw.matchAll(/s:\d+:"([a-z_]+)";s:\d+:"((?:[^"]|"(?!;))*)";/g)].map((m) => [m[1], m[2]]));
  };

  beforeAll(async () => {
    if (!hasPhp) throw new Error(`php not found (looked for ${PHP}) and REQUIRE_PHP=1`);
    stateDir = mkdtempSync(path.join(tmpdir(), 'obh-notices-'));
    // WHMCS: one bridge server (its Access Hash is the callback secret), client 55's live service, a cancelled one.
    writeFileSync(
      path.join(stateDir, 'state.json'),
      JSON.stringify({
        servers: [{ hostname: 'bridge.test', password: TEST_SECRETS.BILLING_API_KEY, accesshash: TEST_SECRETS.WEBHOOK_SECRET }],
        products: { 7: { name: 'VPS HA M', configoptions: { 1: '', 2: '', 3: 'mark' } } },
        services: { 1001: { userid: 55, pid: 7, status: 'Active' }, 1002: { userid: 56, pid: 7, status: 'Cancelled' } },
        callbacks: [],
      }),
    );
    php = await startCallbackServer(stateDir);
    t = await createTestApp(kind, { env: { ...FAST_JOBS, BILLING_CALLBACK_URL: php.url } });
    const now = new Date();
    const plan = await seedPlan(t.db.knex, { productId: '7', name: 'VPS HA M' }, now);
    for (const [id, client] of [
      ['1001', '55'],
      ['1002', '56'],
    ] as const) {
      await seedService(
        t.db.knex,
        {
          billingServiceId: id,
          clientId: client,
          planId: plan.id,
          hostname: `vps${id}.example.net`,
          actualState: 'active',
          vmHost: 'host7',
          activatedAt: new Date(now.getTime() - 86_400_000),
        },
        now,
      );
    }
    t.container.worker.start();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    php?.process.kill();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  test("when a window is announced, then WHMCS installs the template and e-mails the live service's client, not the cancelled one's", async () => {
    const startsAt = new Date(Date.now() + 86_400_000);
    const res = await request(t.app)
      .post('/api/v1/admin/maintenance')
      .set('Authorization', t.adminAuth)
      .send({
        title: 'Storage firmware',
        starts_at: startsAt.toISOString(),
        ends_at: new Date(startsAt.getTime() + 7200_000).toISOString(),
        scope: { hosts: ['host7'] },
        message: 'Controllers restart one at a time.',
      })
      .expect(201);
    expect(res.body.services_notified).toBe(2);

    await eventually(async () => callbackStatuses().filter(([type]) => type === 'service.maintenance_announced').length === 2, 15_000);
    expect(callbackStatuses().filter(([type]) => type === 'service.maintenance_announced')).toEqual([
      ['service.maintenance_announced', 200],
      ['service.maintenance_announced', 200],
    ]);
    const emails = localApi().filter((r) => r.command === 'SendEmail');
    expect(emails).toHaveLength(1);
    expect(emails[0]!.data).toMatchObject({ messagename: 'oVirt HA Bridge: Maintenance Announced', id: 1001 });
    expect(customVars(emails[0]!)).toMatchObject({
      maintenance_title: 'Storage firmware',
      maintenance_message: 'Controllers restart one at a time.',
    });
    expect(JSON.parse(readFileSync(path.join(stateDir, 'templates.json'), 'utf8'))).toEqual([
      'oVirt HA Bridge: Maintenance Announced',
      'oVirt HA Bridge: Outage Started',
      'oVirt HA Bridge: Outage Resolved',
    ]);
  });

  test('when a host failure ended, then the client hears it resolved once and the admins hear of the host once', async () => {
    const now = Date.now();
    const ids = (await t.db.knex('services').orderBy('id').pluck('id')) as number[];
    for (const serviceRowId of ids) {
      await seedIncident(
        t.db.knex,
        serviceRowId,
        {
          openedBy: `1:${serviceRowId}`,
          cause: 'ha_restart',
          startedAt: now - 300_000,
          endedAt: now - 150_000,
          failedHost: 'host7',
          restartHost: 'host8',
          steps: [],
        },
        new Date(now),
      );
    }
    for (let i = 0; i < 2; i++) {
      await t.container.jobs.enqueue({ kind: 'incident_notices' });
      t.container.worker.wake();
      await eventually(
        async () => !(await t.db.knex('jobs').where({ kind: 'incident_notices' }).whereIn('state', ['queued', 'running']).first('id')),
      );
    }

    await eventually(async () => callbackStatuses().some(([type]) => type === 'cluster.host_failed'), 15_000);
    await eventually(async () => callbackStatuses().filter(([type]) => type === 'service.incident_resolved').length === 2, 15_000);
    expect(
      callbackStatuses()
        .filter(([type]) => type.startsWith('service.incident_') || type === 'cluster.host_failed')
        .sort(),
    ).toEqual([
      ['cluster.host_failed', 200],
      ['service.incident_resolved', 200],
      ['service.incident_resolved', 200],
    ]);
    const resolved = localApi().filter((r) => r.command === 'SendEmail' && r.data.messagename === 'oVirt HA Bridge: Outage Resolved');
    expect(resolved).toHaveLength(1);
    expect(resolved[0]!.data.id).toBe(1001);
    expect(customVars(resolved[0]!)).toMatchObject({ incident_downtime: '2 min 30 s', incident_counts_against_sla: 'Yes' });
    const admin = localApi().filter((r) => r.command === 'SendAdminEmail');
    expect(admin).toHaveLength(1);
    expect(admin[0]!.data.customsubject).toBe('Host host7 failed: 2 VPS affected, 2 restarted');
  });
});
