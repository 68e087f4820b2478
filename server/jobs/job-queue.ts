/**
 * The job table as a queue. Claims are short transactions with no network I/O inside; on MySQL/MariaDB they lock the
 * candidate rows with FOR UPDATE SKIP LOCKED so several instances never claim one job twice (SQLite has one
 * connection, so its transactions are serial anyway). Every write after the claim is guarded by the lease token.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import { readNumber } from '../db/columns';
import { isMysql } from '../db/knex';
import { backoffDelay } from '../backoff';
import { type ClaimedJob, type JobFailure, type JobRow, type NewJob, toJob } from './job';
import { LeaseLostError } from './job-errors';
import { JOBS_TABLE, JobRecords, MAX_ERROR } from './job-records';

export type { ClaimedJob, Job, JobFailure, JobState, NewJob } from './job';

export interface JobQueueOptions {
  knex: Knex;
  clock: Clock;
  leaseMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  /**
   * Backoff cap for failures that are an outage (the engine away): lower than backoffCapMs, so jobs resume soon after
   * the outage ends. Defaults to backoffCapMs.
   */
  outageCapMs?: number;
  random?: () => number;
}

const TABLE = JOBS_TABLE;

/** The queue's own work (enqueue, claim, lease, outcome, reaping); the admin's reads and actions are in JobRecords. */
export class JobQueue extends JobRecords {
  private readonly random: () => number;

  constructor(private readonly options: JobQueueOptions) {
    super(options.knex, options.clock);
    this.random = options.random ?? Math.random;
  }

  /** Adds a job, inside the caller's transaction when given (the outbox: the job commits with the business row). */
  async enqueue(job: NewJob, trx: Knex | Knex.Transaction = this.knex): Promise<void> {
    await this.enqueueMany([job], trx);
  }

  /**
   * Adds several jobs in one statement. Jobs with a dedupe key whose waiting job exists already are merged into it:
   * that job reads the newest desired state when it runs, so it is only moved up to run soon rather than after its
   * backoff. Keys must be distinct within one call.
   */
  async enqueueMany(jobs: NewJob[], trx: Knex | Knex.Transaction = this.knex): Promise<void> {
    if (jobs.length === 0) return;
    const now = this.clock.now();
    const rows = jobs.map((job) => ({
      kind: job.kind,
      service_row_id: job.serviceRowId ?? null,
      dedupe_key: job.dedupeKey ?? null,
      payload: JSON.stringify(job.payload ?? {}),
      state: 'queued',
      attempts: 0,
      max_attempts: job.maxAttempts ?? this.options.maxAttempts,
      run_after: job.runAfter ?? now,
      created_at: now,
      updated_at: now,
    }));
    const keyed = rows.filter((r) => r.dedupe_key !== null);
    const plain = rows.filter((r) => r.dedupe_key === null);
    if (plain.length > 0) await trx(TABLE).insert(plain);
    if (keyed.length === 0) return;
    // One statement per distinct run time (almost always one: "now"), so the merge can set a plain value rather than
    // MySQL's deprecated VALUES() or SQLite's excluded.
    const byRunAfter = new Map<number, typeof keyed>();
    for (const r of keyed) byRunAfter.set(r.run_after.getTime(), [...(byRunAfter.get(r.run_after.getTime()) ?? []), r]);
    for (const group of byRunAfter.values()) {
      await trx(TABLE).insert(group).onConflict('dedupe_key').merge({ run_after: group[0]!.run_after, updated_at: now });
    }
  }

