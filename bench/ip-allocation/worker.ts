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
import { IpAllocation } from '../../server/services/ip-allocation';

export interface WorkerSpec {
  url: string;
  mode: 'baseline' | 'allocate';
  /** [services.id, order number] of this instance's orders. */
  orders: Array<[number, number]>;
  inFlight: number;
  baselinePoolId: number;
  now: string;
}

export interface WorkerResult {
  /** Baseline: the insert; allocate: allocate() inside its transaction. */
  innerMs: number[];
  /** The whole call, commit included. */
  callMs: number[];
  failures: Record<string, number>;
}

async function run(spec: WorkerSpec): Promise<void> {
  const knex = createKnex(parseDatabaseUrl(spec.url));
  const clock = new ManualClock(spec.now);
  const allocation = new IpAllocation({ knex, pools: new IpPoolsRepository(knex), assignments: new IpAssignmentsRepository(knex), clock });
  await knex.raw('select 1');
  const result: WorkerResult = { innerMs: [], callMs: [], failures: {} };
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
