/**
 * Group commit: requests that arrive while a batch is being written wait and are written together in the next one,
 * so a burst of N requests costs a few transactions instead of N. No timer: a request arriving at an idle moment
 * starts its batch at once, so under light load a batch is one request and latency is unchanged.
 *
 * Requests that share a key (the same webhook id or the same service) never go into one batch: the later one waits
 * for the next, so a batch can decide each of its requests from one read of the rows involved.
 */

export type BatchResult<O> = { ok: true; value: O } | { ok: false; error: unknown };

interface Pending<I, O> {
  item: I;
  keys: string[];
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions<I, O> {
  /** Writes one batch; returns one result per item, in order. A throw fails every item of the batch. */
  run: (items: I[]) => Promise<BatchResult<O>[]>;
  /** Keys that must not meet in one batch. */
  keysOf: (item: I) => string[];
  maxBatch: number;
  /** Batches written at the same time (each holds a database connection). */
  concurrency: number;
  /**
   * Requests allowed to wait. Past it a request fails at once with `whenFull()`: when the database falls behind, a
   * caller told "busy, retry" in a millisecond does better than one that waits out its own timeout.
   */
  maxWaiting?: number;
  whenFull?: () => Error;
}

export class GroupCommit<I, O> {
  private queue: Pending<I, O>[] = [];
  private running = 0;
  /** Keys of the batches being written: a request for one of them waits, so one key's requests keep their order. */
  private readonly inFlight = new Map<string, number>();

  /** Batches written so far and the largest one: what the grouping achieved (for tests and metrics). */
  readonly stats = { batches: 0, items: 0, largest: 0 };

  constructor(private readonly options: GroupCommitOptions<I, O>) {}

  submit(item: I): Promise<O> {
    const { maxWaiting, whenFull } = this.options;
    if (maxWaiting !== undefined && this.queue.length >= maxWaiting) {
      return Promise.reject(whenFull ? whenFull() : new Error(`group commit: ${maxWaiting} requests already waiting`));
    }
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, keys: this.options.keysOf(item), resolve, reject });
      this.pump();
    });
  }

  /** Requests waiting for a batch (for tests and metrics). */
  get waiting(): number {
    return this.queue.length;
  }

  private pump(): void {
    while (this.running < this.options.concurrency && this.queue.length > 0) {
      const batch = this.take();
      if (batch.length === 0) return;
      this.running++;
      this.hold(batch, 1);
      void this.write(batch).finally(() => {
        this.running--;
        this.hold(batch, -1);
        this.pump();
      });
    }
  }

  /** The oldest requests, up to maxBatch, skipping any whose key an earlier one in this batch holds. */
  private take(): Pending<I, O>[] {
    const batch: Pending<I, O>[] = [];
    const held = new Set<string>(this.inFlight.keys());
    const rest: Pending<I, O>[] = [];
    for (const p of this.queue) {
      if (batch.length >= this.options.maxBatch || p.keys.some((k) => held.has(k))) {
        rest.push(p);
        // Keys of a skipped request are held too, so requests for one key keep their arrival order.
        for (const k of p.keys) held.add(k);
        continue;
      }
      batch.push(p);
      for (const k of p.keys) held.add(k);
    }
    this.queue = rest;
    return batch;
  }

  private hold(batch: Pending<I, O>[], delta: 1 | -1): void {
    for (const p of batch) {
      for (const k of p.keys) {
        const n = (this.inFlight.get(k) ?? 0) + delta;
        if (n > 0) this.inFlight.set(k, n);
        else this.inFlight.delete(k);
      }
    }
  }

  private async write(batch: Pending<I, O>[]): Promise<void> {
    this.stats.batches++;
    this.stats.items += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    let results: BatchResult<O>[];
    try {
      results = await this.options.run(batch.map((p) => p.item));
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => {
      const r = results[i];
      if (!r) p.reject(new Error('group commit: the batch returned no result for a request'));
      else if (r.ok) p.resolve(r.value);
      else p.reject(r.error);
    });
  }
}
