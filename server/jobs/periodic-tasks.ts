/**
 * Periodic tasks (HA drift sweep, housekeeping) on a schedule kept in the database. Each task's next due time is a row
 * of `periodic_tasks`; an instance queues the task's job only after moving that time one period forward with a
 * compare-and-set (`UPDATE … WHERE next_run_at <= now`), in the transaction that queues the job. So a task runs once a
 * period whichever instance finds it due, and an instance's start never runs it early (every start
 * used to queue both tasks at once, ~50 runs each in 5 minutes of restarts).
 *
 * Instances look for due tasks at start and on the shared tick grid (cadence.ts), so a fleet of short-lived instances
 * still runs them on time.
 */
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import { readDate } from '../db/columns';
import { loggableError } from '../db/errors';
import type { Logger } from '../logger';
import { type GridTimer, startGridTimer } from './cadence';
import type { JobQueue, NewJob } from './job-queue';

export interface PeriodicTask {
  /** The row's key; stable across releases, or the task runs at once under its new name. */
  name: string;
  everyMs: number;
  /** What to queue when due. Give it a dedupe key, so a run that has not started yet absorbs the next one. */
  job: NewJob;
}

const TABLE = 'periodic_tasks';

export class PeriodicTasks {
  private timer: GridTimer | undefined;

  constructor(
    private readonly d: {
      knex: Knex;
      clock: Clock;
      queue: JobQueue;
      tasks: PeriodicTask[];
      logger: Logger;
      /** How often to look for due tasks (on the shared grid); the tasks' periods are their own. */
      checkEveryMs: number;
      /** Called after a job was queued, so the local worker claims it at once. */
      onQueued?: () => void;
    },
  ) {}

  /** Looks for due tasks now and then at every check tick, until stop(). */
  start(): void {
    if (this.timer) return;
    this.timer = startGridTimer(this.d.clock, this.d.checkEveryMs, async () => {
      try {
        await this.runDue();
      } catch (err) {
        this.d.logger.warn({ err: loggableError(err) }, 'looking for due periodic tasks failed; trying again at the next tick');
      }
    });
  }

  stop(): void {
    this.timer?.stop();
    this.timer = undefined;
  }

  /** Queues the job of each task that is due and moves its next run one period on; returns the names queued. */
  async runDue(): Promise<string[]> {
    const now = this.d.clock.now();
    const rows = (await this.d.knex(TABLE).select('name', 'next_run_at')) as Array<{ name: string; next_run_at: unknown }>;
    const known = new Map(rows.map((r) => [r.name, readDate(r.next_run_at)]));
    const queued: string[] = [];
    for (const task of this.d.tasks) {
      const next = known.get(task.name);
      const soonest = new Date(now.getTime() + task.everyMs);
      if (next === undefined) {
        // First run ever: due now. Two instances inserting at once both succeed here (one insert is ignored).
        await this.d.knex(TABLE).insert({ name: task.name, next_run_at: now, updated_at: now }).onConflict('name').ignore();
      } else if (next > soonest) {
        // The period was shortened (DRIFT_SWEEP_MS lowered) or a clock ran far ahead: never wait longer than a period.
        await this.d
          .knex(TABLE)
          .where('name', task.name)
          .andWhere('next_run_at', '>', soonest)
          .update({ next_run_at: soonest, updated_at: now });
        continue;
      } else if (next > now) {
        continue;
      }
      const claimed = await this.d.knex.transaction(async (trx) => {
        // The compare-and-set: of all instances finding the task due, only the first moves next_run_at past now.
        const n = await trx(TABLE)
          .where('name', task.name)
          .andWhere('next_run_at', '<=', now)
          .update({ next_run_at: soonest, updated_at: now });
        if (n !== 1) return false;
        await this.d.queue.enqueue(task.job, trx);
        return true;
      });
      if (claimed) queued.push(task.name);
    }
    if (queued.length > 0) this.d.onQueued?.();
    return queued;
  }
}
