/**
 * `npm run chaos` (`-- --short` for CI): three instances of the bridge on one MariaDB take 300 orders, then 100
 * terminations and 100 suspensions, each webhook delivered 1–3 times to instances in turn, while one instance at a
 * time is SIGKILLed every few seconds and started again and the simulated engine misbehaves (500s, slow answers, a
 * create that times out, a create whose answer is lost, dropped connections, revoked tokens). Then the chaos stops,
 * the fleet converges (bounded), and the verdict checks: every service in the state the panel asked for, exactly one
 * VM per service that should have one and none for the others, no job queued, running or dead, every transition
 * called back. Figures go to bench/results/chaos.json; exit 0 only when the verdict passes.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { DEFAULT_PASSWORD, DEFAULT_USERNAME, generateScenario, startSimulator } from '../ovirt-simulator';
import { SeededRandom } from '../ovirt-simulator/random';
import { AdminTokens } from '../server/auth/admin-tokens';
import { systemClock } from '../server/clock';
import { parseDatabaseUrl } from '../server/config';
import { createKnex } from '../server/db/knex';
import { createBenchDatabase, createWorkspace } from './bridge';
import { EngineFaults } from './chaos/engine-faults';
import { Fleet, freePorts } from './chaos/fleet';
import { Killer } from './chaos/killer';
import { type Outgoing, Panel, sleep, startCallbackSink } from './chaos/panel';
import { type Expected, judge, type Observed } from './chaos/verdict';
import { checkQuiet, machine, Options, printTargets, type TargetCheck, table, writeResults } from './report';
import { round } from './stats';

const options = new Options({
  short: 'the CI form: 60 orders, 20 terminations, 20 suspensions, at least 6 kills',
  orders: 'orders (default 300)',
  terminations: 'terminations after the orders (default 100)',
  suspensions: 'suspensions after the orders (default 100)',
  'min-kills': 'the chaos lasts until at least this many SIGKILLs (default 20)',
  seed: 'seed for every random choice of the run (default 20261201)',
  'converge-seconds': 'bound on each convergence wait (default 300)',
  rate: 'webhooks per second the panel sends (default 10; --short 5)',
  parallel: 'webhooks in flight at once (default 12)',
});

const PREFIX = 'chaos-';
const PLAN = {
  product_id: '7',
  name: 'VPS HA chaos',
  template: 'debian-12',
  cluster: 'Default',
  vcpus: 1,
  memory_mib: 1024,
  ha: { enabled: true, priority: 50 },
};
/** Engine delays in real milliseconds: short, but long enough that kills land between the steps of an order. */
const TIMINGS = { vmCreateMs: 200, vmWaitForLaunchMs: 50, vmPoweringUpMs: 100, vmStopMs: 50, vmShutdownMs: 100, vmRemoveMs: 50 };

interface Settings {
  orders: number;
  terminations: number;
  suspensions: number;
  minKills: number;
  seed: number;
  convergeMs: number;
  rate: number;
  parallel: number;
}

function settings(): Settings {
  const short = options.flag('short');
  const s: Settings = {
    orders: options.number('orders', short ? 60 : 300),
    terminations: options.number('terminations', short ? 20 : 100),
    suspensions: options.number('suspensions', short ? 20 : 100),
    minKills: options.number('min-kills', short ? 6 : 20),
    seed: options.number('seed', 20261201),
    convergeMs: options.number('converge-seconds', 300) * 1000,
    rate: options.number('rate', short ? 5 : 10),
    parallel: options.number('parallel', 12),
  };
  if (s.terminations + s.suspensions > s.orders) throw new Error('--terminations plus --suspensions cannot exceed --orders');
  return s;
}

function webhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

function webhook(seed: number, type: string, i: number, data: Record<string, unknown>): Outgoing {
  return { id: `msg_chaos_${seed}_${type.replace('service.', '')}_${i}`, body: JSON.stringify({ type, data }) };
}

function shuffle<T>(items: T[], rng: SeededRandom): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** The panel's work: reconciles and callbacks. Recurring jobs (sweeps, housekeeping) are always queued by design. */
const WORK = ['reconcile', 'callback'];

async function openJobs(knex: Knex): Promise<{ queued: number; running: number; dead: number }> {
  const rows = (await knex('jobs').select('state', 'kind').count({ n: '*' }).groupBy('state', 'kind')) as Array<{
    state: string;
    kind: string;
    n: number | string;
  }>;
  const sum = (keep: (r: { state: string; kind: string }) => boolean) => rows.filter(keep).reduce((a, r) => a + Number(r.n), 0);
  return {
    queued: sum((r) => r.state === 'queued' && WORK.includes(r.kind)),
    running: sum((r) => r.state === 'running' && WORK.includes(r.kind)),
    dead: sum((r) => r.state === 'dead'),
  };
}

