/**
 * How a job handler tells the worker what a failure means: a PermanentJobError ends the job `dead` at once (a
 * business error no retry can fix); anything else is transient and retried with backoff until attempts run out.
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

/** The worker's lease was taken over by another worker: stop and write nothing. */
export class LeaseLostError extends Error {
  constructor(jobId: number) {
    super(`job ${jobId}: lease lost to another worker`);
    this.name = 'LeaseLostError';
  }
}
