/**
 * Which engine failures are business errors (no retry can fix them: the job ends dead, the panel is told) and which
 * are transient (5xx, timeouts, locks, no host free right now: retried with backoff).
 */
import { PermanentJobError, RetryLaterError } from '../jobs/job-errors';
import { OvirtError } from '../ovirt/errors';

/** The message an admin reads for an engine refusal of a create. */
export function classifyCreateError(err: unknown, template: string, cluster: string): Error {
  if (!(err instanceof OvirtError)) return err instanceof Error ? err : new Error(String(err));
  if (err.kind === 'not_found') {
    return new PermanentJobError(`The engine does not know template "${template}" or cluster "${cluster}" (${err.info.detail ?? err.message}). Fix the plan mapping or create the template, then retry the job.`);
  }
  if (err.kind === 'forbidden') return new PermanentJobError(`The engine user may not create VMs: ${err.info.detail ?? err.message}`);
  if (err.kind === 'bad_request') return new PermanentJobError(`The engine refused the VM: ${err.info.detail ?? err.info.reason ?? err.message}`);
  if (err.kind === 'conflict' && /quota/i.test(err.info.detail ?? '')) return new PermanentJobError(`The engine's quota refused the VM: ${err.info.detail}`);
  return classifyTransient(err);
}

/** Engine errors during start, stop, update or remove. */
export function classifyTransient(err: unknown): Error {
  if (!(err instanceof OvirtError)) return err instanceof Error ? err : new Error(String(err));
  if (err.isNoHost) return new RetryLaterError(`No host in the cluster has room to run the VM right now: ${err.info.detail ?? ''}`.trim(), 60_000);
  if (err.isLocked) return new RetryLaterError(`The VM is locked by another engine operation: ${err.info.detail ?? ''}`.trim(), 10_000);
  if (err.kind === 'forbidden') return new PermanentJobError(`The engine user is not allowed to do this: ${err.info.detail ?? err.message}`);
  return err;
}
