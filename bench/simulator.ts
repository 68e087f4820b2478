/**
 * `npm run bench:simulator`: simple GETs per second against the oVirt engine simulator (JSON and XML), beside a bare
 * express route measured by the same generator in the same run (the simulator keeps at least half of the
 * bare route's throughput, so it never limits the benches that use it as their engine).
 *
 * Targets, each measured the same way (a warm-up, then a closed loop of `--concurrency` keep-alive connections for
 * `--duration` seconds, every request a GET with the same headers, bearer token included):
 * - bare express: `GET /x` answering a small JSON object, measured first and again last; the mean of the two runs is
 *   the baseline, and their ratio shows how much the machine's load drifted during the run;
 * - simulator (`ha-drill` scenario, real clock): `GET /ovirt-engine/api/hosts/{id}` as JSON and as XML,
 *   `GET /ovirt-engine/api/vms` (15 VMs) as JSON, and the API root `GET /ovirt-engine/api` as JSON, each with a
 *   bearer token from the SSO.
 *
 * bench/http-load.ts only sends POSTs (signed webhooks), so this file carries its own small GET generator: the same
 * file runs as the worker thread (`isMainThread` false), so the generator has its own event loop and does not steal the
 * server's.
 */
import express from 'express';
import { Agent, createServer, request } from 'node:http';
import { close, listen } from './servers';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { DEFAULT_PASSWORD, DEFAULT_USERNAME, type MetricsSnapshot, type RunningSimulator, startSimulator } from '../ovirt-simulator';
import { checkQuiet, machine, Options, printTargets, type TargetCheck, table, writeResults } from './report';
import { type LatencySummary, ratio, round, summarize } from './stats';
import { runTsWorker } from './http-load';

const SCENARIO = 'ha-drill';
/** The share of the bare route's throughput the simulator must keep. */
const MIN_RATIO = 0.5;
const ERROR_SAMPLES = 5;

// ---------------------------------------------------------------------------------------------------------------
// The generator (runs in the worker thread)

interface GetSpec {
  port: number;
  path: string;
  headers: Record<string, string>;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** Per-request timeout; a request over it counts as status 0, so every run ends by itself. */
  timeoutMs: number;
}

interface GetResult {
  warmupRequests: number;
  /** Requests answered (any status) or failed at the network level during the measured phase. */
  requests: number;
  /** From the first measured request started to the last one answered. */
  elapsedMs: number;
  /** Answers by HTTP status; 0 is a network error or timeout. */
  statuses: Record<string, number>;
  /** Per request, ms from send to the end of the body. */
  latencies: Float64Array;
  /** Body bytes received over the measured phase. */
  bodyBytes: number;
  /** The first few answers that were not 200, for the report. */
  errorSamples: string[];
}

/** One GET; resolves with the status (0 on a network error or timeout) and the body size; never rejects. */
function getOnce(agent: Agent, spec: GetSpec): Promise<{ status: number; bytes: number; sample: string }> {
  return new Promise((resolve) => {
    // `r` is assigned below, long before the timer can fire.
    const timer = setTimeout(() => r.destroy(new Error(`no answer within ${spec.timeoutMs} ms`)), spec.timeoutMs);
    let settled = false;
    const done = (status: number, bytes: number, sample: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ status, bytes, sample });
    };
    const r = request({ agent, host: '127.0.0.1', port: spec.port, method: 'GET', path: spec.path, headers: spec.headers }, (res) => {
      let bytes = 0;
      let sample = '';
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        // Only a little of the body is kept, for error samples.
        if (sample.length < 300) sample += chunk.toString('utf8', 0, Math.min(chunk.length, 300));
      });
      res.on('end', () => done(res.statusCode ?? 0, bytes, sample));
      res.on('error', (err) => done(0, bytes, err.message));
    });
    r.on('error', (err) => done(0, 0, err.message));
    r.end();
  });
}

