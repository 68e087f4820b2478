import { ManualClock } from '../../server/clock';
import { migrateLatest } from '../../server/db/migrate';
import { JobQueue } from '../../server/jobs/job-queue';
import { EngineUnavailableError, LeaseLostError } from '../../server/jobs/job-errors';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { seedPlan, seedService } from '../helpers/seed';

describe.each(databaseKinds)('job queue on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let queue: JobQueue;

  beforeEach(async () => {
    db = await createTestDatabase(kind);
    await migrateLatest(db.knex);
    clock = new ManualClock('2026-11-26T10:00:00Z');
    queue = new JobQueue({
      knex: db.knex,
      clock,
      leaseMs: 30_000,
      maxAttempts: 3,
      backoffBaseMs: 1000,
      backoffCapMs: 60_000,
      random: () => 0.5,
    });
    const now = new Date();
    const plan = await seedPlan(
      db.knex,
      { productId: 'p', template: 't', cluster: 'c', vcpus: 1, memoryMib: 512, ha: { priority: 1 } },
      now,
    );
    for (const sid of ['s1', 's2']) await seedService(db.knex, { billingServiceId: sid, clientId: 'c', planId: plan.id }, now);
  });
  afterEach(async () => {
    await db.drop();
  });

  const serviceRowIdOf = async (sid: string) => Number((await db.knex('services').where({ billing_service_id: sid }).first('id')).id);

  test('when the same service is enqueued many times, then one job waits', async () => {
    const s1 = await serviceRowIdOf('s1');
    for (let i = 0; i < 5; i++) await queue.enqueue({ kind: 'reconcile', serviceRowId: s1, dedupeKey: `reconcile:${s1}` });
    expect((await queue.list()).length).toBe(1);
  });

  test('when a waiting job is enqueued again, then it is moved to the new run time; several at once in one call', async () => {
    const [s1, s2] = [await serviceRowIdOf('s1'), await serviceRowIdOf('s2')];
    const later = new Date(clock.now().getTime() + 60_000);
    await queue.enqueueMany([
      { kind: 'reconcile', serviceRowId: s1, dedupeKey: `reconcile:${s1}`, runAfter: later },
      { kind: 'reconcile', serviceRowId: s2, dedupeKey: `reconcile:${s2}`, runAfter: later },
      { kind: 'callback', payload: { n: 1 } },
    ]);
    expect(await queue.claim('a')).toMatchObject({ job: { kind: 'callback' } });
    expect(await queue.claim('a')).toBeUndefined();
    const soon = new Date(clock.now().getTime() + 1_000);
    await queue.enqueueMany([
      { kind: 'reconcile', serviceRowId: s1, dedupeKey: `reconcile:${s1}` },
      { kind: 'reconcile', serviceRowId: s2, dedupeKey: `reconcile:${s2}`, runAfter: soon },
    ]);
    const waiting = (await queue.list()).filter((j) => j.kind === 'reconcile');
    expect(waiting).toHaveLength(2);
    expect(waiting.find((j) => j.serviceRowId === s1)?.runAfter).toEqual(clock.now());
    expect(waiting.find((j) => j.serviceRowId === s2)?.runAfter).toEqual(soon);
  });

  test('when a job is claimed, then a new enqueue for its service waits behind it and is not claimed while it runs', async () => {
    const s1 = await serviceRowIdOf('s1');
    await queue.enqueue({ kind: 'reconcile', serviceRowId: s1, dedupeKey: `reconcile:${s1}` });
    const first = await queue.claim('a');
    expect(first?.job.attempts).toBe(1);
    await queue.enqueue({ kind: 'reconcile', serviceRowId: s1, dedupeKey: `reconcile:${s1}` });
    expect(await queue.claim('b')).toBeUndefined();
    expect(await queue.succeed(first!.job.id, first!.token)).toBe(true);
    const second = await queue.claim('b');
    expect(second?.job.id).not.toBe(first!.job.id);
  });

  test('when a job fails, then it waits with backoff, and ends dead after its attempts or at once when permanent', async () => {
    await queue.enqueue({ kind: 'reconcile', serviceRowId: await serviceRowIdOf('s1') });
    let c = await queue.claim('a');
    expect(await queue.fail(c!.job.id, c!.token, { message: 'engine 503', permanent: false })).toBe('retry');
    expect(await queue.claim('a')).toBeUndefined();
    let job = await queue.get(c!.job.id);
    // attempt 1 → delay = 0.5 × min(cap, 1000 × 2^0) = 500 ms
    expect(job!.runAfter.getTime() - clock.now().getTime()).toBe(500);
    clock.advance(500);
    c = await queue.claim('a');
    expect(await queue.fail(c!.job.id, c!.token, { message: 'engine 503', permanent: false })).toBe('retry');
    job = await queue.get(c!.job.id);
    expect(job!.runAfter.getTime() - clock.now().getTime()).toBe(1000);
    clock.advance(1000);
    c = await queue.claim('a');
    expect(await queue.fail(c!.job.id, c!.token, { message: 'still 503', permanent: false })).toBe('dead');
    expect(await queue.get(c!.job.id)).toMatchObject({ state: 'dead', attempts: 3, lastError: 'still 503' });

    await queue.enqueue({ kind: 'reconcile', serviceRowId: await serviceRowIdOf('s2') });
    const p = await queue.claim('a');
    expect(await queue.fail(p!.job.id, p!.token, { message: 'template missing', permanent: true })).toBe('dead');
  });

  test(
    'when the engine is away, then a job retries past its attempts without dying, its backoff capped lower, and keeps its attempts ' +
      'for real errors',
    async () => {
      const outages = new JobQueue({
        knex: db.knex,
        clock,
        leaseMs: 30_000,
        maxAttempts: 3,
        backoffBaseMs: 1000,
        backoffCapMs: 60_000,
        outageCapMs: 4000,
        random: () => 0.5,
      });
      await outages.enqueue({ kind: 'reconcile', serviceRowId: await serviceRowIdOf('s1') });
      const away = new EngineUnavailableError('oVirt engine: find VM: cannot reach the engine: connection refused (ECONNREFUSED)').message;
      const delays: number[] = [];
      for (let i = 0; i < 6; i++) {
        const c = await outages.claim('a');
        expect(await outages.fail(c!.job.id, c!.token, { message: away, permanent: false, outage: true })).toBe('retry');
        const job = await outages.get(c!.job.id);
        delays.push(job!.runAfter.getTime() - clock.now().getTime());
        clock.advance(delays[i]!);
      }
      const waiting = (await outages.list())[0]!;
      // 0.5 × min(cap, 1000 × 2^(attempt−1)): it grows, then stays at half the outage cap (never the 60 s one).
      expect(delays).toEqual([500, 1000, 2000, 2000, 2000, 2000]);
      expect(waiting).toMatchObject({
        state: 'queued',
        attempts: 6,
        maxAttempts: 9,
        lastError: expect.stringMatching(/^engine unreachable: .*connection refused/),
      });
      expect(await outages.countWaitingForEngine()).toBe(1);

      // The engine is back but something else fails: the job still has its 3 attempts for that.
      const outcomes: string[] = [];
      for (let i = 0; i < 3; i++) {
        const c = await outages.claim('a');
        outcomes.push(
          await outages.fail(c!.job.id, c!.token, { message: 'oVirt engine: create VM failed with HTTP 500.', permanent: false }),
        );
        clock.advance(60_000);
      }
      expect(outcomes).toEqual(['retry', 'retry', 'dead']);
      expect(await outages.get(waiting.id)).toMatchObject({ state: 'dead', attempts: 9 });
      expect(await outages.countWaitingForEngine()).toBe(0);
    },
  );

  test('when an outage failure is also permanent, then permanent wins', async () => {
    await queue.enqueue({ kind: 'reconcile', serviceRowId: await serviceRowIdOf('s1') });
    const c = await queue.claim('a');
    expect(await queue.fail(c!.job.id, c!.token, { message: 'no', permanent: true, outage: true })).toBe('dead');
  });

  test('when a worker stops answering, then its lease expires, the job is taken back, and the old worker can write nothing', async () => {
    await queue.enqueue({ kind: 'reconcile', serviceRowId: await serviceRowIdOf('s1') });
    const lost = await queue.claim('dies');
    clock.advance(10_000);
    expect(await queue.heartbeat(lost!.job.id, lost!.token)).toBe(true);
    clock.advance(31_000);
    expect(await queue.reapExpired()).toBe(1);
    const taken = await queue.claim('alive');
    expect(taken?.job).toMatchObject({ id: lost!.job.id, attempts: 2, lastError: expect.stringMatching(/dies stopped answering/) });
    expect(await queue.heartbeat(lost!.job.id, lost!.token)).toBe(false);
    expect(await queue.succeed(lost!.job.id, lost!.token)).toBe(false);
    expect(await queue.fail(lost!.job.id, lost!.token, { message: 'x', permanent: true })).toBe('lost');
    await expect(queue.fenced(lost!.job.id, lost!.token, async () => 'write')).rejects.toBeInstanceOf(LeaseLostError);
    await expect(queue.fenced(taken!.job.id, taken!.token, async () => 'write')).resolves.toBe('write');
    expect(await queue.succeed(taken!.job.id, taken!.token)).toBe(true);
  });

  test('when an orphaned job has a newer one waiting for its service, then the orphan is superseded', async () => {
    const s1 = await serviceRowIdOf('s1');
    await queue.enqueue({ kind: 'reconcile', serviceRowId: s1, dedupeKey: `reconcile:${s1}` });
    const orphan = await queue.claim('dies');
    await queue.enqueue({ kind: 'reconcile', serviceRowId: s1, dedupeKey: `reconcile:${s1}` });
    clock.advance(31_000);
    await queue.reapExpired();
    expect(await queue.get(orphan!.job.id)).toMatchObject({ state: 'cancelled', lastError: expect.stringMatching(/superseded/) });
  });

  test('when a callback is refused and waits to retry, then a later callback for its service waits behind it, and other services do not', async () => {
    const [s1, s2] = [await serviceRowIdOf('s1'), await serviceRowIdOf('s2')];
    await queue.enqueue({ kind: 'callback', serviceRowId: s1, payload: { type: 'service.suspended' } });
    await queue.enqueue({ kind: 'callback', serviceRowId: s1, payload: { type: 'service.unsuspended' } });
    await queue.enqueue({ kind: 'callback', serviceRowId: s2, payload: { type: 'service.active' } });
    const suspended = await queue.claim('a');
    expect(suspended?.job.payload).toEqual({ type: 'service.suspended' });
    expect(await queue.fail(suspended!.job.id, suspended!.token, { message: 'the billing panel answered 503', permanent: false })).toBe(
      'retry',
    );

    // The unsuspended callback is due, but the suspended one before it is not yet: only the other service's goes.
    expect((await queue.claim('a'))?.job.payload).toEqual({ type: 'service.active' });
    expect(await queue.claim('a')).toBeUndefined();

    clock.advance(60_000);
    const retried = await queue.claim('a');
    expect(retried?.job.payload).toEqual({ type: 'service.suspended' });
    expect(await queue.claim('b')).toBeUndefined();
    await queue.succeed(retried!.job.id, retried!.token);
    expect((await queue.claim('a'))?.job.payload).toEqual({ type: 'service.unsuspended' });
  });

  test('when a callback was in flight on an instance that died and a later one waits, then it is taken back and still goes first', async () => {
    const s1 = await serviceRowIdOf('s1');
    await queue.enqueue({ kind: 'callback', serviceRowId: s1, payload: { type: 'service.suspended' } });
    const orphan = await queue.claim('dies');
    await queue.enqueue({ kind: 'callback', serviceRowId: s1, payload: { type: 'service.unsuspended' } });
    clock.advance(31_000);

    expect(await queue.reapExpired()).toBe(1);

    expect(await queue.get(orphan!.job.id)).toMatchObject({ state: 'queued' });
    const first = await queue.claim('alive');
    expect(first?.job.payload).toEqual({ type: 'service.suspended' });
    await queue.succeed(first!.job.id, first!.token);
    expect((await queue.claim('alive'))?.job.payload).toEqual({ type: 'service.unsuspended' });
  });

  test('when an earlier callback for a service ended dead, then the later ones still go', async () => {
    const s1 = await serviceRowIdOf('s1');
    await queue.enqueue({ kind: 'callback', serviceRowId: s1, payload: { n: 1 } });
    await queue.enqueue({ kind: 'callback', serviceRowId: s1, payload: { n: 2 } });
    const first = await queue.claim('a');
    await queue.fail(first!.job.id, first!.token, { message: 'the billing panel answered 410 Gone', permanent: true });
    expect((await queue.claim('a'))?.job.payload).toEqual({ n: 2 });
  });

  test('when two workers claim at once, then they never get the same job', async () => {
    await queue.enqueue({ kind: 'callback', payload: { n: 1 } });
    await queue.enqueue({ kind: 'callback', payload: { n: 2 } });
    await queue.enqueue({ kind: 'callback', payload: { n: 3 } });
    const claims = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((w) => queue.claim(w)));
    const ids = claims.filter((c) => c !== undefined).map((c) => c!.job.id);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
  });

  test('an admin can retry a dead job and cancel a waiting one; old finished jobs are purged', async () => {
    await queue.enqueue({ kind: 'callback' });
    const c = await queue.claim('a');
    await queue.fail(c!.job.id, c!.token, { message: 'gone', permanent: true });
    expect(await queue.retry(c!.job.id)).toBe(true);
    expect(await queue.get(c!.job.id)).toMatchObject({ state: 'queued', attempts: 0 });
    expect(await queue.retry(c!.job.id)).toBe(false);
    expect(await queue.cancel(c!.job.id)).toBe(true);
    expect(await queue.cancel(c!.job.id)).toBe(false);
    clock.advance(40 * 86_400_000);
    expect(await queue.purgeFinished(new Date(clock.now().getTime() - 30 * 86_400_000))).toBe(1);
  });

  test('an admin can discard a dead job: it leaves the dead list, keeps its error, and only a dead job can be discarded', async () => {
    await queue.enqueue({ kind: 'callback' });
    const c = await queue.claim('a');
    expect(await queue.discard(c!.job.id)).toBe(false);
    await queue.fail(c!.job.id, c!.token, { message: 'the panel answered 410', permanent: true });
    expect(await queue.discard(c!.job.id)).toBe(true);
    expect(await queue.get(c!.job.id)).toMatchObject({
      state: 'cancelled',
      lastError: 'discarded by an admin; it had died with: the panel answered 410',
    });
    expect(await queue.list({ state: 'dead' })).toEqual([]);
    expect(await queue.discard(c!.job.id)).toBe(false);
    expect(await queue.retry(c!.job.id)).toBe(true);
    expect(await queue.discard(999_999)).toBe(false);
  });

  test('a job given back on shutdown does not lose an attempt', async () => {
    await queue.enqueue({ kind: 'callback' });
    const c = await queue.claim('a');
    expect(await queue.release(c!.job.id, c!.token)).toBe(true);
    expect(await queue.get(c!.job.id)).toMatchObject({ state: 'queued', attempts: 0 });
  });
});
