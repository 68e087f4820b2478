/**
 * Capped exponential backoff with full jitter (AWS architecture blog): delay = random(0, min(cap, base * 2^attempt)).
 * Shared by the engine client's read retries and the job queue's retries, so it sits below both.
 */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}
