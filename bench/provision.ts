/**
 * `npm run bench:provision`: 1,000 orders (`--quick`: 100) from signed webhook to a running VPS against the engine
 * simulator with near-instant clones, through the real service (HTTP intake, job queue, worker, engine client,
 * callbacks). Each order is a usable VPS: an OS choice, a password and an SSH key, addresses from IPv4 and
 * IPv6 pools, cloud-init, the NIC on the pool's profile and the boot disk grown from 20 to 30 GiB. Reports total time,
 * orders per second, order-to-active latency and engine calls per order (at most 10), beside a baseline in the same
 * run: the same VMs built directly with the oVirt client (the same create, NIC, disk, start and guest-report calls),
 * no service in between, at the same concurrency and poll interval.
 *
 * A second phase measures latency with engine-like durations (clone 3 s, launch 0.5 s, power-up 1.5 s, disk extend
 * 0.5 s): order-to-active p50 over the engine's own time for the same work (clone + extend + boot), target <= 1.15.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  DEFAULT_PASSWORD,
  DEFAULT_USERNAME,
  generateScenario,
  type MetricsSnapshot,
  type RunningSimulator,
  startSimulator,
  type StartOptions,
} from '../ovirt-simulator';
import { readDate } from '../server/db/columns';
import type { JobState } from '../server/jobs/job-queue';
import { createLogger } from '../server/logger';
import { createOvirtClient, type EngineTarget } from '../server/ovirt';
import { type BenchDatabase, createBenchDatabase, createPlan, createPool, createWorkspace, type DatabaseKind, startBridge } from './bridge';
import { runClosedLoop } from './http-load';
import { checkQuiet, machine, Options, printTargets, type TargetCheck, table, writeResults } from './report';
import { type LatencySummary, ratio, round, summarize } from './stats';
import { serviceIdFor, signedCreates } from './webhook-requests';

const options = new Options({
  count: 'orders (default 1000)',
  quick: 'run 100 orders instead of 1000',
  db: 'sqlite | mysql | both (default sqlite; mysql needs TEST_MYSQL_URL)',
  'job-concurrency': 'JOB_CONCURRENCY of the worker, and lanes of the direct baseline (default 8)',
  'poll-ms': 'JOB_POLL_MS and PROVISION_POLL_MS, and the baseline poll interval (default 10)',
  'max-in-flight': 'engine calls in flight at once, both runs (default 8)',
  'send-concurrency': 'webhooks in flight at once (default 16)',
  'log-level': "the service's log level; logs go to a scratch file (default info, as in production)",
});

/** Instant clones: every engine delay a few simulated (= real) milliseconds. */
const TIMINGS = {
  vmCreateMs: 5,
  vmWaitForLaunchMs: 2,
  vmPoweringUpMs: 3,
  vmStopMs: 1,
  vmShutdownMs: 2,
  vmRemoveMs: 1,
  diskResizeMs: 2,
  guestAgentReportMs: 1,
};
/** Engine-like durations for the latency phase (simulated = real ms): what the engine itself needs per VPS. */
const LATENCY_TIMINGS = {
  vmCreateMs: 3000,
  vmWaitForLaunchMs: 500,
  vmPoweringUpMs: 1500,
  vmStopMs: 1,
  vmShutdownMs: 2,
  vmRemoveMs: 1,
  diskResizeMs: 500,
  guestAgentReportMs: 100,
};
const ENGINE_OWN_MS =
  LATENCY_TIMINGS.vmCreateMs + LATENCY_TIMINGS.diskResizeMs + LATENCY_TIMINGS.vmWaitForLaunchMs + LATENCY_TIMINGS.vmPoweringUpMs;
const LATENCY_ORDERS = 40;
const LATENCY_POLL_MS = 100;
const GIB = 1024 ** 3;
const PLAN = {
  product_id: '7',
  name: 'VPS HA S',
  template: 'debian-12',
  cluster: 'Default',
  vcpus: 1,
  memory_mib: 1024,
  ha: { enabled: true, priority: 50 },
  disk_gib: 30,
  os_options: [{ key: 'debian-12', label: 'Debian 12', template: 'debian-12' }],
};
/**
 * Pools on the management network, which the generated templates' NIC is on already (so no NIC is moved; a provider
 * with one VM network is in the same case). 198.18.0.0/15 is the range RFC 2544 sets aside for benchmarks.
 */