/** Waits until every expected service's row says the expected state and no job is queued or running. */
async function converge(knex: Knex, expected: Expected[], boundMs: number): Promise<{ converged: boolean; ms: number }> {
  const started = Date.now();
  const want = new Map(expected.map((e) => [e.billingServiceId, e.state]));
  while (Date.now() - started < boundMs) {
    const rows = (await knex('services').select('billing_service_id', 'actual_state')) as Array<{
      billing_service_id: string;
      actual_state: string;
    }>;
    const settled = rows.filter((r) => want.get(r.billing_service_id) === r.actual_state).length === want.size;
    const jobs = await openJobs(knex);
    if (settled && jobs.queued + jobs.running === 0) return { converged: true, ms: Date.now() - started };
    await sleep(250);
  }
  return { converged: false, ms: Date.now() - started };
}

async function main(): Promise<number> {
  if (options.help) {
    console.log(`npm run chaos -- [options]\n${options.usage()}`);
    return 0;
  }
  const s = settings();
  const mysqlUrl = process.env.TEST_MYSQL_URL;
  if (!mysqlUrl) {
    console.error(
      'The chaos run needs MariaDB/MySQL shared by three processes: set TEST_MYSQL_URL (e.g. mysql://root@127.0.0.1:3306/test).',
    );
    return 2;
  }
  const quiet = await checkQuiet();
  const rng = new SeededRandom(s.seed);
  const workspace = createWorkspace('chaos');
  const db = await createBenchDatabase('mysql', workspace.dir, mysqlUrl);
  const knex = createKnex(parseDatabaseUrl(db.url));
  const sim = await startSimulator({
    clock: 'real',
    seed: s.seed,
    timings: TIMINGS,
    scenario: generateScenario({ hosts: 6, vms: 0, hostsPerCluster: 6 }),
  });
  const secrets = {
    SESSION_SECRET: randomBytes(32).toString('hex'),
    BILLING_API_KEY: randomBytes(32).toString('hex'),
    WEBHOOK_SECRET: webhookSecret(),
    CALLBACK_SECRET: webhookSecret(),
    SECRETS_KEY: randomBytes(32).toString('hex'),
  };
  const sink = await startCallbackSink(secrets.CALLBACK_SECRET, rng, 0.05);
  const fleet = new Fleet(
    await freePorts(3),
    {
      ...secrets,
      DATABASE_URL: db.url,
      OVIRT_URL: sim.url,
      OVIRT_USERNAME: DEFAULT_USERNAME,
      OVIRT_PASSWORD: DEFAULT_PASSWORD,
      OVIRT_TIMEOUT_MS: '2000',
      BILLING_CALLBACK_URL: sink.url,
      PUBLIC_URL: 'http://127.0.0.1',
      LOG_LEVEL: 'warn',
      VM_NAME_PREFIX: PREFIX,
      JOB_CONCURRENCY: '4',
      JOB_POLL_MS: '50',
      JOB_LEASE_MS: '3000',
      JOB_BACKOFF_BASE_MS: '200',
      JOB_BACKOFF_CAP_MS: '3000',
      PROVISION_POLL_MS: '50',
      CAPACITY_CACHE_MS: '2000',
    },
    workspace.dir,
  );
  const started = Date.now();
  const killer = new Killer(fleet, knex, rng, [2000, 4000], [300, 1500]);
  const faults = new EngineFaults(sim.control, rng, [4000, 9000]);
  const panel = new Panel(fleet, secrets.WEBHOOK_SECRET, rng);
  let verdictPass = false;
  try {
    console.log(
      `chaos run: ${s.orders} orders, ${s.terminations} terminations, ${s.suspensions} suspensions, ≥ ${s.minKills} kills, seed ${s.seed}`,
    );
    console.log(`logs: ${workspace.dir}`);
    // The first instance migrates the empty database; the others start once it has.
    await fleet.start(0);
    await Promise.all([fleet.start(1), fleet.start(2)]);
    const admin = `Bearer ${new AdminTokens(secrets.SESSION_SECRET, systemClock).sign('chaos')}`;
    const plan = await fetch(`${fleet.instances[0]!.url}/api/v1/admin/plans`, {
      method: 'POST',
      headers: { Authorization: admin, 'Content-Type': 'application/json' },
      body: JSON.stringify(PLAN),
    });
    if (plan.status !== 201) throw new Error(`creating the plan failed: ${plan.status} ${await plan.text()}`);

    faults.start();
    killer.start();
    const ids = Array.from({ length: s.orders }, (_, i) => `s${i}`);
    const orders = ids.map((id, i) => webhook(s.seed, 'service.create', i, { service_id: id, client_id: `c${i % 23}`, product_id: '7' }));
    const t1 = Date.now();
    await panel.sendAll(orders, s.rate, s.parallel);
    const ordersSentMs = Date.now() - t1;
    const phase1 = await converge(
      knex,
      ids.map((billingServiceId) => ({ billingServiceId, state: 'active' })),
      s.convergeMs,
    );
    const ordersDoneMs = Date.now() - t1;
    console.log(
      `orders: sent in ${ordersSentMs} ms, all active after ${ordersDoneMs} ms ` +
        `(${fleet.instances.map((i) => i.starts).reduce((a, b) => a + b) - 3} restarts so far)`,
    );
    if (!phase1.converged) console.log('the orders did not converge within the bound; going on to judge what is there');

    const expected: Expected[] = ids.map((billingServiceId, i) => ({
      billingServiceId,
      state: i < s.terminations ? 'terminated' : i < s.terminations + s.suspensions ? 'suspended' : 'active',
    }));
    const changes = shuffle(
      expected.flatMap((e, i) =>
        e.state === 'terminated'
          ? [webhook(s.seed, 'service.terminate', i, { service_id: e.billingServiceId })]
          : e.state === 'suspended'
            ? [webhook(s.seed, 'service.suspend', i, { service_id: e.billingServiceId, reason: 'overdue' })]
            : [],
      ),
      rng,
    );
    const t2 = Date.now();
    await panel.sendAll(changes, s.rate, s.parallel);
    const changesSentMs = Date.now() - t2;
    // Keep killing until the run has its kills, within the convergence bound.
    while (killer.kills.length < s.minKills && Date.now() - t2 < s.convergeMs) await sleep(200);
    await killer.stop();
    const faultReport = faults.stop();
    await fleet.ensureAllUp();
    const phase2 = await converge(knex, expected, s.convergeMs);
    const chaosMs = Date.now() - started;

    const services = (await knex('services').select('billing_service_id', 'desired_state', 'actual_state')) as Array<{
      billing_service_id: string;
      desired_state: string;
      actual_state: string;
    }>;
    const deliveries = await knex('webhook_deliveries').count({ n: '*' }).first();
    const attempts = (await knex('jobs').select('kind').sum({ attempts: 'attempts' }).count({ n: '*' }).groupBy('kind')) as Array<{
      kind: string;
      attempts: number | string;
      n: number | string;
    }>;
    const observed: Observed = {
      services: services.map((r) => ({
        billingServiceId: r.billing_service_id,
        desiredState: r.desired_state,
        actualState: r.actual_state,
      })),
      vms: [...sim.world.vms.values()].filter((vm) => vm.name.startsWith(PREFIX)).map((vm) => ({ name: vm.name, status: vm.status })),
      jobs: await openJobs(knex),
      callbacks: sink.received,
      deliveriesRecorded: Number(deliveries?.n ?? 0),
      webhooksSent: panel.stats.webhooks,
    };
    const verdict = judge(expected, observed, (id) => `${PREFIX}${id}`);
    const exitCodes = await fleet.stop();

    const kills = killer.kills;
    const midWork = kills.filter((k) => k.jobsHeld > 0).length;
    const callbackCounts = countBy(sink.received.map((c) => c.type));
    const distinctCallbacks = new Set(sink.received.map((c) => c.webhookId)).size;
    console.log(
      `\n${table([
        ['figure', 'value'],
        ['SIGKILLs', kills.length],
        ['  of them with jobs running on the victim', midWork],
        ['  jobs running on the victims, total', kills.reduce((a, k) => a + k.jobsHeld, 0)],
        ['restart failures', killer.restartFailures.length],
        ['webhooks (distinct)', panel.stats.webhooks],
        ['  copies sent (1–3 each)', panel.stats.copies],
        ['  HTTP requests incl. retries', panel.stats.requests],
        ['  refused or dropped connections', panel.stats.networkErrors],
        [
          '  answers',
          Object.entries(panel.stats.answers)
            .map(([k, v]) => `${k}×${v}`)
            .join(' '),
        ],
        ['deliveries recorded', observed.deliveriesRecorded],
        ...faultReport.faults.map((f) => [`engine fault: ${f.label}`, f.fired] as [string, number]),
        ['engine tokens revoked (all at once)', faultReport.tokenRevocations],
        ['callbacks received (incl. retries)', sink.received.length],
        ['  distinct callback ids', distinctCallbacks],
        ['  refused on purpose by the panel', sink.refusedOnPurpose],
        ...attempts.map((a) => [`job attempts per ${a.kind} job`, round(Number(a.attempts) / Number(a.n), 2)] as [string, number]),
        ['orders sent (ms, under chaos)', ordersSentMs],
        ['orders all active (ms from the first, under chaos)', phase1.converged ? ordersDoneMs : null],
        ['terminations and suspensions sent (ms)', changesSentMs],
        ['final convergence after the chaos (ms)', phase2.converged ? phase2.ms : null],
        ['whole run (ms)', chaosMs],
        ['exit codes at SIGTERM', exitCodes.join(' ')],
      ])}`,
    );

    const checks: TargetCheck[] = [
      {
        name: 'lost services (no VM, or never recorded)',
        target: '0',
        measured: verdict.lost.length,
        unit: '',
        pass: verdict.lost.length === 0,
      },
      {
        name: 'services with a duplicate VM',
        target: '0',
        measured: verdict.duplicated.length,
        unit: '',
        pass: verdict.duplicated.length === 0,
      },
      { name: 'orphaned VMs', target: '0', measured: verdict.orphaned.length, unit: '', pass: verdict.orphaned.length === 0 },
      {
        name: 'services not in the state asked for',
        target: '0',
        measured: verdict.wrongState.length,
        unit: '',
        pass: verdict.wrongState.length === 0,
      },
      { name: 'jobs queued or running at the end', target: '0', measured: verdict.jobsOpen, unit: '', pass: verdict.jobsOpen === 0 },
      { name: 'dead jobs', target: '0', measured: verdict.jobsDead, unit: '', pass: verdict.jobsDead === 0 },
      {
        name: 'transitions never called back',
        target: '0',
        measured: verdict.missingCallbacks.length,
        unit: '',
        pass: verdict.missingCallbacks.length === 0,
      },
      {
        name: 'service.failed callbacks or unverified signatures',
        target: '0',
        measured: verdict.failedCallbacks + verdict.unverifiedCallbacks,
        unit: '',
        pass: verdict.failedCallbacks + verdict.unverifiedCallbacks === 0,
      },
      {
        name: 'webhooks recorded once each',
        target: `${panel.stats.webhooks}`,
        measured: observed.deliveriesRecorded,
        unit: '',
        pass: verdict.deliveriesMismatch === 0,
      },
      {
        name: 'valid webhooks refused or given up',
        target: '0',
        measured: panel.stats.refused.length + panel.stats.gaveUp,
        unit: '',
        pass: panel.stats.refused.length + panel.stats.gaveUp === 0,
      },
      { name: 'SIGKILLs', target: `≥ ${s.minKills}`, measured: kills.length, unit: '', pass: kills.length >= s.minKills },
      {
        name: 'converged within the bound',
        target: `${s.convergeMs / 1000} s`,
        measured: phase2.converged ? round(phase2.ms / 1000, 1) : null,
        unit: 's',
        pass: phase1.converged && phase2.converged,
      },
    ];
    printTargets(checks);
    verdictPass = verdict.pass && checks.every((c) => c.pass);
    if (!verdictPass) {
      console.log('\nDetails (first 10 of each):');
      console.log(
        JSON.stringify(
          {
            lost: verdict.lost.slice(0, 10),
            duplicated: verdict.duplicated.slice(0, 10),
            orphaned: verdict.orphaned.slice(0, 10),
            wrongState: verdict.wrongState.slice(0, 10),
            missingCallbacks: verdict.missingCallbacks.slice(0, 10),
            refused: panel.stats.refused.slice(0, 10),
            restartFailures: killer.restartFailures.slice(0, 3),
          },
          null,
          2,
        ),
      );
      console.log(`instance logs kept in ${workspace.dir}`);
    }
    const file = writeResults(options.flag('short') ? 'chaos-short' : 'chaos', {
      date: new Date().toISOString(),
      machine: machine(),
      quiet,
      parameters: { ...s, instances: 3, timings: TIMINGS, faults: faultReport.faults.map((f) => f.label) },
      figures: {
        kills: kills.length,
        killsWithJobsRunning: midWork,
        kills_detail: kills,
        panel: { ...panel.stats, refused: panel.stats.refused.length },
        deliveriesRecorded: observed.deliveriesRecorded,
        faults: faultReport,
        callbacks: {
          received: sink.received.length,
          distinct: distinctCallbacks,
          byType: callbackCounts,
          refusedOnPurpose: sink.refusedOnPurpose,
        },
        jobAttempts: attempts,
        convergence: { ordersSentMs, ordersDoneMs, changesSentMs, phase1, phase2 },
        chaosMs,
        exitCodes,
      },
      verdict,
      targets: checks,
      pass: verdictPass,
    });
    console.log(`\n${verdictPass ? 'PASS' : 'FAIL'}: results in ${file}`);
  } finally {
    await killer.stop().catch(() => undefined);
    faults.stop();
    await fleet.stop();
    await knex.destroy();
    await sim.close();
    await sink.close();
    await db.drop();
    if (verdictPass) workspace.remove();
  }
  return verdictPass ? 0 : 1;
}

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