/**
 * Closed loop: `concurrency` lanes on one keep-alive agent, each sending its next GET as soon as the previous one is
 * answered, until `durationMs` has passed (requests in flight at the deadline still finish).
 */
async function closedLoop(agent: Agent, spec: GetSpec, durationMs: number, record: boolean): Promise<GetResult> {
  const latencies: number[] = [];
  const result: GetResult = {
    warmupRequests: 0,
    requests: 0,
    elapsedMs: 0,
    statuses: {},
    latencies: new Float64Array(0),
    bodyBytes: 0,
    errorSamples: [],
  };
  const started = performance.now();
  const deadline = started + durationMs;
  let lastEnd = started;
  const lane = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const { status, bytes, sample } = await getOnce(agent, spec);
      const t1 = performance.now();
      lastEnd = Math.max(lastEnd, t1);
      result.requests += 1;
      if (!record) continue;
      latencies.push(t1 - t0);
      result.bodyBytes += bytes;
      result.statuses[String(status)] = (result.statuses[String(status)] ?? 0) + 1;
      if (status !== 200 && result.errorSamples.length < ERROR_SAMPLES) result.errorSamples.push(`${status}: ${sample.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, lane));
  result.elapsedMs = lastEnd - started;
  result.latencies = Float64Array.from(latencies);
  return result;
}

async function runGetLoad(spec: GetSpec): Promise<GetResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  try {
    // The warm-up also opens every connection, so the measured phase starts on warm sockets.
    const warm = await closedLoop(agent, spec, spec.warmupMs, false);
    const measured = await closedLoop(agent, spec, spec.durationMs, true);
    return { ...measured, warmupRequests: warm.requests };
  } finally {
    agent.destroy();
  }
}

/** Runs one load in a worker thread started on this very file. */
function runGetLoadInWorker(spec: GetSpec): Promise<GetResult> {
  return runTsWorker<GetResult>(__filename, spec);
}

// ---------------------------------------------------------------------------------------------------------------
// The bench (main thread)

interface Settings {
  durationMs: number;
  warmupMs: number;
  concurrency: number;
  timeoutMs: number;
}

interface TargetFigures {
  target: string;
  key: string;
  method: 'GET';
  path: string;
  accept: string;
  warmupRequests: number;
  requests: number;
  ok: number;
  /** Answers other than 200 (status 0: network error or the client's timeout), by status. */
  non200: Record<string, number>;
  elapsedMs: number;
  /** 200 answers per second: the throughput compared with the bare route. */
  okPerSecond: number;
  meanBodyBytes: number;
  latencyMs: LatencySummary;
  /** okPerSecond / the baseline (the mean of the bare route's two runs). */
  ratioToBare: number | null;
  errorSamples: string[];
}

function countNon200(t: Pick<TargetFigures, 'non200'> | undefined): number {
  return Object.values(t?.non200 ?? {}).reduce((a, b) => a + b, 0);
}

function figures(target: string, key: string, path: string, accept: string, r: GetResult): Omit<TargetFigures, 'ratioToBare'> {
  const non200: Record<string, number> = {};
  for (const [status, n] of Object.entries(r.statuses)) if (status !== '200') non200[status] = n;
  const ok = r.statuses['200'] ?? 0;
  return {
    target,
    key,
    method: 'GET',
    path,
    accept,
    warmupRequests: r.warmupRequests,
    requests: r.requests,
    ok,
    non200,
    elapsedMs: round(r.elapsedMs, 1),
    okPerSecond: round(ok / (r.elapsedMs / 1000), 1),
    meanBodyBytes: r.requests ? Math.round(r.bodyBytes / r.requests) : 0,
    latencyMs: summarize(r.latencies),
    errorSamples: r.errorSamples,
  };
}

/** A bare express app with one GET route answering a small JSON object: the baseline. */
async function startBare(): Promise<{ port: number; close: () => Promise<void> }> {
  const app = express();
  // The simulator's settings (no ETag, no X-Powered-By, keep-alive 65 s), so the difference is the simulator's work.
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/x', (_req, res) => {
    res.json({ id: '7f1c2a64-4c7b-4b8e-9a51-0d3c2b1a9e10', name: 'host1', status: 'up' });
  });
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  const port = await listen(server);
  return { port, close: () => close(server) };
}

/** A bearer token from the simulator's SSO, the way the engine's clients get one. */
async function token(sim: RunningSimulator): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'password',
    scope: 'ovirt-app-api',
    username: DEFAULT_USERNAME,
    password: DEFAULT_PASSWORD,
  });
  const res = await fetch(`${sim.url}/sso/oauth/token`, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as { access_token?: unknown };
  if (res.status !== 200 || typeof body.access_token !== 'string')
    throw new Error(`SSO token request failed: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

interface Case {
  key: string;
  target: string;
  port: number;
  path: string;
  accept: string;
}

interface Measured {
  figures: Array<Omit<TargetFigures, 'ratioToBare'>>;
  hostId: string;
  vms: number;
  metrics: MetricsSnapshot;
}

/**
 * Both servers run in this process, the generator in a worker. The bare route is measured first and again last, and
 * gets the same headers (the bearer token included), so a machine that gets busier or quieter during the run shows
 * up as drift between its two runs instead of as a verdict on the simulator.
 */
async function measureAll(s: Settings): Promise<Measured> {
  const sim = await startSimulator({ scenario: SCENARIO, clock: 'real', host: '127.0.0.1', port: 0 });
  const bare = await startBare();
  try {
    const host = [...sim.world.hosts.values()][0];
    if (!host) throw new Error(`scenario ${SCENARIO} has no host`);
    const bearer = `Bearer ${await token(sim)}`;
    const api = '/ovirt-engine/api';
    const cases: Case[] = [
      { key: 'bareBefore', target: 'bare express JSON route (1st)', port: bare.port, path: '/x', accept: 'application/json' },
      { key: 'hostJson', target: 'simulator host, JSON', port: sim.port, path: `${api}/hosts/${host.id}`, accept: 'application/json' },
      { key: 'hostXml', target: 'simulator host, XML', port: sim.port, path: `${api}/hosts/${host.id}`, accept: 'application/xml' },
      {
        key: 'vmsJson',
        target: `simulator vms list (${sim.world.vms.size}), JSON`,
        port: sim.port,
        path: `${api}/vms`,
        accept: 'application/json',
      },
      { key: 'rootJson', target: 'simulator API root, JSON', port: sim.port, path: api, accept: 'application/json' },
      { key: 'bareAfter', target: 'bare express JSON route (2nd)', port: bare.port, path: '/x', accept: 'application/json' },
    ];
    const figuresOut: Array<Omit<TargetFigures, 'ratioToBare'>> = [];
    for (const c of cases) {
      process.stdout.write(`${c.target}… `);
      const r = await runGetLoadInWorker({
        port: c.port,
        path: c.path,
        headers: { accept: c.accept, authorization: bearer },
        concurrency: s.concurrency,
        warmupMs: s.warmupMs,
        durationMs: s.durationMs,
        timeoutMs: s.timeoutMs,
      });
      console.log('done');
      figuresOut.push(figures(c.target, c.key, c.path, c.accept, r));
    }
    return { figures: figuresOut, hostId: host.id, vms: sim.world.vms.size, metrics: sim.control.metrics.snapshot() };
  } finally {
    await bare.close();
    await sim.close();
  }
}

async function main(): Promise<void> {
  // Built here, not at load: an unknown option is then a bench error (exit 2), and the worker never parses argv.
  const options = new Options({
    duration: 'measured phase per target, in seconds (default 8)',
    warmup: 'warm-up per target, in seconds (default 1)',
    concurrency: 'closed-loop connections (default 32)',
  });
  if (options.help) {
    console.log(`npm run bench:simulator -- [options]\n${options.usage()}`);
    return;
  }
  const s: Settings = {
    durationMs: options.number('duration', 8) * 1000,
    warmupMs: options.number('warmup', 1) * 1000,
    concurrency: Math.floor(options.number('concurrency', 32)),
    timeoutMs: 10_000,
  };
  const m = machine();
  console.log(`bench:simulator on ${m.cpus} × ${m.cpuModel}, Node ${m.node}`);
  const quiet = await checkQuiet();

  const measured = await measureAll(s);
  const before = measured.figures.find((f) => f.key === 'bareBefore');
  const after = measured.figures.find((f) => f.key === 'bareAfter');
  if (!before || !after) throw new Error('bare route not measured');
  // The baseline: the mean of the bare route's two runs.
  const baseline = round((before.okPerSecond + after.okPerSecond) / 2, 1);
  const drift = ratio(after.okPerSecond, before.okPerSecond);
  const results: TargetFigures[] = measured.figures.map((f) => ({ ...f, ratioToBare: ratio(f.okPerSecond, baseline) }));
  const bareNon200 = countNon200(before) + countNon200(after);

  const header = ['target', 'GET/s', 'p50 ms', 'p99 ms', 'max ms', 'body B', 'non-200', '× bare'];
  const rows = results.map((t) => [
    t.target,
    t.okPerSecond,
    t.latencyMs.p50,
    t.latencyMs.p99,
    t.latencyMs.max,
    t.meanBodyBytes,
    countNon200(t),
    t.ratioToBare,
  ]);
  console.log(`\n${table([header, ...rows])}`);
  console.log(
    `\nbaseline: ${baseline} GET/s, the mean of the bare route's two runs (2nd / 1st = ${drift}; far from 1 means the machine's load changed during the run)`,
  );
  for (const t of results) {
    if (t.errorSamples.length) console.log(`  ${t.target}, first answers that were not 200: ${t.errorSamples.join(' | ')}`);
  }

  const checks: TargetCheck[] = [];
  for (const key of ['hostJson', 'hostXml']) {
    const t = results.find((r) => r.key === key);
    const bad = countNon200(t) + bareNon200;
    checks.push({
      name: `${t?.target ?? key} throughput / bare express route`,
      target: `>= ${MIN_RATIO}, every answer 200`,
      unit: '×',
      measured: t?.ratioToBare ?? null,
      pass: (t?.ratioToBare ?? 0) >= MIN_RATIO && bad === 0,
      ...(bad
        ? { note: `${bad} answers were not 200 (${JSON.stringify({ bare: [before.non200, after.non200], simulator: t?.non200 })})` }
        : {}),
    });
  }
  if (drift !== null && (drift < 0.8 || drift > 1.25)) {
    // Pass/fail stays as measured; the note says the verdict rests on a moving baseline.
    for (const c of checks)
      c.note = `${c.note ? `${c.note}; ` : ''}the bare route's two runs differ ×${drift}: the machine's load changed, rerun on a quiet machine`;
  }
  printTargets(checks);

  const pass = checks.every((c) => c.pass);
  const file = writeResults('simulator', {
    bench: 'simulator',
    date: new Date().toISOString(),
    machine: m,
    ...quiet,
    parameters: {
      ...s,
      scenario: SCENARIO,
      clock: 'real',
      hostId: measured.hostId,
      vms: measured.vms,
      loadGenerator: 'node:http keep-alive agent, closed loop, in a worker thread (bench/simulator.ts)',
    },
    baseline: { okPerSecond: baseline, from: ['bareBefore', 'bareAfter'], driftAfterOverBefore: drift },
    results,
    simulatorMetrics: measured.metrics,
    targets: checks,
    pass,
  });
  console.log(`\nresults: ${file}`);
  process.exitCode = pass ? 0 : 1;
}

if (isMainThread) {
  main().catch((err: unknown) => {
    console.error('bench:simulator failed:', err);
    process.exit(2);
  });
} else {
  // A rejection stays unhandled on purpose: it ends the worker with an 'error' event, which the caller reports.
  void runGetLoad(workerData as GetSpec).then((result) => parentPort?.postMessage(result));
}
