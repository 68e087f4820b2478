/**
 * Issue 21, item 19: periodic jobs keep their period across restarts. Each start of an instance used to queue the
 * drift sweep and housekeeping at once (~50 runs each in 5 minutes of restarts); now the next due time lives in the
 * database and only the instance that moves it forward queues the job.
 */
import { ManualClock } from '../../server/clock';
import { createContainer } from '../../server/container';
import { PeriodicTasks } from '../../server/jobs/periodic-tasks';
import { createLogger } from '../../server/logger';
import { databaseKinds } from '../helpers/databases';
import { createTestApp, type TestApp, testConfig } from '../helpers/test-app';

const HOUR = 3_600_000;

describe.each(databaseKinds)('periodic tasks on %s', (kind) => {
  let t: TestApp;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock('2026-11-26T10:00:00Z');
    t = await createTestApp(kind, { clock });
  });
  afterEach(async () => {
    await t.close();
  });

  /** Another instance on the same database: a fresh container, as a restart builds one. */
  function restartedInstance(): PeriodicTasks {
    return createContainer(testConfig({ DATABASE_URL: t.db.url }), { knex: t.db.knex, clock, logger: createLogger('silent') }).periodic;
  }

  const housekeepingRuns = async () => (await t.container.jobs.list({ kind: 'housekeeping' })).length;

  /** Runs every job that is due now, as a worker would. */
  async function runDueJobs(): Promise<void> {
    while (await t.container.worker.runOne());
  }

  test('when instances restart many times within a period, then housekeeping runs once, and again only when due', async () => {
    expect(await t.container.periodic.runDue()).toEqual(['housekeeping']);
    await runDueJobs();
    expect(await housekeepingRuns()).toBe(1);

    // 30 restarts over the next 5 hours, each looking for due tasks on start.
    for (let i = 0; i < 30; i++) {
      clock.advance(10 * 60_000);
      expect(await restartedInstance().runDue()).toEqual([]);
      await runDueJobs();
    }
    expect(await housekeepingRuns()).toBe(1);
    expect(await t.container.jobs.list({ kind: 'housekeeping', state: 'queued' })).toEqual([]);

    // Six hours after the first run it is due again, whichever instance looks first.
    clock.advance(HOUR);
    expect(await restartedInstance().runDue()).toEqual(['housekeeping']);
    expect(await t.container.periodic.runDue()).toEqual([]);
    await runDueJobs();
    expect(await housekeepingRuns()).toBe(2);
  });

  test('when several instances find a task due at the same moment, then exactly one queues it', async () => {
    const instances = [t.container.periodic, restartedInstance(), restartedInstance(), restartedInstance()];
    const queued = (await Promise.all(instances.map((p) => p.runDue()))).flat();
    expect(queued).toEqual(['housekeeping']);
    expect(await housekeepingRuns()).toBe(1);
  });

  test('when a period is shortened, then the next run comes within the new period rather than the old one', async () => {
    const long = new PeriodicTasks({
      knex: t.db.knex,
      clock,
      queue: t.container.jobs,
      logger: createLogger('silent'),
      checkEveryMs: 1000,
      tasks: [{ name: 'sweep', everyMs: 24 * HOUR, job: { kind: 'x', dedupeKey: 'sweep:x' } }],
    });
    const short = new PeriodicTasks({
      knex: t.db.knex,
      clock,
      queue: t.container.jobs,
      logger: createLogger('silent'),
      checkEveryMs: 1000,
      tasks: [{ name: 'sweep', everyMs: HOUR, job: { kind: 'x', dedupeKey: 'sweep:x' } }],
    });
    expect(await long.runDue()).toEqual(['sweep']);
    clock.advance(60_000);
    expect(await short.runDue()).toEqual([]);
    clock.advance(HOUR);
    expect(await short.runDue()).toEqual(['sweep']);
  });
});
