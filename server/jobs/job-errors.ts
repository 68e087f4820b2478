/**
 * How a job handler tells the worker what a failure means: a PermanentJobError ends the job `dead` at once (a
 * business error no retry can fix); an EngineUnavailableError is retried for as long as the engine is away, its
 * attempts not used up; anything else is transient and retried with backoff until attempts run out.
 */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

/** Transient, with a hint of when to try again (e.g. the engine said Retry-After, or a VM is still copying). */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly afterMs: number,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

/** How the last_error of a job waiting out an engine outage begins (the metrics count waiting jobs by it). */
export const ENGINE_UNAVAILABLE_PREFIX = 'engine unreachable: ';

/**
 * The oVirt engine could not be reached (refused, reset, DNS, TLS, timeout, a proxy's 502–504): no order is at fault,
 * so the job is retried for as long as the outage lasts without using up its attempts, with a backoff capped at
 * ENGINE_OUTAGE_RETRY_CAP_MS so it resumes soon after the engine is back. Never marks a service failed.
 */
export class EngineUnavailableError extends Error {
  constructor(
    /** Why the engine could not be reached, as the engine client said it. */
    readonly reason: string,
    /** The same without the engine's address, for the billing panel (a service's last_error). */
    readonly publicReason: string = reason,
  ) {
    super(`${ENGINE_UNAVAILABLE_PREFIX}${reason}`);
    this.name = 'EngineUnavailableError';
  }
}

/** The worker's lease was taken over by another worker: stop and write nothing. */
export class LeaseLostError extends Error {
  constructor(jobId: number) {
    super(`job ${jobId}: lease lost to another worker`);
    this.name = 'LeaseLostError';
  }
}