  /** Claims the next due job whose service has no other job running, or undefined. */
  async claim(owner: string): Promise<ClaimedJob | undefined> {
    const mysql = isMysql(this.knex);
    const work = async (trx: Knex.Transaction): Promise<ClaimedJob | undefined> => {
      const now = this.clock.now();
      // A plain read picks candidates whose service has no job running; only then is one row locked, so a claim
      // never holds (and makes other instances skip) more rows than the one it takes.
      const candidates = (await trx(TABLE)
        .select('id', 'service_row_id', 'kind')
        .where('state', 'queued')
        .andWhere('run_after', '<=', now)
        .orderBy([{ column: 'run_after' }, { column: 'id' }])
        .limit(20)) as Array<{ id: number; service_row_id: number | null; kind: string }>;
      if (candidates.length === 0) return undefined;
      const serviceRowIds = [...new Set(candidates.map((c) => c.service_row_id).filter((s): s is number => s !== null))];
      const busy = new Set(
        serviceRowIds.length === 0
          ? []
          : (
              (await trx(TABLE)
                .whereIn('service_row_id', serviceRowIds)
                .andWhere('state', 'running')
                .andWhere('lease_expires_at', '>', now)
                .pluck('service_row_id')) as number[]
            ).map(Number),
      );
      const callbacksFirst = await this.firstOpenCallbacks(trx, candidates);
      const eligible = candidates
        .filter((c) => c.service_row_id === null || !busy.has(Number(c.service_row_id)))
        .filter((c) => c.kind !== 'callback' || c.service_row_id === null || callbacksFirst.get(Number(c.service_row_id)) === Number(c.id))
        .map((c) => c.id);
      if (eligible.length === 0) return undefined;
      let lock = trx(TABLE)
        .first('id')
        .whereIn('id', eligible)
        .andWhere('state', 'queued')
        .orderBy([{ column: 'run_after' }, { column: 'id' }]);
      // MySQL/MariaDB: skip a row another instance is claiming right now instead of waiting for its lock.
      if (mysql) lock = lock.forUpdate().skipLocked();
      const pick = (await lock) as { id: number } | undefined;
      if (!pick) return undefined;
      const token = randomUUID();
      await trx(TABLE)
        .where({ id: pick.id })
        .update({
          state: 'running',
          dedupe_key: null,
          lease_owner: owner,
          lease_token: token,
          lease_expires_at: new Date(now.getTime() + this.options.leaseMs),
          attempts: trx.raw('attempts + 1'),
          updated_at: now,
        });
      const row = (await trx(TABLE).where({ id: pick.id }).first()) as JobRow;
      return { job: toJob(row), token };
    };
    // Sessions are READ COMMITTED on MySQL (db/knex.ts), so the "is this service busy" read sees other instances'
    // committed claims rather than a snapshot.
    return this.knex.transaction(work);
  }

  /**
   * Per service among the candidates, the id of its oldest callback still queued or running. Callbacks tell the panel
   * a service's transitions in order, so a later one waits while an earlier one backs off after a
   * refused delivery instead of overtaking it. A dead callback no longer holds the later ones back.
   */
  private async firstOpenCallbacks(
    trx: Knex.Transaction,
    candidates: Array<{ service_row_id: number | null; kind: string }>,
  ): Promise<Map<number, number>> {
    const services = [
      ...new Set(candidates.filter((c) => c.kind === 'callback' && c.service_row_id !== null).map((c) => Number(c.service_row_id))),
    ];
    if (services.length === 0) return new Map();
    const rows = (await trx(TABLE)
      .select('service_row_id')
      .min({ first: 'id' })
      .where('kind', 'callback')
      .whereIn('service_row_id', services)
      .whereIn('state', ['queued', 'running'])
      .groupBy('service_row_id')) as Array<{ service_row_id: unknown; first: unknown }>;
    return new Map(rows.map((r) => [readNumber(r.service_row_id), readNumber(r.first)]));
  }

  /** Extends the lease; false when the lease was lost (another worker owns the job now). */
  async heartbeat(id: number, token: string, trx: Knex | Knex.Transaction = this.knex): Promise<boolean> {
    const now = this.clock.now();
    const n = await trx(TABLE)
      .where({ id, lease_token: token, state: 'running' })
      .update({ lease_expires_at: new Date(now.getTime() + this.options.leaseMs), updated_at: now });
    return n === 1;
  }

  /**
   * Runs `write` in a transaction that first proves the lease is still ours (and extends it); throws LeaseLostError
   * otherwise, so a worker that lost its job cannot write anything about it.
   */
  async fenced<T>(id: number, token: string, write: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.knex.transaction(async (trx) => {
      if (!(await this.heartbeat(id, token, trx))) throw new LeaseLostError(id);
      return write(trx);
    });
  }

  async succeed(id: number, token: string): Promise<boolean> {
    const now = this.clock.now();
    const n = await this.knex(TABLE).where({ id, lease_token: token, state: 'running' }).update({
      state: 'succeeded',
      lease_token: null,
      lease_owner: null,
      lease_expires_at: null,
      last_error: null,
      finished_at: now,
      updated_at: now,
    });
    return n === 1;
  }

