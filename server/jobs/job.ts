/**
 * A job as the queue stores it: the record every reader sees, what an enqueue asks for, what a failed attempt tells the
 * queue, and the mapping from the table's row (numbers and dates come back as strings from some drivers).
 */
import { readDate, readNullableDate, readNumber } from '../db/columns';

export type JobState = 'queued' | 'running' | 'succeeded' | 'dead' | 'cancelled';

export interface Job {
  id: number;
  kind: string;
  serviceRowId: number | null;
  payload: unknown;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  runAfter: Date;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export interface ClaimedJob {
  job: Job;
  token: string;
}

export interface NewJob {
  kind: string;
  serviceRowId?: number | null;
  payload?: unknown;
  /** At most one waiting job per key; a second enqueue moves the waiting one's run time up instead. */
  dedupeKey?: string;
  runAfter?: Date;
  maxAttempts?: number;
}

/** What went wrong in one attempt, as the worker tells the queue. */
export interface JobFailure {
  message: string;
  /** No retry can fix it: dead at once. */
  permanent: boolean;
  /** When to try again, if the handler knows better than the backoff. */
  retryAfterMs?: number;
  /**
   * Something the job needs is away (the engine): retried for as long as that lasts, never dead because of it.
   * The attempt is counted, but its job's max_attempts moves up with it, so the attempts left for real errors stay.
   */
  outage?: boolean;
}

export interface JobRow {
  id: number | string;
  kind: string;
  service_row_id: number | null;
  payload: string;
  state: JobState;
  attempts: number;
  max_attempts: number;
  run_after: unknown;
  lease_owner: string | null;
  lease_token: string | null;
  lease_expires_at: unknown;
  last_error: string | null;
  created_at: unknown;
  updated_at: unknown;
  finished_at: unknown;
}

export function toJob(r: JobRow): Job {
  return {
    id: readNumber(r.id),
    kind: r.kind,
    serviceRowId: r.service_row_id === null ? null : readNumber(r.service_row_id),
    payload: JSON.parse(r.payload) as unknown,
    state: r.state,
    attempts: readNumber(r.attempts),
    maxAttempts: readNumber(r.max_attempts),
    runAfter: readDate(r.run_after),
    leaseOwner: r.lease_owner,
    leaseExpiresAt: readNullableDate(r.lease_expires_at),
    lastError: r.last_error,
    createdAt: readDate(r.created_at),
    updatedAt: readDate(r.updated_at),
    finishedAt: readNullableDate(r.finished_at),
  };
}
