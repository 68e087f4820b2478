/**
 * Figure 1 of bench:uptime: event ingestion into the database, timed against the engine read alone.
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_PASSWORD, DEFAULT_USERNAME, startSimulator } from '../../ovirt-simulator';
import type { Knex } from '../../server/db/knex';
import { type BenchDatabase, createPlan, type DatabaseKind, type RunningBridge, startBridge } from '../bridge';
import { ratio, round } from '../stats';
import { type EventSpec, ingestScenario, planStream } from './event-stream';
import { CAUSES, DAY, nodeEnv, type Settings } from './setup';

export interface IngestFigures {
  services: number;
  events: number;
  kept: number;
  dropped: number;
  /** `pollOnce` from the position before the stream to caught up, engine read included. */
  ingestMs: number;
  eventsPerSecond: number;
  /** The same events read by `eventsSince` alone, before and after the ingestion; the mean is the baseline. */
  fetchMs: { before: number; after: number; mean: number };
  fetchEventsPerSecond: number;
  /** ingestMs / fetchMs.mean: what storing and building incidents adds over reading. */
  ingestOverFetch: number | null;
  pollResult: { read: number; stored: number; incidents: number };
  scenarios: Record<string, number>;
  expected: { storedEvents: number; incidents: Record<string, number> };
  found: { storedEvents: number; incidents: Record<string, number>; timelines: number; positionLastIndex: number; lastStreamIndex: number };
  /** Every count matches the stream. */
  verified: boolean;
  mismatches: string[];
  simulatedSpanDays: number;
}

export async function countBy(knex: Knex, tableName: string, column: string): Promise<Record<string, number>> {
  const rows = (await knex(tableName).select(column).count({ n: '*' }).groupBy(column)) as Array<Record<string, unknown>>;
  return Object.fromEntries(rows.map((r) => [String(r[column]), Number(r.n)]));
}

export async function countRows(knex: Knex, tableName: string): Promise<number> {
  const row = (await knex(tableName).count({ n: '*' }).first()) as { n: unknown } | undefined;
  return Number(row?.n ?? 0);
}

/** Inserts rows in statements of `size` (well under MySQL's placeholder limit). */
export async function insertChunks(knex: Knex, tableName: string, rows: Array<Record<string, unknown>>, size = 500): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await knex(tableName).insert(rows.slice(i, i + size));
}

export async function planId(bridge: RunningBridge, productId: string): Promise<number> {
  const row = (await bridge.container.knex('plans').where({ product_id: productId }).first('id')) as { id: unknown } | undefined;
  if (!row) throw new Error(`plan ${productId} not found`);
  return Number(row.id);
}

export function serviceRow(
  id: number,
  clientId: string,
  plan: number,
  activatedAt: Date,
  vm: { id: string | null; name: string | null; host: string | null },
  now: Date,
) {
  return {
    id,
    billing_service_id: String(id),
    client_id: clientId,
    plan_id: plan,
    applied_plan_id: plan,
    hostname: `vps${id}.example.net`,
    desired_state: 'active',
    actual_state: 'active',
    vm_id: vm.id,
    vm_name: vm.name,
    vm_host: vm.host,
    activated_at: activatedAt,
    created_at: new Date(activatedAt.getTime() - 60_000),
    updated_at: now,
  };
}

