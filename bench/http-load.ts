/**
 * A small HTTP load generator on node:http with a keep-alive agent (no extra dependency), in two modes:
 * - closed loop: N connections each send the next request as soon as their previous one is answered, for a bounded
 *   count and duration; gives the maximum throughput and the latency at that load;
 * - open loop: requests start on a fixed schedule (e.g. 300 per second) whether or not earlier ones were answered,
 *   and latency is counted from the scheduled start, so a stalled server cannot hide its stall by slowing the client
 *   down (coordinated omission).
 * `runLoadInWorker` runs either mode in a worker thread, so the generator has its own event loop and does not steal
 * the server's; the bare-express baseline is measured the same way, so ratios compare like with like.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

export interface PreparedRequest {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export type LoadMode =
  { kind: 'closed'; concurrency: number; durationMs: number } | { kind: 'open'; ratePerSecond: number; maxSockets: number };

/** How the worker builds its requests: signed `service.create` webhooks, one distinct service per request. */
export interface WebhookRecipe {
  path: string;
  secret: string;
  idPrefix: string;
  productId: string;
  clientId: string;
  /** More fields of the order's `data` (os, ssh_keys, password …), the same for every order. */
  extraData?: Record<string, unknown>;
}

export interface LoadSpec {
  port: number;
  count: number;
  mode: LoadMode;
  recipe: WebhookRecipe;
  /** Per-request timeout; a request over it counts as status 0, so every run ends by itself. */
  timeoutMs: number;
}

export interface LoadResult {
  mode: LoadMode;
  /** Requests started and answered (any status) or failed at the network level. */
  sent: number;
  /** From the first request started to the last one answered. */
  elapsedMs: number;
  /** Per request index: HTTP status, 0 for a network error or timeout, -1 when never sent. */
  statuses: Int16Array;
  /** Per request index, ms: closed loop from send to answer; open loop from the scheduled start to the answer. */
  latencies: Float64Array;
  /** Per request index, epoch ms when the request was handed to the socket (NaN when never sent). */
  sentAt: Float64Array;
  /** Open loop: how late the client started requests against the schedule (its own lag), worst case. */
  maxStartLagMs: number;
  /** The first few answers that were not the expected status, for the report. */
  errorSamples: string[];
}

const ERROR_SAMPLES = 5;

/**
 * Sends one POST and resolves with the status (0 on a network error or timeout); never rejects. The timeout runs from
 * the call, so time spent queued in the agent for a free socket counts too and every request ends by itself.
 */
export function postOnce(agent: Agent, port: number, req: PreparedRequest, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    // `r` is assigned below, long before the timer can fire.
    const timer = setTimeout(() => r.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const done = (status: number, body: string) => {
      clearTimeout(timer);
      resolve({ status, body });
    };
    const r = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: req.path,
        headers: { ...req.headers, 'content-length': String(req.body.length) },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          // Keep only a little of the body: the answer text is for error samples, not for the figures.
          if (body.length < 500) body += chunk;
        });
        res.on('end', () => done(res.statusCode ?? 0, body));
        res.on('error', (err) => done(0, err.message));
      },
    );
    r.on('error', (err) => done(0, err.message));
    r.end(req.body);
  });
}

function emptyResult(mode: LoadMode, count: number): LoadResult {
  return {
    mode,
    sent: 0,
    elapsedMs: 0,
    statuses: new Int16Array(count).fill(-1),
    latencies: new Float64Array(count).fill(Number.NaN),
    sentAt: new Float64Array(count).fill(Number.NaN),
    maxStartLagMs: 0,
    errorSamples: [],
  };
}

function noteError(result: LoadResult, expected: number, status: number, body: string): void {
  if (status !== expected && result.errorSamples.length < ERROR_SAMPLES) result.errorSamples.push(`${status}: ${body.slice(0, 300)}`);
}

/**
 * Closed loop: `concurrency` lanes on one keep-alive agent, each sending the next unsent request until the list is
 * used up or `durationMs` has passed (requests in flight at the deadline still finish).
 */
