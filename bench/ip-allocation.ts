/**
 * `npm run bench:ip-allocation`: IP allocation under concurrency on MySQL/MariaDB. Three instances, each a
 * worker thread with its own event loop and knex pool (as three bridge processes would have), all on one fresh
 * database. Each takes `--orders` orders (2,000 by default) that have all arrived, and works on as many at once as its
 * pool has connections (`--in-flight`, 10): every order allocates one IPv4 address and one IPv6 /64 with
 * IpAllocation.allocate inside a transaction of its own, as the order intake does inside its transaction.
 *
 * Measured:
 * - baseline: a bare insert of the same row (an assignment of a fixed, distinct address: no choice, no retry) in a
 *   transaction of its own, as many times at the same concurrency. Any allocation has to do at least this;
 * - allocation: `allocate()` from its first statement to its answer, inside its transaction (connection held), which
 *   is what an order's transaction pays for its addresses; and the whole transaction (commit included), for
 *   information. A deadlock would count as a failure here (the intake runs its transaction again).
 * Checked afterwards: no address held twice, no service holding two of a family, every order holding one of each.
 *
 * Options: --orders (per instance), --instances, --in-flight, --mysql (a mysql:// URL; default TEST_MYSQL_URL).
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { ManualClock } from '../server/clock';
import { parseDatabaseUrl } from '../server/config';
import { createKnex } from '../server/db/knex';
import { migrateLatest } from '../server/db/migrate';
import { IpAssignmentsRepository } from '../server/repositories/ip-assignments';
import { IpPoolsRepository } from '../server/repositories/ip-pools';
import { IpPools } from '../server/use-cases/ip-pools';
import { insertServices } from '../tests/helpers/ip-pools';
import { createBenchDatabase, createWorkspace } from './bridge';
import type { WorkerResult, WorkerSpec } from './ip-allocation/worker';
import { checkQuiet, machine, Options, printTargets, type TargetCheck, table, writeResults } from './report';
import { ratio, summarize } from './stats';

const P99_TARGET_MS = 25;
/** Connections in each instance's knex pool (db/knex.ts), and so the orders it works on at once. */
const POOL_SIZE = 10;

const options = new Options({
  orders: 'orders per instance, all at once (default 2000)',
  instances: 'instances, each with its own knex pool (default 3)',
  mysql: 'mysql:// URL of the server (default TEST_MYSQL_URL)',
  'in-flight': 'orders each instance works on at once (default 10, its knex pool size)',
  'per-query': 'also time each statement by kind (printed, not written to the results)',
});

/**
 * Runs the instances, one worker thread each (bench/ip-allocation/worker.ts), started together once all are
 * connected; resolves with each one's timings. tsx's hook is loaded into the worker explicitly (workers do not inherit it).
 */
async function runInstances(specs: WorkerSpec[]): Promise<WorkerResult[]> {
  const tsxHook = require.resolve('tsx/cjs');
  const script = path.join(__dirname, 'ip-allocation', 'worker.ts');
  const workers = specs.map(
    (spec) => new Worker(`require(${JSON.stringify(tsxHook)}); require(${JSON.stringify(script)});`, { eval: true, workerData: spec }),
  );
  const message = (w: Worker) =>
    new Promise<unknown>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
  await Promise.all(workers.map(message));
  const results = workers.map(message);
  for (const w of workers) w.postMessage('go');
  const done = (await Promise.all(results)) as WorkerResult[];
  await Promise.all(workers.map((w) => w.terminate()));
  return done;
}

