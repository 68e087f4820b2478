/**
 * The client area's usage reads: a customer's page must not wait on the engine. The engine keeps one
 * sample every 30 s, so a read is kept for `freshMs` and shared by every page view of the service meanwhile; a read
 * that takes longer than `deadlineMs` leaves the page without usage (the read goes on and fills the cache for the next
 * view); and after a failure (the engine away, the VM gone) the page says so for `failureMs` without asking again. So
 * an unreachable engine costs the page one short wait per service and period, not its retries on every view.
 */
import type { Clock } from '../clock';
import type { Actor } from '../domain/service-action';
import { AppError } from '../errors';
import type { VpsAccess, VpsUsage } from './vps-access';

export interface UsageReadTimings {
  freshMs: number;
  failureMs: number;
  deadlineMs: number;
}

interface Entry {
  at: number;
  read: Promise<VpsUsage>;
  settled: boolean;
  failed: boolean;
}

/** Entries kept before old ones are dropped: one per service viewed lately. */
const MAX_ENTRIES = 5000;

export class UsageReads {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly d: {
      access: Pick<VpsAccess, 'usage'>;
      clock: Clock;
      timings?: Partial<UsageReadTimings>;
    },
  ) {}

  private get timings(): UsageReadTimings {
    return { freshMs: 30_000, failureMs: 30_000, deadlineMs: 1500, ...this.d.timings };
  }

  /** The VPS's usage for its customer, from the cache when fresh; rejects (AppError) when it cannot be had soon. */
  async read(billingServiceId: string, actor: Actor): Promise<VpsUsage> {
    // Keyed by who asks too: the use case checks the service is theirs, and a cached answer must not skip that.
    const key = `${actor.clientId ?? actor.name}\u0000${billingServiceId}`;
    const now = this.d.clock.now().getTime();
    const { freshMs, failureMs, deadlineMs } = this.timings;
    let entry = this.entries.get(key);
    const stale = entry && entry.settled && now - entry.at >= (entry.failed ? failureMs : freshMs);
    if (!entry || stale) {
      const read = this.d.access.usage(billingServiceId, actor);
      const fresh: Entry = { at: now, read, settled: false, failed: false };
      read.then(
        () => {
          fresh.settled = true;
        },
        () => {
          fresh.settled = true;
          fresh.failed = true;
        },
      );
      this.entries.delete(key);
      this.entries.set(key, fresh);
      this.prune();
      entry = fresh;
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AppError('usage_slow', 'The platform did not answer in time.', 504)), deadlineMs);
      timer.unref();
    });
    try {
      return await Promise.race([entry.read, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private prune(): void {
    while (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) return;
      this.entries.delete(oldest);
    }
  }
}