  /**
   * Records a failure: `dead` when permanent or out of attempts, else queued again after capped exponential backoff
   * with full jitter (or the handler's hint). An outage never makes a job dead: it waits with a backoff that grows
   * with its attempts up to the (lower) outage cap, and gets its attempt back in max_attempts. 'lost' when the lease
   * was no longer ours.
   */
  async fail(id: number, token: string, failure: JobFailure): Promise<'retry' | 'dead' | 'lost'> {
    return this.knex.transaction(async (trx) => {
      const row = (await trx(TABLE).where({ id, lease_token: token, state: 'running' }).first()) as JobRow | undefined;
      if (!row) return 'lost';
      const now = this.clock.now();
      const attempts = readNumber(row.attempts);
      const lastError = failure.message.slice(0, MAX_ERROR);
      const outage = failure.outage === true && !failure.permanent;
      if (!outage && (failure.permanent || attempts >= readNumber(row.max_attempts))) {
        await trx(TABLE).where({ id, lease_token: token }).update({
          state: 'dead',
          lease_token: null,
          lease_owner: null,
          lease_expires_at: null,
          last_error: lastError,
          finished_at: now,
          updated_at: now,
        });
        return 'dead';
      }
      // An outage waits under the lower cap and gets its attempt back in max_attempts.
      const cap = outage
        ? Math.min(this.options.outageCapMs ?? this.options.backoffCapMs, this.options.backoffCapMs)
        : this.options.backoffCapMs;
      const delay = (outage ? undefined : failure.retryAfterMs) ?? backoffDelay(attempts - 1, this.options.backoffBaseMs, cap, this.random);
      await trx(TABLE)
        .where({ id, lease_token: token })
        .update({
          state: 'queued',
          lease_token: null,
          lease_owner: null,
          lease_expires_at: null,
          last_error: lastError,
          run_after: new Date(now.getTime() + Math.min(delay, cap)),
          updated_at: now,
          ...(outage ? { max_attempts: trx.raw('max_attempts + 1') } : {}),
        });
      return 'retry';
    });
  }

  /** Gives a job back without counting the attempt (graceful shutdown). */
  async release(id: number, token: string): Promise<boolean> {
    const now = this.clock.now();
    const n = await this.knex(TABLE)
      .where({ id, lease_token: token, state: 'running' })
      .update({
        state: 'queued',
        lease_token: null,
        lease_owner: null,
        lease_expires_at: null,
        attempts: this.knex.raw('attempts - 1'),
        run_after: now,
        updated_at: now,
      });
    return n === 1;
  }

  /**
   * Takes back jobs whose worker vanished (lease expired). A reconcile job is level-triggered, so when a newer one
   * for the same service already waits, the orphan is superseded rather than run twice.
   */
  async reapExpired(): Promise<number> {
    const now = this.clock.now();
    const expired = (await this.knex(TABLE).where('state', 'running').andWhere('lease_expires_at', '<', now)) as JobRow[];
    let reaped = 0;
    for (const row of expired) {
      const guard = { id: row.id, lease_token: row.lease_token, state: 'running' };
      const attempts = readNumber(row.attempts);
      const message = `worker ${row.lease_owner ?? '?'} stopped answering (lease expired) during attempt ${attempts}`;
      // Only a level-triggered job (reconcile: it reads the desired state when it runs) can be superseded. A callback
      // reports one transition; a later callback is another transition, not a newer copy of this one.
      const newer =
        row.kind === 'reconcile' &&
        row.service_row_id !== null &&
        (await this.knex(TABLE)
          .where({ service_row_id: row.service_row_id, kind: row.kind, state: 'queued' })
          .whereNot('id', row.id)
          .first('id')) !== undefined;
      const clear = { lease_token: null, lease_owner: null, lease_expires_at: null, updated_at: now };
      let update: Record<string, unknown>;
      if (newer) update = { ...clear, state: 'cancelled', last_error: `${message}; superseded by a newer job`, finished_at: now };
      else if (attempts >= readNumber(row.max_attempts)) update = { ...clear, state: 'dead', last_error: message, finished_at: now };
      else update = { ...clear, state: 'queued', last_error: message, run_after: now };
      reaped += await this.knex(TABLE).where(guard).update(update);
    }
    return reaped;
  }
}