async function main(): Promise<void> {
  if (options.help) {
    console.log(`npm run bench:ip-allocation -- [options]\n${options.usage()}`);
    return;
  }
  const perInstance = Number(options.string('orders', '2000'));
  const instances = Number(options.string('instances', '3'));
  const mysqlUrl = options.string('mysql', process.env.TEST_MYSQL_URL ?? '');
  if (!mysqlUrl) throw new Error('bench:ip-allocation needs MySQL/MariaDB: --mysql mysql://root@127.0.0.1:3306/test or TEST_MYSQL_URL');
  const inFlight = Number(options.string('in-flight', String(POOL_SIZE)));
  const perQuery = options.flag('per-query');
  const total = perInstance * instances;
  const quiet = await checkQuiet();
  const workspace = createWorkspace('ip-allocation');
  const db = await createBenchDatabase('mysql', workspace.dir, mysqlUrl);
  const target = parseDatabaseUrl(db.url);
  const setup = createKnex(target);
  try {
    await migrateLatest(setup);
    const version = String(((await setup.raw('select version() as v')) as [[{ v: string }]])[0][0].v);
    const clock = new ManualClock(new Date());
    const admin = new IpPools({ knex: setup, pools: new IpPoolsRepository(setup), assignments: new IpAssignmentsRepository(setup), clock });
    // A /18 (16,381 addresses) for 6,000 orders: a pool ~37 % full at the end, as a provider adds space before it fills.
    const v4 = await admin.create({
      name: 'bench-v4',
      cluster: 'Default',
      network: 'ovirtmgmt',
      cidr: '10.64.0.0/18',
      gateway: '10.64.0.1',
      dns: ['10.64.0.53'],
      dnsSearch: [],
      ranges: [],
      quarantineMinutes: 60,
    });
    await admin.create({
      name: 'bench-v6',
      cluster: 'Default',
      network: 'ovirtmgmt',
      cidr: '2001:db8:40::/48',
      gateway: 'fe80::1',
      dns: [],
      dnsSearch: [],
      ranges: [],
      quarantineMinutes: 60,
    });
    // The baseline's rows go to a pool of another cluster, so they never meet the allocations.
    const base = await admin.create({
      name: 'baseline',
      cluster: 'Other',
      network: 'ovirtmgmt',
      cidr: '10.128.0.0/16',
      gateway: '10.128.0.1',
      dns: [],
      dnsSearch: [],
      ranges: [],
      quarantineMinutes: 60,
    });
    const baselineIds = await insertServices(setup, total, 'base');
    const orderIds = await insertServices(setup, total, 'order');

    const spec = (mode: WorkerSpec['mode'], ids: number[]): WorkerSpec[] =>
      Array.from({ length: instances }, (_, k) => ({
        url: db.url,
        mode,
        orders: ids.flatMap((id, i): Array<[number, number]> => (i % instances === k ? [[id, i + 1]] : [])),
        inFlight,
        baselinePoolId: base.pool.id,
        now: clock.now().toISOString(),
        perQuery,
      }));
    const merge = (results: WorkerResult[]) => ({
      inner: results.flatMap((r) => r.innerMs),
      call: results.flatMap((r) => r.callMs),
      queries: results.reduce<Record<string, number[]>>((acc, r) => {
        for (const [kind, ms] of Object.entries(r.queryMs ?? {})) (acc[kind] ??= []).push(...ms);
        return acc;
      }, {}),
      failures: results.reduce<Record<string, number>>((acc, r) => {
        for (const [code, n] of Object.entries(r.failures)) acc[code] = (acc[code] ?? 0) + n;
        return acc;
      }, {}),
    });

    // Baseline: the same row shape, a fixed distinct address each, inserted in a transaction of its own.
    let started = performance.now();
    const baselineRun = merge(await runInstances(spec('baseline', baselineIds)));
    const baselineWallMs = performance.now() - started;

    // Allocation: every order on its instance, allocate() inside a transaction of its own.
    started = performance.now();
    const allocationRun = merge(await runInstances(spec('allocate', orderIds)));
    const allocationWallMs = performance.now() - started;
    const failures = new Map(Object.entries({ ...baselineRun.failures, ...allocationRun.failures }));

    const rows = (await setup('ip_assignments').whereNot('pool_id', base.pool.id).select('address', 'service_row_id', 'family')) as Array<{
      address: string;
      service_row_id: number;
      family: number;
    }>;
    const heldTwice = rows.length - new Set(rows.map((r) => r.address)).size;
    const perService = new Map<string, number>();
    for (const r of rows) perService.set(`${r.service_row_id}/${r.family}`, (perService.get(`${r.service_row_id}/${r.family}`) ?? 0) + 1);
    const doubleHolders = [...perService.values()].filter((n) => n > 1).length;
    const withBoth = new Set(rows.filter((r) => r.family === 4).map((r) => r.service_row_id));
    const completeOrders = rows.filter((r) => r.family === 6 && withBoth.has(r.service_row_id)).length;
    const usage = (await admin.get(v4.pool.name)).usage;

    const baseline = summarize(baselineRun.inner);
    const allocation = summarize(allocationRun.inner);
    const call = summarize(allocationRun.call);
    console.log(`IP allocation on ${version}: ${instances} instances × ${perInstance} orders at once (${total} orders)`);
    console.log(
      table([
        ['', 'count', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'wall s', 'orders/s'],
        [
          'bare insert (baseline)',
          baseline.count,
          baseline.p50,
          baseline.p90,
          baseline.p99,
          baseline.max,
          (baselineWallMs / 1000).toFixed(2),
          Math.round(total / (baselineWallMs / 1000)),
        ],
        [
          'allocate() v4 + v6',
          allocation.count,
          allocation.p50,
          allocation.p90,
          allocation.p99,
          allocation.max,
          (allocationWallMs / 1000).toFixed(2),
          Math.round(total / (allocationWallMs / 1000)),
        ],
        ['whole call (incl. commit)', call.count, call.p50, call.p90, call.p99, call.max, '', ''],
      ]),
    );
    const ratios = {
      p50: ratio(allocation.p50, baseline.p50),
      p99: ratio(allocation.p99, baseline.p99),
      wall: ratio(allocationWallMs, baselineWallMs),
    };
    if (perQuery) {
      for (const [name, run] of [
        ['baseline', baselineRun],
        ['allocation', allocationRun],
      ] as const) {
        console.log(`\nper statement (${name} run)`);
        const kinds = Object.entries(run.queries).sort((a, b) => b[1].length - a[1].length);
        console.log(
          table([
            ['statement', 'count', 'per order', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
            ...kinds.map(([kind, ms]) => {
              const q = summarize(ms);
              return [kind, q.count, (q.count / total).toFixed(2), q.p50, q.p90, q.p99, q.max];
            }),
          ]),
        );
      }
    }
    console.log(`allocate() / bare insert: p50 ×${ratios.p50}, p99 ×${ratios.p99}, wall ×${ratios.wall}`);
    console.log(
      `v4 pool after the run: ${usage.used} held of ${usage.size}; failures: ${failures.size === 0 ? 'none' : JSON.stringify(Object.fromEntries(failures))}`,
    );

    const checks: TargetCheck[] = [
      { name: 'addresses held twice', target: '0', measured: heldTwice, unit: 'addresses', pass: heldTwice === 0 },
      { name: 'services holding two of a family', target: '0', measured: doubleHolders, unit: 'services', pass: doubleHolders === 0 },
      {
        name: 'orders holding one IPv4 and one IPv6',
        target: `${total}`,
        measured: completeOrders,
        unit: 'orders',
        pass: completeOrders === total && failures.size === 0,
      },
      {
        name: 'allocate() p99 (v4 + v6)',
        target: `< ${P99_TARGET_MS} ms`,
        measured: allocation.p99,
        unit: 'ms',
        pass: allocation.p99 < P99_TARGET_MS,
      },
    ];
    printTargets(checks);
    const file = writeResults('ip-allocation', {
      bench: 'ip-allocation',
      date: new Date().toISOString(),
      machine: machine(),
      ...quiet,
      parameters: {
        database: version,
        instances,
        ordersPerInstance: perInstance,
        orders: total,
        pools: {
          v4: '10.64.0.0/18 (16,381 addresses: network, broadcast and gateway reserved)',
          v6: '2001:db8:40::/48 in /64s (65,536 prefixes)',
        },
        knexPoolPerInstance: POOL_SIZE,
        inFlightPerInstance: inFlight,
        instanceModel: `${instances} worker threads, each with its own event loop and knex pool`,
        measure:
          'allocate() inside its own transaction (connection held); the baseline is a bare insert of an assignment row in a transaction of its own',
      },
      figures: {
        baselineMs: baseline,
        allocateMs: allocation,
        wholeCallMs: call,
        baselineWallMs: Math.round(baselineWallMs),
        allocationWallMs: Math.round(allocationWallMs),
        ratios,
        heldTwice,
        doubleHolders,
        completeOrders,
        failures: Object.fromEntries(failures),
      },
      targets: checks,
    });
    console.log(`\nresults: ${file}`);
    if (checks.some((c) => !c.pass)) process.exitCode = 1;
  } finally {
    await setup.destroy();
    await db.drop();
    workspace.remove();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
