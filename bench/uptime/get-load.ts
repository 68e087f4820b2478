/**
 * The GET load of bench:uptime: closed-loop latency runs and paged listing runs, each in a worker thread (this
 * file is the worker's entry), over a keep-alive agent with per-request timeouts.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { runTsWorker } from '../http-load';
import { ERROR_SAMPLES } from './setup';

export interface ClosedSpec {
  kind: 'closed';
  port: number;
  path: string;
  headers: Record<string, string>;
  concurrency: number;
  warmup: number;
  count: number;
  /** The measured phase stops at `count` requests or after this long, whichever comes first. */
  maxMs: number;
  timeoutMs: number;
}

export interface PagedSpec {
  kind: 'paged';
  port: number;
  /** The first page; with `follow`, the next ones follow `next_cursor` (`&cursor=…` appended). */
  path: string;
  follow: boolean;
  headers: Record<string, string>;
  warmup: number;
  repeats: number;
  maxMs: number;
  timeoutMs: number;
}

export type WorkerSpec = ClosedSpec | PagedSpec;

export interface ClosedResult {
  kind: 'closed';
  requests: number;
  elapsedMs: number;
  statuses: Record<string, number>;
  /** Per request, ms from send to the end of the body. */
  latencies: Float64Array;
  bodyBytes: number;
  errorSamples: string[];
}

export interface PagedRun {
  /** Sum over the pages, each from send to the end of its body (the client's own parsing left out). */
  totalMs: number;
  /** From the first request to the last body, the client's cursor extraction included. */
  wallMs: number;
  pages: number;
  items: number;
  bytes: number;
  /** Every page answered 200. */
  ok: boolean;
}

export interface PagedResult {
  kind: 'paged';
  runs: PagedRun[];
  errorSamples: string[];
}

export type WorkerResult = ClosedResult | PagedResult;

/** One GET; resolves with the status (0 on a network error or timeout) and the body; never rejects. */
export function getOnce(
  agent: Agent,
  port: number,
  path: string,
  headers: Record<string, string>,
  timeoutMs: number,
  keepBody: boolean,
): Promise<{ status: number; bytes: number; body: string }> {
  return new Promise((resolve) => {
    // `r` is assigned below, long before the timer can fire.
    const timer = setTimeout(() => r.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    let settled = false;
    const done = (status: number, bytes: number, body: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ status, bytes, body });
    };
    const r = request({ agent, host: '127.0.0.1', port, method: 'GET', path, headers }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        // Only a little of the body is kept unless asked (paging needs the tail for the cursor).
        if (keepBody || (res.statusCode !== 200 && bytes < 2000)) chunks.push(chunk);
      });
      res.on('end', () => done(res.statusCode ?? 0, bytes, chunks.length ? Buffer.concat(chunks).toString('utf8') : ''));
      res.on('error', (err) => done(0, bytes, err.message));
    });
    r.on('error', (err) => done(0, 0, err.message));
    r.end();
  });
}

export async function closedLoop(spec: ClosedSpec): Promise<ClosedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const result: ClosedResult = {
    kind: 'closed',
    requests: 0,
    elapsedMs: 0,
    statuses: {},
    latencies: new Float64Array(0),
    bodyBytes: 0,
    errorSamples: [],
  };
  const latencies: number[] = [];
  try {
    const phase = async (count: number, record: boolean): Promise<number> => {
      let next = 0;
      const started = performance.now();
      const deadline = started + spec.maxMs;
      let lastEnd = started;
      const lane = async (): Promise<void> => {
        while (next < count && performance.now() < deadline) {
          next += 1;
          const t0 = performance.now();
          const { status, bytes, body } = await getOnce(agent, spec.port, spec.path, spec.headers, spec.timeoutMs, false);
          const t1 = performance.now();
          lastEnd = Math.max(lastEnd, t1);
          if (!record) continue;
          latencies.push(t1 - t0);
          result.requests += 1;
          result.bodyBytes += bytes;
          result.statuses[String(status)] = (result.statuses[String(status)] ?? 0) + 1;
          if (status !== 200 && result.errorSamples.length < ERROR_SAMPLES) result.errorSamples.push(`${status}: ${body.slice(0, 300)}`);
        }
      };
      await Promise.all(Array.from({ length: spec.concurrency }, lane));
      return lastEnd - started;
    };
    // The warm-up also opens the connections, so the measured phase starts on warm sockets and warm code.
    await phase(spec.warmup, false);
    result.elapsedMs = await phase(spec.count, true);
    result.latencies = Float64Array.from(latencies);
    return result;
  } finally {
    agent.destroy();
  }
}

export const CURSOR = /"next_cursor":(?:null|"(\d+)")\s*\}\s*$/;

export async function pagedRuns(spec: PagedSpec): Promise<PagedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const result: PagedResult = { kind: 'paged', runs: [], errorSamples: [] };
  const one = async (): Promise<PagedRun> => {
    const run: PagedRun = { totalMs: 0, wallMs: 0, pages: 0, items: 0, bytes: 0, ok: true };
    const wall0 = performance.now();
    let path: string | undefined = spec.path;
    // At most 1,000 pages: a cursor that never ends cannot keep the bench running.
    while (path !== undefined && run.pages < 1000) {
      const t0 = performance.now();
      const { status, bytes, body } = await getOnce(agent, spec.port, path, spec.headers, spec.timeoutMs, true);
      run.totalMs += performance.now() - t0;
      run.pages += 1;
      run.bytes += bytes;
      if (status !== 200) {
        run.ok = false;
        if (result.errorSamples.length < ERROR_SAMPLES) result.errorSamples.push(`${status}: ${body.slice(0, 300)}`);
        break;
      }
      run.items += body.split('"service_id":').length - 1;
      const cursor = CURSOR.exec(body.slice(-200))?.[1];
      path = cursor === undefined || !spec.follow ? undefined : `${spec.path}&cursor=${cursor}`;
    }
    run.wallMs = performance.now() - wall0;
    return run;
  };
  try {
    const deadline = performance.now() + spec.maxMs;
    for (let i = 0; i < spec.warmup; i++) await one();
    for (let i = 0; i < spec.repeats && (i === 0 || performance.now() < deadline); i++) result.runs.push(await one());
    return result;
  } finally {
    agent.destroy();
  }
}

export function runInWorker<T extends WorkerResult>(spec: WorkerSpec): Promise<T> {
  return runTsWorker<T>(__filename, spec);
}

// In the worker thread (runInWorker starts this file there): run the spec and post the result.
if (!isMainThread) {
  const spec = workerData as WorkerSpec;
  // A rejection stays unhandled on purpose: it ends the worker with an 'error' event, which the caller reports.
  void (spec.kind === 'closed' ? closedLoop(spec) : pagedRuns(spec)).then((result) => parentPort?.postMessage(result));
}
