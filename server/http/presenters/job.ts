/** A job as admins see it. */
import type { Job } from '../../jobs/job-queue';

export function presentJob(job: Job) {
  return {
    id: job.id,
    kind: job.kind,
    service: job.serviceRowId,
    state: job.state,
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    run_after: job.runAfter.toISOString(),
    lease: job.state === 'running' ? { owner: job.leaseOwner, expires_at: job.leaseExpiresAt?.toISOString() ?? null } : null,
    last_error: job.lastError,
    payload: job.kind === 'callback' ? job.payload : undefined,
    created_at: job.createdAt.toISOString(),
    updated_at: job.updatedAt.toISOString(),
    finished_at: job.finishedAt?.toISOString() ?? null,
  };
}