export async function measureIngestion(kind: DatabaseKind, db: BenchDatabase, workspace: string, s: Settings): Promise<IngestFigures> {
  const now = Date.now();
  const plan = planStream(s.services, s.events, s.seed);
  // The stream ends an hour ago; the VMs were activated a day before it starts.
  const t0 = now - 3_600_000 - plan.spanMs;
  const sim = await startSimulator({ scenario: ingestScenario(s.services), clock: 'manual', startTime: t0, host: '127.0.0.1', port: 0 });
  let bridge: RunningBridge | undefined;
  try {
    const engine = {
      url: sim.url,
      username: DEFAULT_USERNAME,
      password: DEFAULT_PASSWORD,
      timeoutMs: 60_000,
      maxInFlight: 8,
      readRetries: 0,
    };
    bridge = await startBridge({
      db,
      logFile: `${workspace}/bridge-${kind}-ingest.log`,
      logLevel: s.logLevel,
      engine,
      env: nodeEnv(s, sim.url),
    });
    const { container } = bridge;
    const sync = container.eventSync;
    const ovirt = container.ovirt;
    if (!sync || !ovirt) throw new Error('the bridge has no event sync (no engine configured?)');
    await createPlan(bridge, {
      product_id: 'ingest',
      name: 'VPS HA',
      template: 'debian-12',
      cluster: 'Default',
      vcpus: 1,
      memory_mib: 1024,
      ha: { enabled: true, priority: 50 },
    });
    const pid = await planId(bridge, 'ingest');
    const world = sim.world;
    const rows = Array.from({ length: s.services }, (_, i) => {
      const vm = world.vmByName(`vps-${i + 1}`);
      if (!vm) throw new Error(`vps-${i + 1} missing from the simulator`);
      return serviceRow(i + 1, `c${(i % 300) + 1}`, pid, new Date(t0 - DAY), { id: vm.id, name: vm.name, host: null }, new Date(now));
    });
    await insertChunks(container.knex, 'services', rows);

    const actor = { userId: 'bench-user', userName: 'admin@internal-authz', correlationId: undefined };
    const log = (list: EventSpec[]): { first: number; last: number } => {
      let first = -1;
      let last = -1;
      for (const e of list) {
        const vm = e.vm === undefined ? undefined : world.vmByName(e.vm);
        const host = e.host === undefined ? undefined : world.findHost(e.host);
        const ev = world.log(e.name, e.params, { ...(vm ? { vm } : {}), ...(host ? { host } : {}), ...(e.actor ? { actor } : {}) });
        ev.time = t0 + e.at;
        if (first < 0) first = ev.index;
        last = ev.index;
      }
      return { first, last };
    };

    // The first poll only records where the engine's log stands; the warm-up (every VM started) is then read untimed.
    await sync.pollOnce();
    log(plan.warmup);
    const warm = await sync.pollOnce();
    if (warm.read !== plan.warmup.length) throw new Error(`warm-up: read ${warm.read} of ${plan.warmup.length} events`);
    const position = (await container.knex('event_sync').first('last_index')) as { last_index: unknown };
    const from = Number(position.last_index);

    const { last } = log(plan.stream);
    process.stdout.write(`  [${kind}] ${plan.stream.length} events appended; fetch… `);
    const fetchOnce = async () => {
      const f0 = performance.now();
      const events = await ovirt.events.eventsSince(from);
      const ms = performance.now() - f0;
      if (events.length !== plan.stream.length) throw new Error(`eventsSince returned ${events.length} of ${plan.stream.length} events`);
      return ms;
    };
    const before = await fetchOnce();
    process.stdout.write('ingest… ');
    const i0 = performance.now();
    const result = await sync.pollOnce();
    const ingestMs = performance.now() - i0;
    process.stdout.write('fetch… ');
    const after = await fetchOnce();
    console.log('done');

    // What the rows say, against what the stream implies.
    const knex = container.knex;
    const foundIncidents = await countBy(knex, 'incidents', 'cause');
    const storedEvents = await countRows(knex, 'engine_events');
    const timelines = await countRows(knex, 'service_timelines');
    const positionAfter = (await knex('event_sync').first('last_index')) as { last_index: unknown };
    const expectedIncidents = Object.fromEntries(Object.entries(plan.expected.incidents).filter(([, n]) => n > 0));
    const mismatches: string[] = [];
    for (const cause of CAUSES) {
      const want = plan.expected.incidents[cause];
      const got = foundIncidents[cause] ?? 0;
      if (want !== got) mismatches.push(`incidents ${cause}: expected ${want}, found ${got}`);
    }
    const expectedStored = plan.expected.keptWarmup + plan.expected.keptStream;
    if (storedEvents !== expectedStored) mismatches.push(`engine_events: expected ${expectedStored}, found ${storedEvents}`);
    if (result.read !== plan.stream.length) mismatches.push(`pollOnce read ${result.read} of ${plan.stream.length}`);
    if (result.stored !== plan.expected.keptStream)
      mismatches.push(`pollOnce stored ${result.stored}, expected ${plan.expected.keptStream}`);
    if (Number(positionAfter.last_index) !== last) mismatches.push(`position ${String(positionAfter.last_index)}, last event ${last}`);
    if (timelines !== s.services) mismatches.push(`service_timelines: ${timelines} rows for ${s.services} services`);
    const mean = (before + after) / 2;
    return {
      services: s.services,
      events: plan.stream.length,
      kept: plan.expected.keptStream,
      dropped: plan.stream.length - plan.expected.keptStream,
      ingestMs: round(ingestMs, 1),
      eventsPerSecond: Math.round(plan.stream.length / (ingestMs / 1000)),
      fetchMs: { before: round(before, 1), after: round(after, 1), mean: round(mean, 1) },
      fetchEventsPerSecond: Math.round(plan.stream.length / (mean / 1000)),
      ingestOverFetch: ratio(ingestMs, mean),
      pollResult: { read: result.read, stored: result.stored, incidents: result.incidents },
      scenarios: plan.expected.scenarios,
      expected: { storedEvents: expectedStored, incidents: expectedIncidents },
      found: {
        storedEvents,
        incidents: foundIncidents,
        timelines,
        positionLastIndex: Number(positionAfter.last_index),
        lastStreamIndex: last,
      },
      verified: mismatches.length === 0,
      mismatches,
      simulatedSpanDays: round(plan.spanMs / DAY, 2),
    };
  } finally {
    await bridge?.close();
    await sim.close();
  }
}
