/** The work the bridge takes on: the billing panel's requests, the job worker, VPS actions, and how long records stay. */
import { flag, integer, optionalHttpUrl, section } from './fields';

export const billing = section(
  {
    BILLING_CALLBACK_URL: optionalHttpUrl(),
    WEBHOOK_MAX_WAITING: integer(2000, { min: 1, max: 1_000_000 }),
  },
  (e) => ({
    callbackUrl: e.BILLING_CALLBACK_URL,
    /** Webhooks allowed to wait for a transaction before new ones get 503 (see db/group-commit.ts). */
    maxWaiting: e.WEBHOOK_MAX_WAITING,
  }),
);

export const jobs = section(
  {
    JOB_CONCURRENCY: integer(4, { min: 1, max: 64 }),
    JOB_LEASE_MS: integer(30_000, { min: 1000, max: 3_600_000 }),
    JOB_POLL_MS: integer(1000, { min: 10, max: 60_000 }),
    JOB_MAX_ATTEMPTS: integer(15, { min: 1, max: 100 }),
    JOB_BACKOFF_BASE_MS: integer(2000, { min: 1, max: 600_000 }),
    JOB_BACKOFF_CAP_MS: integer(600_000, { min: 1, max: 86_400_000 }),
    ENGINE_OUTAGE_RETRY_CAP_MS: integer(60_000, { min: 1, max: 86_400_000 }),
    JOB_WORKER: flag(true),
  },
  (e) => ({
    concurrency: e.JOB_CONCURRENCY,
    leaseMs: e.JOB_LEASE_MS,
    pollMs: e.JOB_POLL_MS,
    maxAttempts: e.JOB_MAX_ATTEMPTS,
    backoffBaseMs: e.JOB_BACKOFF_BASE_MS,
    backoffCapMs: e.JOB_BACKOFF_CAP_MS,
    /** Backoff cap while the engine is away: jobs wait it out without using up attempts and resume within this. */
    outageCapMs: e.ENGINE_OUTAGE_RETRY_CAP_MS,
    /** False runs a web-only instance (no job worker). */
    workerEnabled: e.JOB_WORKER,
  }),
);

/** Power, reinstall and console actions on a VPS: a per-service limit counted in the database. */
export const actions = section(
  {
    ACTION_LIMIT_PER_SERVICE: integer(10, { min: 0, max: 10_000 }),
    ACTION_LIMIT_WINDOW_SECONDS: integer(600, { min: 1, max: 86_400 }),
  },
  (e) => ({
    /** Actions one service may ask for within the window (0: no limit). */
    limitPerService: e.ACTION_LIMIT_PER_SERVICE,
    limitWindowSeconds: e.ACTION_LIMIT_WINDOW_SECONDS,
  }),
);

/** How long answered webhooks (for redelivery) and finished jobs are kept. */
export const retention = section(
  {
    WEBHOOK_RETENTION_DAYS: integer(30, { min: 7, max: 3650, tooSmall: 'must be at least 7 (the panel retries for days)' }),
    JOB_RETENTION_DAYS: integer(30, { min: 1, max: 3650 }),
  },
  (e) => ({ webhookDays: e.WEBHOOK_RETENTION_DAYS, jobDays: e.JOB_RETENTION_DAYS }),
);
