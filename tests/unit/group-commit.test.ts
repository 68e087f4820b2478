import { type BatchResult, GroupCommit } from '../../server/db/group-commit';

/** A batch writer the test releases by hand, recording each batch it was given. */
function manualWriter() {
  const batches: string[][] = [];
  const releases: Array<() => void> = [];
  const run = (items: string[]): Promise<BatchResult<string>[]> => {
    batches.push(items);
    return new Promise((resolve) => {
      releases.push(() =>
        resolve(
          items.map((i) => (i.startsWith('bad') ? { ok: false, error: new Error(`refused ${i}`) } : { ok: true, value: i.toUpperCase() })),
        ),
      );
    });
  };
  const releaseNext = async () => {
    releases.shift()?.();
    await new Promise((r) => setImmediate(r));
  };
  return { batches, run, releaseNext };
}

const keyOf = (item: string) => [item.split(':')[0]!];

describe('group commit', () => {
  test('when requests arrive while a batch is written, then they go together into the next batch', async () => {
    const w = manualWriter();
    const gc = new GroupCommit<string, string>({ run: w.run, keysOf: (i) => [i], maxBatch: 100, concurrency: 1 });
    const first = gc.submit('a');
    const rest = ['b', 'c', 'd'].map((i) => gc.submit(i));
    expect(w.batches).toEqual([['a']]);
    await w.releaseNext();
    expect(await first).toBe('A');
    expect(w.batches).toEqual([['a'], ['b', 'c', 'd']]);
    await w.releaseNext();
    expect(await Promise.all(rest)).toEqual(['B', 'C', 'D']);
    expect(gc.stats).toEqual({ batches: 2, items: 4, largest: 3 });
  });

  test('when two requests share a key, then they are never in one batch and keep their order', async () => {
    const w = manualWriter();
    const gc = new GroupCommit<string, string>({ run: w.run, keysOf: keyOf, maxBatch: 100, concurrency: 2 });
    const all = ['s1:create', 's2:create', 's1:suspend', 's3:create', 's1:unsuspend'].map((i) => gc.submit(i));
    // Each of the first two starts a batch at once (two slots); the rest wait.
    expect(w.batches).toEqual([['s1:create'], ['s2:create']]);
    await w.releaseNext();
    // s1's suspend joins s3's create, but its unsuspend must wait until the suspend is written.
    expect(w.batches[2]).toEqual(['s1:suspend', 's3:create']);
    await w.releaseNext();
    expect(w.batches).toHaveLength(3);
    await w.releaseNext();
    expect(w.batches[3]).toEqual(['s1:unsuspend']);
    await w.releaseNext();
    expect(await Promise.all(all)).toEqual(['S1:CREATE', 'S2:CREATE', 'S1:SUSPEND', 'S3:CREATE', 'S1:UNSUSPEND']);
  });

  test('when a batch refuses one request, then only that request fails', async () => {
    const w = manualWriter();
    const gc = new GroupCommit<string, string>({ run: w.run, keysOf: (i) => [i], maxBatch: 100, concurrency: 1 });
    const lead = gc.submit('x');
    const results = ['ok1', 'bad1', 'ok2'].map((i) =>
      gc.submit(i).then(
        (v) => v,
        (e: Error) => e.message,
      ),
    );
    await w.releaseNext();
    await lead;
    await w.releaseNext();
    expect(await Promise.all(results)).toEqual(['OK1', 'refused bad1', 'OK2']);
  });

  test('when the writer throws, then every request of that batch fails and the next batch still runs', async () => {
    let calls = 0;
    const gc = new GroupCommit<string, string>({
      run: async (items) => {
        calls++;
        if (calls === 1) throw new Error('connection lost');
        return items.map((i) => ({ ok: true as const, value: i }));
      },
      keysOf: (i) => [i],
      maxBatch: 100,
      concurrency: 1,
    });
    const failed = gc.submit('a');
    await expect(failed).rejects.toThrow('connection lost');
    await expect(gc.submit('b')).resolves.toBe('b');
  });

  test('when more requests wait than a batch holds, then they are split into batches of at most maxBatch', async () => {
    const w = manualWriter();
    const gc = new GroupCommit<string, string>({ run: w.run, keysOf: (i) => [i], maxBatch: 3, concurrency: 1 });
    const all = Array.from({ length: 8 }, (_, i) => gc.submit(`r${i}`));
    while (w.batches.length < 4) await w.releaseNext();
    await w.releaseNext();
    await Promise.all(all);
    expect(w.batches.map((b) => b.length)).toEqual([1, 3, 3, 1]);
    expect(gc.waiting).toBe(0);
  });

  test('when maxWaiting requests already wait, then the next one fails at once with whenFull and is never written', async () => {
    const w = manualWriter();
    const gc = new GroupCommit<string, string>({
      run: w.run,
      keysOf: (i) => [i],
      maxBatch: 100,
      concurrency: 1,
      maxWaiting: 2,
      whenFull: () => new Error('busy'),
    });
    const first = gc.submit('a');
    const queued = ['b', 'c'].map((i) => gc.submit(i));
    await expect(gc.submit('d')).rejects.toThrow('busy');
    expect(gc.waiting).toBe(2);
    await w.releaseNext();
    // The waiting two are now a batch being written, so the queue has room again.
    const later = gc.submit('e');
    await w.releaseNext();
    await w.releaseNext();
    expect(await Promise.all([first, ...queued, later])).toEqual(['A', 'B', 'C', 'E']);
    expect(w.batches.flat()).not.toContain('d');
  });
});
