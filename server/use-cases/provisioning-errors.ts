/**
 * Which engine failures are business errors (no retry can fix them: the job ends dead, the panel is told), which are
 * transient (5xx, locks, no host free right now: retried with backoff until attempts run out), and which say the
 * engine is away (retried for as long as that lasts, attempts not used up).
 */
import { ENGINE_UNAVAILABLE_PREFIX, EngineUnavailableError, PermanentJobError, RetryLaterError } from '../jobs/job-errors';
import { OvirtError, OvirtTimeoutError, OvirtUnreachableError } from '../ovirt/errors';

/** Statuses a reverse proxy (or the engine's own front end) answers while the engine behind it is down or starting. */
const AWAY_STATUSES = new Set([502, 503, 504]);

/**
 * Whether an engine failure means the engine is away rather than that it answered: no connection (refused, reset,
 * DNS, TLS), no answer in time, or a 502/503/504 from the proxy in front of it. A 500 or 429, a refused login, a
 * conflict or a wrong URL are answers, and keep counting attempts.
 *
 * A VM that does not reach a state in time is the engine answering too: `OvirtClient.waitForVm` raises an
 * OvirtTimeoutError whose operation starts with "wait for", which is not an outage (tests/integration/engine-outage.test.ts
 * drives the real client to keep the two apart).
 */
export function isEngineAway(err: unknown): err is OvirtError {
  if (!(err instanceof OvirtError)) return false;
  if (err instanceof OvirtUnreachableError) return true;
  if (err instanceof OvirtTimeoutError) return !err.info.operation.startsWith('wait for ');
  return err.kind === 'unavailable' && err.info.engineStatus !== undefined && AWAY_STATUSES.has(err.info.engineStatus);
}

/** The message an admin reads for an engine refusal of a create. */
export function classifyCreateError(err: unknown, template: string, cluster: string): Error {
  if (!(err instanceof OvirtError)) return err instanceof Error ? err : new Error(String(err));
  if (err.kind === 'not_found') {
    return new PermanentJobError(
      `The engine does not know template "${template}" or cluster "${cluster}" (${err.info.detail ?? err.message}). Fix the plan ` +
        `mapping or create the template, then retry the job.`,
    );
  }
  if (err.kind === 'forbidden') return new PermanentJobError(`The engine user may not create VMs: ${err.info.detail ?? err.message}`);
  if (err.kind === 'bad_request')
    return new PermanentJobError(`The engine refused the VM: ${err.info.detail ?? err.info.reason ?? err.message}`);
  if (err.kind === 'conflict' && /quota/i.test(err.info.detail ?? ''))
    return new PermanentJobError(`The engine's quota refused the VM: ${err.info.detail}`);
  return classifyTransient(err);
}

/** Engine errors during start, stop, update or remove. */
export function classifyTransient(err: unknown): Error {
  if (!(err instanceof OvirtError)) return err instanceof Error ? err : new Error(String(err));
  if (err.isNoHost)
    return new RetryLaterError(`No host in the cluster has room to run the VM right now: ${err.info.detail ?? ''}`.trim(), 60_000);
  if (err.isLocked) return new RetryLaterError(`The VM is locked by another engine operation: ${err.info.detail ?? ''}`.trim(), 10_000);
  if (err.kind === 'forbidden')
    return new PermanentJobError(`The engine user is not allowed to do this: ${err.info.detail ?? err.message}`);
  return err;
}

/**
 * A failure as a service's last_error says it, which the billing panel reads (and WHMCS shows its staff) and the
 * service.failed callback carries: an engine error in its public words, without the engine's URL, user or password.
 * The job's own last_error, for our admins, keeps the full message.
 */
export function panelMessage(err: unknown): string {
  if (err instanceof EngineUnavailableError) return `${ENGINE_UNAVAILABLE_PREFIX}${err.publicReason}`;
  if (err instanceof OvirtError) return err.publicDetail;
  return err instanceof Error ? err.message : String(err);
}
