import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { DEFAULT_PASSWORD, DEFAULT_USERNAME, type RunningSimulator } from '../../ovirt-simulator';
import { AdminTokens } from '../../server/auth/admin-tokens';
import { systemClock } from '../../server/clock';
import { eventually, signedHeaders } from '../helpers/billing';
import { createTestDatabase, mysqlUrl, type TestDatabase } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { startTestSimulator } from '../helpers/simulator';
import { startTs, waitForOutput } from '../helpers/spawn';
import { TEST_SECRETS } from '../helpers/test-app';

const ORDERS = 300;
const DUPLICATES = 120;

// Several processes need one shared database server: SQLite is one process by design, so this runs on MySQL only.
(mysqlUrl ? describe : describe.skip)('three instances on one MariaDB', () => {
  let db: TestDatabase;
  let sim: RunningSimulator;
  const children: ChildProcessWithoutNullStreams[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('mysql');
    sim = await startTestSimulator({
      generate: { hosts: 4, vms: 0 },
      timings: { vmCreateMs: 50, vmWaitForLaunchMs: 10, vmPoweringUpMs: 20 },
    });
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await sim.close();
    await db.drop();
  });

  test('when 300 orders with duplicates are spread over them, then exactly 300 VMs run and no job is left', async () => {
    const env = {
      ...TEST_SECRETS,
      DATABASE_URL: db.url,
      OVIRT_URL: sim.url,
      OVIRT_USERNAME: DEFAULT_USERNAME,
      OVIRT_PASSWORD: DEFAULT_PASSWORD,
      PORT: '0',
      LOG_LEVEL: 'error',
      JOB_POLL_MS: '50',
      JOB_CONCURRENCY: '4',
      PROVISION_POLL_MS: '30',
      CAPACITY_CACHE_MS: '2000',
    };
    const urls: string[] = [];
    // Error lines the instances log, shown if an answer is not 202.
    const errors: string[] = [];
    // The first instance migrates the empty database; the others start once it has.
    for (let i = 0; i < 3; i++) {
      const child = startTs('server/main.ts', env);
      children.push(child);
      child.stdout.on('data', (d: Buffer) => {
        for (const line of String(d).split('\n')) if (line.includes('"level":50')) errors.push(line.slice(0, 2000));
      });
      const banner = await waitForOutput(child, /Environment/, 30_000);
      urls.push(/Listening on\s+(\S+)/.exec(banner)![1]!);
    }

    const token = new AdminTokens(TEST_SECRETS.SESSION_SECRET, systemClock).sign('test');
    const plan = await fetch(`${urls[0]}/api/v1/admin/plans`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(planBody({ product_id: '7', memory_mib: 1024, vcpus: 1, ha: { enabled: true, priority: 50 } })),
    });
    expect(plan.status).toBe(201);

    const deliveries = Array.from({ length: ORDERS }, (_, i) => ({
      id: `msg_${randomUUID().replace(/-/g, '')}`,
      body: JSON.stringify({ type: 'service.create', data: { service_id: `m${i}`, client_id: `c${i % 17}`, product_id: '7' } }),
    }));
    const sends = [
      ...deliveries.map((d, i) => ({ ...d, url: urls[i % 3]! })),
      ...Array.from({ length: DUPLICATES }, (_, i) => ({ ...deliveries[(i * 7) % ORDERS]!, url: urls[(i + 1) % 3]! })),
    ].sort(() => Math.random() - 0.5);

    const statuses: number[] = [];
    for (let i = 0; i < sends.length; i += 30) {
      const batch = sends.slice(i, i + 30);
      const answers = await Promise.all(
        batch.map((s) =>
          fetch(`${s.url}/webhooks/billing`, { method: 'POST', headers: signedHeaders(s.body, s.id), body: s.body }).then(
            async (r) => (await r.arrayBuffer(), r.status),
          ),
        ),
      );
      statuses.push(...answers);
    }
    expect({ failed: statuses.filter((s) => s !== 202), errors: errors.slice(0, 3) }).toEqual({ failed: [], errors: [] });

    await eventually(
      async () => {
        const row = await db.knex('services').where({ actual_state: 'active' }).count({ n: '*' }).first();
        return Number(row?.n) === ORDERS;
      },
      180_000,
      500,
    );

    const ours = [...sim.world.vms.values()].filter((v) => v.name.startsWith('vps-m'));
    expect(ours).toHaveLength(ORDERS);
    expect(ours.every((v) => v.status === 'up')).toBe(true);
    expect(new Set(ours.map((v) => v.name)).size).toBe(ORDERS);
    const open = await db.knex('jobs').whereIn('state', ['running', 'queued']).where('kind', 'reconcile').count({ n: '*' }).first();
    expect(Number(open?.n)).toBe(0);
    expect(Number((await db.knex('webhook_deliveries').count({ n: '*' }).first())?.n)).toBe(ORDERS);

    const exits = children.map((c) => new Promise<number | null>((r) => c.on('exit', r)));
    for (const c of children) c.kill('SIGTERM');
    expect(await Promise.all(exits)).toEqual([0, 0, 0]);
  }, 300_000);
});
