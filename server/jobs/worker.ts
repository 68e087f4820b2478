/**
 * Runs jobs: claims due ones (up to `concurrency` at a time), keeps each lease alive with a heartbeat, and records
 * the outcome under the lease token. A handler learns of a lost lease through its AbortSignal and through
 * `ctx.fenced`, which refuses to write once the lease is gone.
 */
import type { Knex } from 'knex';
import { type Clock, systemClock } from '../clock';
import { databaseUnavailable, lockContention, loggableError } from '../db/errors';
import type { Logger } from '../logger';
import type { JobMetrics } from '../metrics/registry';
import { EngineUnavailableError, LeaseLostError, PermanentJobError, RetryLaterError } from './job-errors';
import { type GridTimer, startGridTimer } from './cadence';
import type { ClaimedJob, Job, JobQueue } from './job-queue';

export interface JobContext {
  job: Job;
  signal: AbortSignal;
  /** Writes in a transaction that first proves the lease is still held (LeaseLostError otherwise). */
  fenced<T>(write: (trx: Knex.Transaction) => Promise<T>): Promise<T>;
  /** Throws LeaseLostError when the lease was lost; call between long steps. */
  checkLease(): void;
}

export type JobHandler = (ctx: JobContext) => Promise<void>;

export interface WorkerOptions {
  queue: JobQueue;
  handlers: Record<string, JobHandler>;
  logger: Logger;
  owner: string;
  concurrency: number;
  pollMs: number;
  heartbeatMs: number;
  /**
   * How often expired leases are taken back: at start, then at each multiple of this on the clock (the same instants
   * on every instance), so an instance that lives shorter than this still takes them back.
   */
  reapEveryMs: number;
  /** Places the reap ticks; the system clock unless a test pins it. */
  clock?: Clock;
  /** Counts each finished attempt by kind and outcome; optional so tests can build a bare worker. */
  metrics?: JobMetrics;
}

export class JobWorker {
  private running = false;
  private readonly active = new Map<number, { token: string; done: Promise<void>; abort: AbortController }>();
  private timer: NodeJS.Timeout | undefined;
  private reapTimer: GridTimer | undefined;
  private polling: Promise<void> | undefined;

  constructor(private readonly o: WorkerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    // Reap first: jobs of an instance that died just before this one started are taken back on this start, not a
    // period later.
    this.reapTimer = startGridTimer(this.o.clock ?? systemClock, this.o.reapEveryMs, () => this.reap());
    this.schedule(0);
  }

  private async reap(): Promise<void> {
    try {
      const n = await this.o.queue.reapExpired();
      if (n > 0) {
        this.o.logger.warn({ reaped: n }, 'took back jobs whose worker stopped answering');
        this.wake();
      }
    } catch (err) {
      this.o.logger.warn({ err: loggableError(err) }, 'reaping expired jobs failed; trying again at the next tick');
    }
  }

  /** Poll now (after a local enqueue) instead of waiting for the next tick. */
  wake(): void {
    if (this.running) this.schedule(0);
  }

