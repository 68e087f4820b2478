/**
 * Issue 21, item 18: jobs under a dead owner are taken back when an instance starts and at ticks shared by every
 * instance, not a period after each instance's own start (a fleet restarting every ~10 s never took them back).
 */
import { ManualClock } from '../../server/clock';
import { migrateLatest } from '../../server/db/migrate';
import { msUntilNextTick } from '../../server/jobs/cadence';
import { JobQueue } from '../../server/jobs/job-queue';
import { JobWorker } from '../../server/jobs/worker';
import { createLogger } from '../../server/logger';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';

const HOUR = 3_600_000;
const LEASE_MS = 30_000;

async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

describe('the shared tick grid', () => {
  test('when instances started at different times ask for the next tick, then they get the same instant', () => {
    const every = 15_000;
    const ticks = [990_001, 995_000, 1_004_999].map((now) => now + msUntilNextTick(now, every));
    expect(new Set(ticks)).toEqual(new Set([1_005_000]));
    expect(msUntilNextTick(1_005_000, every)).toBe(every);
  });
});

describe.each(databaseKinds)('taking back expired leases on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let queue: JobQueue;
  let worker: JobWorker | undefined;
  const ran: number[] = [];

  beforeEach(async () => {
    db = await createTestDatabase(kind);
    await migrateLatest(db.knex);
    clock = new ManualClock('2026-11-26T10:00:00Z');
    queue = new JobQueue({ knex: db.knex, clock, leaseMs: LEASE_MS, maxAttempts: 3, backoffBaseMs: 1000, backoffCapMs: 60_000 });
    ran.length = 0;
  });
  afterEach(async () => {
    await worker?.stop(0);
    worker = undefined;
    await db.drop();
  });

  /** A job claimed by an instance that died; its lease runs out when the clock moves past it. */
  async function orphan(): Promise<number> {
    await queue.enqueue({ kind: 'callback', payload: {} });
    const claimed = await queue.claim('died-host:1');
    return claimed!.job.id;
  }

  function startWorker(): JobWorker {
    worker = new JobWorker({
      queue,
      handlers: { callback: async (ctx) => void ran.push(ctx.job.id) },
      logger: createLogger('silent'),
      owner: 'fresh-host:2',
      concurrency: 1,
      pollMs: 20,
      heartbeatMs: 10_000,
      // Far longer than the test: a reap counted from this worker's start would never come.
      reapEveryMs: HOUR,
      clock,
    });
    worker.start();
    return worker;
  }

  test('when an instance starts after another died holding a job, then it takes the job back and runs it at start', async () => {
    const id = await orphan();
    clock.advance(LEASE_MS + 1000);

    startWorker();

    expect(await until(async () => ran.includes(id), 15_000)).toBe(true);
    expect(await queue.get(id)).toMatchObject({ state: 'succeeded', attempts: 2 });
  });

  test('when a lease expires while an instance runs, then it is taken back at the next shared tick, however young the instance', async () => {
    // The instance starts 1.5 s before a tick of the hourly grid, holding no job; another instance's lease on a job
    // runs out half a second later, after this instance's start-up reap and before the tick.
    clock.set('2026-11-26T10:59:58.500Z');
    const id = await orphan();
    await db
      .knex('jobs')
      .where({ id })
      .update({ lease_expires_at: new Date(clock.now().getTime() + 500) });
    startWorker();
    clock.advance(1000);

    expect(await until(async () => ran.includes(id), 15_000)).toBe(true);
    expect(await queue.get(id)).toMatchObject({ state: 'succeeded', attempts: 2, lastError: null });
  });
});