export async function runClosedLoop(
  port: number,
  requests: PreparedRequest[],
  mode: Extract<LoadMode, { kind: 'closed' }>,
  timeoutMs: number,
  expectedStatus = 202,
): Promise<LoadResult> {
  const result = emptyResult(mode, requests.length);
  const agent = new Agent({ keepAlive: true, maxSockets: mode.concurrency });
  const started = performance.now();
  const deadline = started + mode.durationMs;
  let next = 0;
  let lastEnd = started;
  const lane = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      const req = requests[i];
      if (!req || performance.now() > deadline) return;
      const t0 = performance.now();
      result.sentAt[i] = performance.timeOrigin + t0;
      const { status, body } = await postOnce(agent, port, req, timeoutMs);
      const t1 = performance.now();
      result.latencies[i] = t1 - t0;
      result.statuses[i] = status;
      result.sent += 1;
      lastEnd = Math.max(lastEnd, t1);
      noteError(result, expectedStatus, status, body);
    }
  };
  await Promise.all(Array.from({ length: mode.concurrency }, lane));
  result.elapsedMs = lastEnd - started;
  agent.destroy();
  return result;
}

/** Open loop: request i starts at start + i / rate; latency runs from that scheduled instant to the answer. */
export async function runOpenLoop(
  port: number,
  requests: PreparedRequest[],
  mode: Extract<LoadMode, { kind: 'open' }>,
  timeoutMs: number,
  expectedStatus = 202,
): Promise<LoadResult> {
  const result = emptyResult(mode, requests.length);
  const agent = new Agent({ keepAlive: true, maxSockets: mode.maxSockets });
  const interval = 1000 / mode.ratePerSecond;
  const start = performance.now() + 5;
  let lastEnd = start;
  let outstanding = 0;
  let fired = 0;
  await new Promise<void>((resolve) => {
    const fire = (i: number, scheduled: number, req: PreparedRequest) => {
      outstanding += 1;
      const now = performance.now();
      result.maxStartLagMs = Math.max(result.maxStartLagMs, now - scheduled);
      result.sentAt[i] = performance.timeOrigin + now;
      void postOnce(agent, port, req, timeoutMs).then(({ status, body }) => {
        const t1 = performance.now();
        result.latencies[i] = t1 - scheduled;
        result.statuses[i] = status;
        result.sent += 1;
        lastEnd = Math.max(lastEnd, t1);
        noteError(result, expectedStatus, status, body);
        outstanding -= 1;
        if (fired === requests.length && outstanding === 0) resolve();
      });
    };
    const tick = () => {
      const now = performance.now();
      for (let req = requests[fired]; req && start + fired * interval <= now; req = requests[fired]) {
        fire(fired, start + fired * interval, req);
        fired += 1;
      }
      if (fired < requests.length) setTimeout(tick, Math.max(0, start + fired * interval - performance.now()));
      else if (outstanding === 0) resolve();
    };
    setTimeout(tick, 5);
  });
  result.elapsedMs = lastEnd - start;
  agent.destroy();
  return result;
}

/**
 * Runs one load in a worker thread (bench/load-worker.ts). The worker signs its requests before it starts the clock,
 * so signing cost is not part of the figures.
 */
export function runLoadInWorker(spec: LoadSpec): Promise<LoadResult> {
  return runTsWorker<LoadResult>(path.join(__dirname, 'load-worker.ts'), spec);
}

/**
 * Runs a TypeScript file in a worker thread with `workerData` and resolves with the first message it posts.
 * tsx's CommonJS hook is loaded into the worker explicitly: worker threads do not inherit it from `tsx bench/….ts`.
 */
export function runTsWorker<T>(script: string, workerData: unknown): Promise<T> {
  const tsxHook = require.resolve('tsx/cjs');
  const worker = new Worker(`require(${JSON.stringify(tsxHook)}); require(${JSON.stringify(script)});`, { eval: true, workerData });
  return new Promise((resolve, reject) => {
    let settled = false;
    worker.once('message', (result: T) => {
      settled = true;
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`load worker exited with code ${code} before reporting`));
    });
  });
}