  /**
   * Stops claiming, lets running jobs finish within `graceMs`, then gives the rest back to the queue (their
   * attempt not counted) so another instance picks them up at once.
   */
  async stop(graceMs: number): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.reapTimer?.stop();
    await this.polling;
    const all = Promise.all([...this.active.values()].map((a) => a.done));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(true), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (!timedOut) return;
    for (const [id, a] of this.active) {
      a.abort.abort();
      await this.o.queue.release(id, a.token).catch(() => false);
    }
  }

  get activeCount(): number {
    return this.active.size;
  }

  /** Claims and runs at most one job to completion; for tests and tools. Returns the job run, if any. */
  async runOne(): Promise<Job | undefined> {
    const claimed = await this.o.queue.claim(this.o.owner);
    if (!claimed) return undefined;
    await this.execute(claimed);
    return claimed.job;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.polling ??= this.poll().finally(() => {
        this.polling = undefined;
        if (this.running) this.schedule(this.o.pollMs);
      });
    }, ms);
  }

  private async poll(): Promise<void> {
    while (this.running && this.active.size < this.o.concurrency) {
      let claimed: ClaimedJob | undefined;
      try {
        claimed = await this.o.queue.claim(this.o.owner);
      } catch (err) {
        // Instances claiming at once may deadlock on MariaDB (one is refused and simply claims at the next poll), and a
        // database away is reported by /readyz: neither is a fault of ours.
        const level = lockContention(err) ? 'info' : databaseUnavailable(err) ? 'warn' : 'error';
        this.o.logger[level]({ err: loggableError(err) }, 'claiming a job failed; trying again at the next poll');
        return;
      }
      if (!claimed) return;
      const abort = new AbortController();
      const entry = { token: claimed.token, abort, done: Promise.resolve() };
      this.active.set(claimed.job.id, entry);
      entry.done = this.execute(claimed, abort).finally(() => {
        this.active.delete(claimed.job.id);
        if (this.running) this.schedule(0);
      });
    }
  }

  private async execute({ job, token }: ClaimedJob, abort = new AbortController()): Promise<void> {
    const log = this.o.logger.child({ jobId: job.id, kind: job.kind, attempt: job.attempts, serviceRowId: job.serviceRowId });
    const handler = this.o.handlers[job.kind];
    let lost = false;
    const heartbeat = setInterval(() => {
      this.o.queue.heartbeat(job.id, token).then(
        (ok) => {
          if (!ok && !lost) {
            lost = true;
            abort.abort(new LeaseLostError(job.id));
          }
        },
        (err: unknown) => log.warn({ err: loggableError(err) }, 'heartbeat failed'),
      );
    }, this.o.heartbeatMs);
    const ctx: JobContext = {
      job,
      signal: abort.signal,
      fenced: (write) => this.o.queue.fenced(job.id, token, write),
      checkLease: () => {
        if (abort.signal.aborted) throw new LeaseLostError(job.id);
      },
    };
    try {
      if (!handler) throw new PermanentJobError(`no handler for job kind "${job.kind}"`);
      await handler(ctx);
      const recorded = await this.o.queue.succeed(job.id, token);
      this.o.metrics?.attempts.inc({ kind: job.kind, outcome: recorded ? 'succeeded' : 'lost' });
      if (!recorded) log.warn('job finished but its lease was lost; result not recorded');
    } catch (err) {
      if (err instanceof LeaseLostError || abort.signal.aborted) {
        this.o.metrics?.attempts.inc({ kind: job.kind, outcome: 'lost' });
        log.warn('lease lost: another worker owns this job now');
        return;
      }
      const permanent = err instanceof PermanentJobError;
      // An engine outage is nobody's order's fault: the queue retries it without using up the job's attempts.
      const outage = err instanceof EngineUnavailableError;
      const message = failureMessage(err);
      const outcome = await this.o.queue
        .fail(job.id, token, { message, permanent, outage, retryAfterMs: err instanceof RetryLaterError ? err.afterMs : undefined })
        .catch((e: unknown) => {
          log.error({ err: loggableError(e) }, 'recording a job failure failed');
          return 'lost' as const;
        });
      this.o.metrics?.attempts.inc({ kind: job.kind, outcome });
      if (outcome === 'dead') log.error({ error: message }, 'job dead');
      // During an outage every waiting job fails on each try; /readyz and the metrics say so once, not per job.
      else if (outage && outcome === 'retry') log.info({ error: message }, 'job waits for the engine');
      else log.warn({ error: message, outcome }, 'job failed');
    } finally {
      clearInterval(heartbeat);
    }
  }
}

/**
 * The failure as the job keeps it (shown to admins) and logs it: a database error's reason and code, never the
 * statement knex puts in front of it (a fenced write's statement carries the lease token).
 */
function failureMessage(err: unknown): string {
  const logged = loggableError(err);
  if (logged !== err && typeof logged === 'object' && logged !== null) {
    const { code, reason } = logged as { code?: string; reason: string };
    return `database error${code ? ` ${code}` : ''}: ${reason}`;
  }
  return err instanceof Error ? err.message : String(err);
}
