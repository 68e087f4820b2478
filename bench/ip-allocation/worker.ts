/**
 * One bridge instance of bench:ip-allocation, in a worker thread of its own (its own event loop and knex pool, as a
 * separate process would have): connects, says ready, waits for "go", then works through its orders `inFlight` at a
 * time and posts its timings.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { ManualClock } from '../../server/clock';
import { parseDatabaseUrl } from '../../server/config';
import { createKnex } from '../../server/db/knex';
import { IpAssignmentsRepository } from '../../server/repositories/ip-assignments';
import { IpPoolsRepository } from '../../server/repositories/ip-pools';
import { IpAllocation } from '../../server/use-cases/ip-allocation';

export interface WorkerSpec {
  url: string;
  mode: 'baseline' | 'allocate';
  /** [services.id, order number] of this instance's orders. */
  orders: Array<[number, number]>;
  inFlight: number;
  baselinePoolId: number;
  now: string;
  /** Also time every statement by its kind (--per-query): where an allocation's time goes. */
  perQuery?: boolean;
}

export interface WorkerResult {
  /** Baseline: the insert; allocate: allocate() inside its transaction. */
  innerMs: number[];
  /** The whole call, commit included. */
  callMs: number[];
  failures: Record<string, number>;
  /** --per-query: each statement's time from sending to its answer, by kind (the statement's first words). */
  queryMs?: Record<string, number[]>;
}

/** A statement's kind for --per-query: its verb and table, without the values. */
function queryKind(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim().toLowerCase();
  const table = /(?:into|from|update) `?(\w+)`?/.exec(s)?.[1] ?? '';
  const verb = s.split(' ')[0] ?? '';
  const lock = / for update| lock in share mode| for share/.exec(s)?.[0] ?? '';
  const rows = verb === 'insert' ? ` (${(s.match(/union all/g) ?? []).length + 1} row select)` : '';
  return `${verb} ${table}${lock}${verb === 'insert' && s.includes(' select ') ? rows : ''}`;
}

async function run(spec: WorkerSpec): Promise<void> {
  const knex = createKnex(parseDatabaseUrl(spec.url));
  const clock = new ManualClock(spec.now);
  const allocation = new IpAllocation({ knex, pools: new IpPoolsRepository(knex), assignments: new IpAssignmentsRepository(knex), clock });
  await knex.raw('select 1');
  const result: WorkerResult = { innerMs: [], callMs: [], failures: {} };
  if (spec.perQuery) {
    const queryMs: Record<string, number[]> = {};
    const started = new Map<string, { at: number; kind: string }>();
    const done = (q: { __knexQueryUid: string }) => {
      const s = started.get(q.__knexQueryUid);
      if (!s) return;
      started.delete(q.__knexQueryUid);
      (queryMs[s.kind] ??= []).push(performance.now() - s.at);
    };
    knex.on('query', (q: { __knexQueryUid: string; sql: string }) =>
      started.set(q.__knexQueryUid, { at: performance.now(), kind: queryKind(q.sql) }),
    );
    knex.on('query-response', (_r: unknown, q: { __knexQueryUid: string }) => done(q));
    knex.on('query-error', (_e: unknown, q: { __knexQueryUid: string }) => done(q));
    result.queryMs = queryMs;
  }
  const one = async ([id, n]: [number, number]) => {
    const t0 = performance.now();
    try {
      await knex.transaction(async (trx) => {
        const t1 = performance.now();
        if (spec.mode === 'baseline') {
          await trx('ip_assignments').insert({
            pool_id: spec.baselinePoolId,
            address: `10.128.${Math.floor((n + 1) / 256)}.${(n + 1) % 256}`,
            family: 4,
            service_row_id: id,
            last_service_row_id: id,
            billing_service_id: `base-${n}`,
            held_since: clock.now(),
          });
        } else {
          await allocation.allocate(trx, { serviceRowId: id, billingServiceId: `order-${n}`, cluster: 'Default' });
        }
        result.innerMs.push(performance.now() - t1);
      });
      result.callMs.push(performance.now() - t0);
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'error';
      result.failures[code] = (result.failures[code] ?? 0) + 1;
    }
  };
  parentPort?.postMessage('ready');
  await new Promise<void>((resolve) => parentPort?.once('message', () => resolve()));
  let next = 0;
  await Promise.all(
    Array.from({ length: spec.inFlight }, async () => {
      while (next < spec.orders.length) await one(spec.orders[next++]!);
    }),
  );
  await knex.destroy();
  parentPort?.postMessage(result);
}

void run(workerData as WorkerSpec);
