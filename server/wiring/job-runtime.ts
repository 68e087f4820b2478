/**
 * Wiring for running jobs: which use case each job kind runs, which jobs are periodic and how often, and the worker
 * and the periodic scheduler built from them. Neither is started here: main (or a test) starts them.
 */
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Knex } from '../db/knex';
import { INCIDENT_NOTICES_JOB, type JobKind } from '../jobs/job-kinds';
import type { JobQueue } from '../jobs/job-queue';
import { type PeriodicTask, PeriodicTasks } from '../jobs/periodic-tasks';
import { type JobHandler, JobWorker } from '../jobs/worker';
import type { Logger } from '../logger';
import type { JobMetrics } from '../metrics/registry';
import type { CallbackService } from '../use-cases/callbacks';
import type { CapacityService } from '../use-cases/capacity';
import type { Housekeeping } from '../use-cases/housekeeping';
import type { IncidentNotices } from '../use-cases/incident-notices';
import type { EngineWork } from './engine-work';

const DAY = 86_400_000;

/** The use cases that jobs run; capacity and the engine's work exist only with an engine. */
export interface JobWork {
  callbacks: CallbackService;
  housekeeping: Housekeeping;
  incidentNotices: IncidentNotices;
  capacity: CapacityService | undefined;
  engine: EngineWork | undefined;
}

/** Each job kind's handler; a kind whose use case is absent (no engine) has none, and its jobs wait for one. */
export function jobHandlers(w: JobWork, logger: Logger): Partial<Record<JobKind, JobHandler>> {
  const { capacity, engine } = w;
  return {
    callback: (ctx) => w.callbacks.send(ctx),
    housekeeping: () => w.housekeeping.run(),
    incident_notices: async () => {
      await w.incidentNotices.sweep();
    },
    drift_sweep: capacity
      ? async () => {
          try {
            await capacity.sweepDrift();
          } catch (err) {
            // The next period's sweep tries again; retrying a sweep that failed on the engine would only add load.
            logger.warn({ err }, 'HA drift sweep failed');
          }
        }
      : undefined,
    service_action: engine ? (ctx) => engine.actionRunner.run(ctx) : undefined,
    reconcile: engine ? (ctx) => engine.provisioning.reconcile(ctx) : undefined,
  };
}

/** The periodic jobs, queued when due by the schedule in the database; their handlers do not queue their next run. */
export function periodicJobs(config: Config, w: JobWork): PeriodicTask[] {
  const tasks: PeriodicTask[] = [
    { name: 'housekeeping', everyMs: DAY / 4, job: { kind: 'housekeeping', dedupeKey: 'sweep:housekeeping' } },
  ];
  // Incident notices: a sweep whichever instance finds it due; its compare-and-sets make a sweep safe to run anywhere,
  // on several instances at once, before and after a change of event leader. Only with a panel to tell: without
  // BILLING_CALLBACK_URL there is nobody to send a notice to.
  if (w.callbacks.enabled) {
    tasks.push({ name: 'incident_notices', everyMs: config.events.pollMs, job: INCIDENT_NOTICES_JOB });
  }
  if (w.capacity) {
    tasks.push({ name: 'drift_sweep', everyMs: config.capacity.driftSweepMs, job: { kind: 'drift_sweep', dedupeKey: 'sweep:drift' } });
  }
  return tasks;
}

export function buildJobRuntime(d: {
  config: Config;
  knex: Knex;
  clock: Clock;
  logger: Logger;
  jobs: JobQueue;
  metrics: JobMetrics;
  /** This instance's name on the leases it holds. */
  owner: string;
  work: JobWork;
}): { worker: JobWorker; periodic: PeriodicTasks } {
  const { config, clock, logger, jobs } = d;
  const handlers: Record<string, JobHandler> = {};
  for (const [kind, handler] of Object.entries(jobHandlers(d.work, logger))) if (handler) handlers[kind] = handler;
  const reapEveryMs = Math.max(1000, Math.floor(config.jobs.leaseMs / 2));
  const worker = new JobWorker({
    queue: jobs,
    handlers,
    logger: logger.child({ component: 'worker' }),
    owner: d.owner,
    concurrency: config.jobs.concurrency,
    pollMs: config.jobs.pollMs,
    heartbeatMs: Math.max(100, Math.floor(config.jobs.leaseMs / 3)),
    reapEveryMs,
    clock,
    metrics: d.metrics,
  });
  const periodic = new PeriodicTasks({
    knex: d.knex,
    clock,
    queue: jobs,
    tasks: periodicJobs(config, d.work),
    logger: logger.child({ component: 'periodic' }),
    // Periods are hours (housekeeping) or minutes (drift sweep): looking as often as leases are checked is plenty.
    checkEveryMs: reapEveryMs,
    onQueued: () => worker.wake(),
  });
  return { worker, periodic };
}
