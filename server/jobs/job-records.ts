/**
 * The job table as admins and probes see it: reads (one job, lists, counts by state and kind, jobs waiting out an
 * engine outage, the oldest due job) and an admin's actions on finished or waiting jobs (retry, cancel, discard,
 * purge). JobQueue extends it with the queue's own work, so callers hold one object.
 */
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import { readDate, readNumber } from '../db/columns';
import { type Job, type JobRow, type JobState, toJob } from './job';
import { ENGINE_UNAVAILABLE_PREFIX } from './job-errors';

export const JOBS_TABLE = 'jobs';
const TABLE = JOBS_TABLE;
/** Errors are kept for the admin, cut to a size any column type holds. */
export const MAX_ERROR = 4000;

export class JobRecords {
  constructor(
    protected readonly knex: Knex,
    protected readonly clock: Clock,
  ) {}

  async get(id: number): Promise<Job | undefined> {
    const row = (await this.knex(TABLE).where({ id }).first()) as JobRow | undefined;
    return row ? toJob(row) : undefined;
  }

  async list(filter: { state?: JobState; kind?: string; serviceRowId?: number; limit?: number; beforeId?: number } = {}): Promise<Job[]> {
    const q = this.knex(TABLE)
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 100);
    if (filter.state) q.where('state', filter.state);
    if (filter.kind) q.where('kind', filter.kind);
    if (filter.serviceRowId !== undefined) q.where('service_row_id', filter.serviceRowId);
    if (filter.beforeId !== undefined) q.where('id', '<', filter.beforeId);
    return ((await q) as JobRow[]).map(toJob);
  }

  async countByState(): Promise<Record<JobState, number>> {
    const rows = (await this.knex(TABLE).select('state').count({ n: '*' }).groupBy('state')) as Array<{ state: JobState; n: unknown }>;
    const counts: Record<JobState, number> = { queued: 0, running: 0, succeeded: 0, dead: 0, cancelled: 0 };
    for (const r of rows) counts[r.state] = readNumber(r.n);
    return counts;
  }

  /** Jobs per kind and state, in one grouped query (for /metrics); combinations with no job are absent. */
  async countByKindAndState(): Promise<Array<{ kind: string; state: JobState; count: number }>> {
    const rows = (await this.knex(TABLE).select('kind', 'state').count({ n: '*' }).groupBy('kind', 'state')) as Array<{
      kind: string;
      state: JobState;
      n: unknown;
    }>;
    return rows.map((r) => ({ kind: r.kind, state: r.state, count: readNumber(r.n) }));
  }

  /**
   * Jobs waiting out an engine outage: queued (or running again) after an attempt that could not reach the engine.
   * Read from the last error's fixed prefix, so it needs no column of its own.
   */
  async countWaitingForEngine(): Promise<number> {
    const row = (await this.knex(TABLE)
      .whereIn('state', ['queued', 'running'])
      .andWhere('last_error', 'like', `${ENGINE_UNAVAILABLE_PREFIX}%`)
      .count({ n: '*' })
      .first()) as { n: unknown } | undefined;
    return row ? readNumber(row.n) : 0;
  }

  /** When the longest-waiting due job became due; jobs backing off until later are not waiting yet. */
  async oldestDueRunAfter(): Promise<Date | undefined> {
    const row = (await this.knex(TABLE)
      .where('state', 'queued')
      .andWhere('run_after', '<=', this.clock.now())
      .min({ at: 'run_after' })
      .first()) as { at: unknown } | undefined;
    return row?.at === null || row?.at === undefined ? undefined : readDate(row.at);
  }

  /** Puts a dead or cancelled job back in the queue with fresh attempts; false when it is in another state. */
  async retry(id: number): Promise<boolean> {
    const now = this.clock.now();
    const n = await this.knex(TABLE)
      .where({ id })
      .whereIn('state', ['dead', 'cancelled'])
      .update({ state: 'queued', attempts: 0, run_after: now, finished_at: null, updated_at: now });
    return n === 1;
  }

  /** Cancels a waiting job; false when it is not waiting (a running job finishes its attempt). */
  async cancel(id: number): Promise<boolean> {
    const now = this.clock.now();
    const n = await this.knex(TABLE)
      .where({ id, state: 'queued' })
      .update({ state: 'cancelled', dedupe_key: null, finished_at: now, updated_at: now, last_error: 'cancelled by an admin' });
    return n === 1;
  }

  /**
   * Gives up on a dead job: it becomes `cancelled`, so it leaves the dead list an admin works through and housekeeping
   * purges it like any finished job. The error that killed it stays readable after a note; false when it is not dead.
   */
  async discard(id: number): Promise<boolean> {
    return this.knex.transaction(async (trx) => {
      const row = (await trx(TABLE).where({ id, state: 'dead' }).first('last_error')) as Pick<JobRow, 'last_error'> | undefined;
      if (!row) return false;
      const now = this.clock.now();
      const lastError = `discarded by an admin; it had died with: ${row.last_error ?? 'no error recorded'}`.slice(0, MAX_ERROR);
      // Guarded by the state again: a retry that slipped in between wins, and this changes nothing.
      const n = await trx(TABLE)
        .where({ id, state: 'dead' })
        .update({ state: 'cancelled', last_error: lastError, updated_at: now, finished_at: now });
      return n === 1;
    });
  }

  /** Deletes finished jobs older than `before` (housekeeping). */
  async purgeFinished(before: Date): Promise<number> {
    return this.knex(TABLE).whereIn('state', ['succeeded', 'cancelled']).andWhere('updated_at', '<', before).delete();
  }
}