const POOLS = [
  {
    name: 'bench-v4',
    cluster: 'Default',
    network: 'ovirtmgmt',
    cidr: '198.18.0.0/16',
    gateway: '198.18.0.1',
    dns: ['198.18.0.53'],
    ranges: [{ from: '198.18.0.10', to: '198.18.255.250' }],
  },
  { name: 'bench-v6', cluster: 'Default', network: 'ovirtmgmt', cidr: '2001:db8:100::/48', gateway: 'fe80::1' },
];

function ed25519Key(): string {
  const raw = Buffer.from(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return `ssh-ed25519 ${Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]).toString('base64')} bench@example.net`;
}
const ORDER_DATA = { os: 'debian-12', password: 'Bench-Password-0123456789', ssh_keys: [ed25519Key()] };

interface Settings {
  count: number;
  jobConcurrency: number;
  pollMs: number;
  maxInFlight: number;
  sendConcurrency: number;
  hosts: number;
  logLevel: string;
  timings: Record<string, number>;
}

interface EngineFigures {
  apiRequests: number;
  apiRequestsPerOrder: number;
  tokenRequests: number;
  maxInFlight: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
}

function simulatorOptions(s: Settings): StartOptions {
  // One cluster named Default of 512 GiB / 32-core hosts, big enough that the sell gate never refuses an order.
  return { clock: 'real', scenario: generateScenario({ hosts: s.hosts, vms: 0, hostsPerCluster: s.hosts }), timings: s.timings };
}

function engineTarget(sim: RunningSimulator, s: Settings): EngineTarget {
  return {
    url: sim.url,
    username: DEFAULT_USERNAME,
    password: DEFAULT_PASSWORD,
    timeoutMs: 10_000,
    maxInFlight: s.maxInFlight,
    readRetries: 3,
    retryBaseMs: 10,
    retryCapMs: 200,
  };
}

function engineFigures(m: MetricsSnapshot, orders: number): EngineFigures {
  return {
    apiRequests: m.apiRequests,
    apiRequestsPerOrder: round(m.apiRequests / orders, 2),
    tokenRequests: m.tokenRequests,
    maxInFlight: m.maxInFlight,
    byRoute: Object.fromEntries(Object.entries(m.byRoute).sort((a, b) => b[1] - a[1])),
    byStatus: m.byStatus,
  };
}

function vmCounts(sim: RunningSimulator, prefix: string): { total: number; named: number; up: number; byStatus: Record<string, number> } {
  const byStatus: Record<string, number> = {};
  let named = 0;
  let up = 0;
  for (const vm of sim.world.vms.values()) {
    byStatus[vm.status] = (byStatus[vm.status] ?? 0) + 1;
    if (vm.name.startsWith(prefix)) {
      named += 1;
      if (vm.status === 'up') up += 1;
    }
  }
  return { total: sim.world.vms.size, named, up, byStatus };
}

/** Polls `check` every `everyMs` until it is true or `timeoutMs` passed; returns whether it became true. */
async function until(check: () => Promise<boolean>, timeoutMs: number, everyMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The baseline: create, wait for the clone, start, wait for `up`, per VM, with the client alone. */
async function runDirect(s: Settings): Promise<{
  elapsedMs: number;
  ordersPerSecond: number;
  latencyMs: LatencySummary;
  engine: EngineFigures;
  vms: ReturnType<typeof vmCounts>;
  failures: string[];
}> {
  const sim = await startSimulator(simulatorOptions(s));
  const client = createOvirtClient(engineTarget(sim, s), createLogger('silent'));
  const latencies: number[] = [];
  const failures: string[] = [];
  try {
    const wait = { timeoutMs: 60_000, pollMs: s.pollMs };
    let next = 0;
    const started = performance.now();
    const lane = async () => {
      for (let i = next++; i < s.count; i = next++) {
        const t0 = performance.now();
        try {
          // The same engine work as an order: create with cloud-init, the NIC checked, the disk grown, boot.
          let vm = await client.createVm({
            name: `direct-${i + 1}`,
            cluster: PLAN.cluster,
            template: PLAN.template,
            memoryMib: PLAN.memory_mib,
            vcpus: PLAN.vcpus,
            ha: PLAN.ha,
            description: `direct-${i + 1}.bench.example.net`,
            comment: `bench direct ${i + 1}`,
            initialization: {
              hostName: `direct-${i + 1}.bench.example.net`,
              userName: 'root',
              rootPassword: ORDER_DATA.password,
              authorizedSshKeys: ORDER_DATA.ssh_keys,
              dnsServers: ['198.18.0.53'],
              dnsSearch: [],
              timezone: 'UTC',
              nics: [
                {
                  name: 'eth0',
                  ipv4: { address: `198.19.${Math.floor(i / 250)}.${(i % 250) + 1}`, netmask: '255.255.0.0', gateway: '198.18.0.1' },
                },
              ],
            },
          });
          if (vm.status === 'image_locked') vm = await client.waitForVmCreated(vm.id, wait);
          const [nic] = await client.devices.listVmNics(vm.id);
          const [disk] = await client.devices.listVmDiskAttachments(vm.id);
          if (disk) {
            await client.devices.resizeVmDisk(vm.id, disk.id, PLAN.disk_gib * GIB);
            await client.devices.waitForDiskReady(vm.id, disk.id, wait);
          }
          await client.startVm(vm.id);
          await client.waitForVmStatus(vm.id, ['up'], wait);
          if (nic) await client.devices.reportedAddresses(vm.id, nic.id);
          latencies.push(performance.now() - t0);
        } catch (err) {
          if (failures.length < 5) failures.push(err instanceof Error ? err.message : String(err));
        }
      }
    };
    await Promise.all(Array.from({ length: s.jobConcurrency }, lane));
    const elapsedMs = performance.now() - started;
    return {
      elapsedMs: round(elapsedMs, 1),
      ordersPerSecond: round(latencies.length / (elapsedMs / 1000), 1),
      latencyMs: summarize(latencies),
      engine: engineFigures(sim.control.metrics.snapshot(), s.count),
      vms: vmCounts(sim, 'direct-'),
      failures,
    };
  } finally {
    await client.close();
    await sim.close();
  }
}

/** Stands in for the billing panel's callback URL: answers 204 and counts by callback type. */
async function startCallbackSink(): Promise<{ url: string; received: Record<string, number>; close(): Promise<void> }> {
  const received: Record<string, number> = {};
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      let type = 'unparsable';
      try {
        type = String((JSON.parse(raw) as { type?: unknown }).type);
      } catch {
        /* counted as unparsable */
      }
      received[type] = (received[type] ?? 0) + 1;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`,
    received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

interface BridgeFigures {
  database: string;
  databaseVersion: string;
  /** First webhook sent to the last service active. */
  totalMs: number;
  ordersPerSecond: number;
  intake: {
    accepted: number;
    rejected: number;
    elapsedMs: number;
    acceptedPerSecond: number;
    latencyMs: LatencySummary;
    errorSamples: string[];
  };
  orderToActiveMs: LatencySummary;
  servicesByState: Record<string, number>;
  jobsByState: Record<JobState, number>;
  callbacks: Record<string, number>;
  engine: EngineFigures;
  vms: ReturnType<typeof vmCounts>;
  allActive: boolean;
  drained: boolean;
}

async function runBridge(kind: DatabaseKind, db: BenchDatabase, workspace: string, s: Settings): Promise<BridgeFigures> {
  const sim = await startSimulator(simulatorOptions(s));
  const sink = await startCallbackSink();
  const bridge = await startBridge({
    db,
    logFile: `${workspace}/provision-${kind}.log`,
    logLevel: s.logLevel,
    engine: engineTarget(sim, s),
    env: {
      JOB_CONCURRENCY: String(s.jobConcurrency),
      JOB_POLL_MS: String(s.pollMs),
      PROVISION_POLL_MS: String(s.pollMs),
      JOB_LEASE_MS: '30000',
      JOB_BACKOFF_BASE_MS: '50',
      JOB_BACKOFF_CAP_MS: '1000',
      BILLING_CALLBACK_URL: sink.url,
      VM_NAME_PREFIX: 'vps-',
    },
  });
  const knex = bridge.container.knex;
  try {
    await createPlan(bridge, PLAN);
    for (const pool of POOLS) await createPool(bridge, pool);
    const requests = signedCreates(
      {
        path: '/webhooks/billing',
        secret: bridge.webhookSecret,
        idPrefix: 'order',
        productId: PLAN.product_id,
        clientId: '55',
        extraData: ORDER_DATA,
      },
      s.count,
    );
    sim.control.metrics.reset();
    bridge.container.worker.start();

    process.stdout.write(`bridge on ${kind}: sending ${s.count} orders… `);
    const started = Date.now();
    const intake = await runClosedLoop(
      bridge.port,
      requests,
      { kind: 'closed', concurrency: s.sendConcurrency, durationMs: 300_000 },
      10_000,
    );
    let accepted = 0;
    const intakeLatencies: number[] = [];
    for (let i = 0; i < intake.statuses.length; i++) {
      if (intake.statuses[i] === 202) accepted += 1;
      if ((intake.statuses[i] ?? -1) >= 0) intakeLatencies.push(intake.latencies[i] ?? Number.NaN);
    }

    process.stdout.write(`waiting for ${accepted} VPS to be active… `);
    const countWhere = async (state: string) =>
      Number(((await knex('services').where('actual_state', state).count({ n: '*' })) as Array<{ n: unknown }>)[0]?.n ?? 0);
    const allActive = await until(
      async () => (await countWhere('active')) >= accepted || (await countWhere('failed')) > 0,
      60_000 + s.count * 150,
    );
    process.stdout.write('draining callbacks… ');
    const drained = await until(async () => {
      const jobs = await bridge.container.jobs.countByState();
      return jobs.queued === 0 && jobs.running === 0;
    }, 60_000);
    console.log('done');
    // Per accepted order: a refused order (422 from the gate) costs no engine call of its own.
    const engine = engineFigures(sim.control.metrics.snapshot(), Math.max(1, accepted));

    const rows = (await knex('services').select('billing_service_id', 'actual_state', 'updated_at')) as Array<{
      billing_service_id: string;
      actual_state: string;
      updated_at: unknown;
    }>;
    const servicesByState: Record<string, number> = {};
    const orderToActive: number[] = [];
    let lastActive = started;
    for (const r of rows) {
      servicesByState[r.actual_state] = (servicesByState[r.actual_state] ?? 0) + 1;
      if (r.actual_state !== 'active') continue;
      // The row's last update is the write that made it active (nothing touches it afterwards in this run).
      const activeAt = readDate(r.updated_at).getTime();
      const n = Number(r.billing_service_id.slice(r.billing_service_id.lastIndexOf('-') + 1));
      const sentAt = intake.sentAt[n - 1];
      if (r.billing_service_id === serviceIdFor('order', n) && sentAt !== undefined && Number.isFinite(sentAt))
        orderToActive.push(activeAt - sentAt);
      lastActive = Math.max(lastActive, activeAt);
    }
    const totalMs = lastActive - started;
    return {
      database: db.label,
      databaseVersion: bridge.databaseVersion,
      totalMs,
      ordersPerSecond: round((servicesByState.active ?? 0) / (totalMs / 1000), 1),
      intake: {
        accepted,
        rejected: intake.sent - accepted,
        elapsedMs: round(intake.elapsedMs, 1),
        acceptedPerSecond: round(accepted / (intake.elapsedMs / 1000), 1),
        latencyMs: summarize(intakeLatencies),
        errorSamples: intake.errorSamples,
      },
      orderToActiveMs: summarize(orderToActive),
      servicesByState,
      jobsByState: await bridge.container.jobs.countByState(),
      callbacks: { ...sink.received },
      engine,
      vms: vmCounts(sim, 'vps-'),
      allActive,
      drained,
    };
  } finally {
    await bridge.close();
    await sink.close();
    await sim.close();
  }
}

async function main(): Promise<void> {
  if (options.help) {
    console.log(`npm run bench:provision -- [options]\n${options.usage()}`);
    return;
  }
  const mysqlUrl = process.env.TEST_MYSQL_URL;
  const dbChoice = options.string('db', 'sqlite');
  if (!['sqlite', 'mysql', 'both'].includes(dbChoice)) throw new Error('--db must be sqlite, mysql or both');
  const wanted: DatabaseKind[] = dbChoice === 'both' ? ['sqlite', 'mysql'] : [dbChoice as DatabaseKind];
  if (wanted.includes('mysql') && !mysqlUrl) throw new Error('--db mysql needs TEST_MYSQL_URL (e.g. mysql://root@127.0.0.1:3306/test)');
  const count = Math.floor(options.flag('quick') ? 100 : options.number('count', 1000));
  const s: Settings = {
    count,
    jobConcurrency: Math.floor(options.number('job-concurrency', 8)),
    pollMs: Math.max(10, Math.floor(options.number('poll-ms', 10))),
    maxInFlight: Math.floor(options.number('max-in-flight', 8)),
    sendConcurrency: Math.floor(options.number('send-concurrency', 16)),
    // The sell gate counts 4 vCPUs per physical core (32 per host, so 128 1-vCPU VPS) and keeps one host spare (N+1).
    hosts: Math.max(3, Math.ceil(count / 100) + 2),
    logLevel: options.string('log-level', 'info'),
    timings: TIMINGS,
  };
  // One worker lane per order, as a lone order would have: the phase measures the time an order takes, not queueing.
  const latency: Settings = {
    ...s,
    count: LATENCY_ORDERS,
    jobConcurrency: LATENCY_ORDERS,
    pollMs: LATENCY_POLL_MS,
    hosts: 3,
    timings: LATENCY_TIMINGS,
  };
  const m = machine();
  console.log(`bench:provision, ${s.count} orders on ${m.cpus} × ${m.cpuModel}, Node ${m.node}; databases: ${wanted.join(', ')}`);
  if (!wanted.includes('mysql')) console.log('MySQL/MariaDB not run (use --db both or --db mysql with TEST_MYSQL_URL)');
  const quiet = await checkQuiet();

  process.stdout.write(`direct client baseline: ${s.count} VMs created and started… `);
  const direct = await runDirect(s);
  console.log(`${direct.elapsedMs} ms`);

  const workspace = createWorkspace('provision');
  const bridges: Partial<Record<DatabaseKind, BridgeFigures>> = {};
  const latencyBridges: Partial<Record<DatabaseKind, BridgeFigures>> = {};
  process.stdout.write(`latency phase, direct client: ${latency.count} VMs with engine-like durations… `);
  const latencyDirect = await runDirect(latency);
  console.log(`p50 ${latencyDirect.latencyMs.p50} ms`);
  try {
    for (const kind of wanted) {
      for (const [phase, settings, into] of [
        ['throughput', s, bridges],
        ['latency', latency, latencyBridges],
      ] as const) {
        const db = await createBenchDatabase(kind, workspace.dir, mysqlUrl);
        try {
          if (phase === 'latency') process.stdout.write('latency phase, ');
          into[kind] = await runBridge(kind, db, workspace.dir, settings);
        } finally {
          await db.drop();
        }
      }
    }
  } finally {
    workspace.remove();
  }

  const header = ['run', 'total ms', 'orders/s', 'p50 ms', 'p99 ms', 'engine calls/order', 'token reqs', 'VMs up', 'ratio to direct'];
  const rows: Array<Array<string | number | null>> = [
    [
      'direct client',
      direct.elapsedMs,
      direct.ordersPerSecond,
      direct.latencyMs.p50,
      direct.latencyMs.p99,
      direct.engine.apiRequestsPerOrder,
      direct.engine.tokenRequests,
      direct.vms.up,
      1,
    ],
  ];
  for (const [kind, b] of Object.entries(bridges)) {
    rows.push([
      `bridge on ${kind}`,
      b.totalMs,
      b.ordersPerSecond,
      b.orderToActiveMs.p50,
      b.orderToActiveMs.p99,
      b.engine.apiRequestsPerOrder,
      b.engine.tokenRequests,
      b.vms.up,
      ratio(b.totalMs, direct.elapsedMs),
    ]);
  }
  console.log(`\n${table([header, ...rows])}`);
  for (const [kind, b] of Object.entries(bridges)) {
    console.log(
      `\nbridge on ${kind}: intake ${b.intake.accepted} accepted at ${b.intake.acceptedPerSecond}/s (p99 ${b.intake.latencyMs.p99} ms)`,
    );
    console.log(
      `  services ${JSON.stringify(b.servicesByState)}; jobs ${JSON.stringify(b.jobsByState)}; callbacks ${JSON.stringify(b.callbacks)}`,
    );
    console.log(`  simulator VMs ${JSON.stringify(b.vms.byStatus)}; engine calls by route ${JSON.stringify(b.engine.byRoute)}`);
  }

  const checks: TargetCheck[] = [];
  for (const [kind, b] of Object.entries(bridges)) {
    checks.push({
      name: `engine API calls per order on ${kind}`,
      target: '<= 10',
      unit: 'calls',
      measured: b.engine.apiRequestsPerOrder,
      pass: b.engine.apiRequestsPerOrder <= 10,
    });
    checks.push({
      name: `every order active on ${kind}`,
      target: `${s.count} active`,
      unit: 'active',
      measured: b.servicesByState.active ?? 0,
      pass: b.allActive && (b.servicesByState.active ?? 0) === s.count,
    });
    const left = b.jobsByState.queued + b.jobsByState.running;
    checks.push({
      name: `no job left queued or running, none dead on ${kind}`,
      target: '0 queued, 0 running, 0 dead',
      unit: 'jobs',
      measured: left + b.jobsByState.dead,
      pass: left === 0 && b.jobsByState.dead === 0,
    });
    checks.push({
      name: `VMs in the simulator on ${kind}`,
      target: `exactly ${s.count}, all up`,
      unit: 'up',
      measured: b.vms.up,
      pass: b.vms.up === s.count && b.vms.total === s.count,
    });
  }
  console.log(
    `\nlatency phase (${latency.count} orders, engine's own time per VPS ${ENGINE_OWN_MS} ms: clone ${LATENCY_TIMINGS.vmCreateMs} ` +
      `+ disk extend ${LATENCY_TIMINGS.diskResizeMs} + launch ${LATENCY_TIMINGS.vmWaitForLaunchMs} + power-up ` +
      `${LATENCY_TIMINGS.vmPoweringUpMs}; poll ${LATENCY_POLL_MS} ms)`,
  );
  const latencyRows: Array<Array<string | number | null>> = [
    ['direct client', latencyDirect.latencyMs.p50, latencyDirect.latencyMs.p99, ratio(latencyDirect.latencyMs.p50, ENGINE_OWN_MS)],
  ];
  for (const [kind, b] of Object.entries(latencyBridges)) {
    const over = ratio(b.orderToActiveMs.p50, ENGINE_OWN_MS);
    latencyRows.push([`bridge on ${kind}`, b.orderToActiveMs.p50, b.orderToActiveMs.p99, over]);
    checks.push({
      name: `order-to-active p50 over the engine's own clone + extend + boot time on ${kind}`,
      target: '<= 1.15',
      unit: 'ratio',
      measured: over,
      pass: over !== null && over <= 1.15 && (b.servicesByState.active ?? 0) === latency.count,
    });
  }
  console.log(table([['run', 'order-to-active p50 ms', 'p99 ms', 'ratio to engine time'], ...latencyRows]));
  printTargets(checks);

  const file = writeResults('provision', {
    bench: 'provision',
    date: new Date().toISOString(),
    machine: m,
    ...quiet,
    parameters: {
      ...s,
      databases: wanted,
      simulatorTimingsMs: TIMINGS,
      plan: PLAN,
      pools: POOLS,
      order: { ...ORDER_DATA, password: '(a 25-character password)' },
      latency: { orders: latency.count, pollMs: LATENCY_POLL_MS, simulatorTimingsMs: LATENCY_TIMINGS, engineOwnMs: ENGINE_OWN_MS },
    },
    baseline: { name: 'direct oVirt client, same VMs, same concurrency and poll interval', ...direct },
    results: bridges,
    latency: { engineOwnMs: ENGINE_OWN_MS, direct: latencyDirect, results: latencyBridges },
    ratios: Object.fromEntries(
      Object.entries(bridges).map(([k, b]) => [
        k,
        {
          totalTimeBridgeOverDirect: ratio(b.totalMs, direct.elapsedMs),
          orderToActiveP50OverEngineTime: ratio(latencyBridges[k as DatabaseKind]?.orderToActiveMs.p50, ENGINE_OWN_MS),
        },
      ]),
    ),
    targets: checks,
    pass: checks.every((c) => c.pass),
  });
  console.log(`\nresults: ${file}`);
  process.exitCode = checks.every((c) => c.pass) ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error('bench:provision failed:', err);
  process.exit(2);
});
