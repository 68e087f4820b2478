/**
 * Figures 2 and 3 of bench:uptime: the client page and the monthly uptime API, each against a bare express route
 * answering the same bytes.
 */
import express from 'express';
import { createServer } from 'node:http';
import { listen } from '../servers';
import { type BenchDatabase, type DatabaseKind, type RunningBridge, startBridge } from '../bridge';
import { percentile, ratio, round } from '../stats';
import {
  type ClosedResult,
  type ClosedSpec,
  type PagedResult,
  type PagedSpec,
  runInWorker,
  type WorkerResult,
  type WorkerSpec,
} from './get-load';
import { type HistoryFigures, writeHistory } from './history';
import { nodeEnv, type Settings } from './setup';

export interface LatencyFigures {
  requests: number;
  ok: number;
  non200: Record<string, number>;
  elapsedMs: number;
  perSecond: number;
  meanBodyBytes: number;
  latencyMs: { mean: number; p50: number; p95: number; p99: number; max: number };
  errorSamples: string[];
}

export function latencyFigures(r: ClosedResult): LatencyFigures {
  const sorted = Float64Array.from(r.latencies).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const non200: Record<string, number> = {};
  for (const [status, n] of Object.entries(r.statuses)) if (status !== '200') non200[status] = n;
  const ok = r.statuses['200'] ?? 0;
  return {
    requests: r.requests,
    ok,
    non200,
    elapsedMs: round(r.elapsedMs, 1),
    perSecond: round(ok / (r.elapsedMs / 1000), 1),
    meanBodyBytes: r.requests ? Math.round(r.bodyBytes / r.requests) : 0,
    latencyMs: {
      mean: round(sorted.length ? sum / sorted.length : Number.NaN),
      p50: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN),
    },
    errorSamples: r.errorSamples,
  };
}

export interface PagedFigures {
  runs: number;
  /** Per run, ms (sum over its pages, send to end of body). */
  totalMs: number[];
  medianMs: number;
  minMs: number;
  maxMs: number;
  medianWallMs: number;
  pages: number;
  items: number;
  bytes: number;
  allOk: boolean;
  errorSamples: string[];
}

export function pagedFigures(r: PagedResult): PagedFigures {
  const totals = r.runs.map((x) => x.totalMs);
  const sorted = Float64Array.from(totals).sort();
  const walls = Float64Array.from(r.runs.map((x) => x.wallMs)).sort();
  const first = r.runs[0];
  return {
    runs: r.runs.length,
    totalMs: totals.map((x) => round(x, 1)),
    medianMs: round(percentile(sorted, 50), 1),
    minMs: round(sorted[0] ?? Number.NaN, 1),
    maxMs: round(sorted[sorted.length - 1] ?? Number.NaN, 1),
    medianWallMs: round(percentile(walls, 50), 1),
    pages: first?.pages ?? 0,
    items: first?.items ?? 0,
    bytes: first?.bytes ?? 0,
    allOk: r.runs.length > 0 && r.runs.every((x) => x.ok && x.items === first?.items),
    errorSamples: r.errorSamples,
  };
}

/**
 * The baselines: a bare express app on the same machine, with the same bodies. `/page` answers the client page's
 * HTML as a static string and `/report` the service's JSON report as one; `/uptime` answers the monthly list with
 * `res.json` from the parsed objects (serialised at every request, as the real route does), paged by `cursor` and
 * `limit` the same way.
 */
export async function startBare(bodies: {
  page: string;
  report: string;
  uptime: { services: unknown[] };
}): Promise<{ port: number; close: () => Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/page', (_req, res) => {
    res.type('html').send(bodies.page);
  });
  app.get('/report', (_req, res) => {
    res.type('json').send(bodies.report);
  });
  app.get('/uptime', (req, res) => {
    const limit = Number(req.query.limit ?? 1000);
    const after = Number(req.query.cursor ?? 0);
    const page = bodies.uptime.services.slice(after, after + limit);
    res.json({ services: page, next_cursor: after + limit < bodies.uptime.services.length ? String(after + limit) : null });
  });
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  const port = await listen(server);
  return {
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface ReportFigures {
  history: HistoryFigures;
  sso: { linkStatus: number; redeemStatus: number; cookieFromSso: boolean };
  page: {
    bridge: LatencyFigures;
    bare: LatencyFigures;
    p50Ratio: number | null;
    p99Ratio: number | null;
    bodyBytes: number;
    check: string[];
  };
  report: { bridge: LatencyFigures; bare: LatencyFigures; p50Ratio: number | null; bodyBytes: number };
  uptimeSingle: { bridge: PagedFigures; bare: PagedFigures; ratio: number | null; check: string[] };
  uptimePaged: { bridge: PagedFigures; bare: PagedFigures; ratio: number | null };
}

/** A session cookie the way a customer gets one: the panel mints a link, the browser follows it. */
export async function ssoCookie(
  bridge: RunningBridge,
  billingServiceId: string,
  clientId: string,
): Promise<{ cookie: string; linkStatus: number; redeemStatus: number; fromSso: boolean }> {
  const base = `http://127.0.0.1:${bridge.port}`;
  const apiKey = bridge.container.config.secrets.billingApiKey;
  const minted = await fetch(`${base}/api/v1/services/${billingServiceId}/sso`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ client_id: clientId }),
    signal: AbortSignal.timeout(10_000),
  });
  const link = (await minted.json()) as { url?: string };
  if (minted.status === 201 && link.url) {
    const u = new URL(link.url);
    const redeemed = await fetch(`${base}${u.pathname}${u.search}`, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    const set = redeemed.headers.get('set-cookie') ?? '';
    const m = /(ohb_client=[^;]+)/.exec(set);
    if (redeemed.status === 303 && m?.[1]) return { cookie: m[1], linkStatus: minted.status, redeemStatus: redeemed.status, fromSso: true };
    return {
      cookie: `ohb_client=${await bridge.container.clientSessions.start(clientId)}`,
      linkStatus: minted.status,
      redeemStatus: redeemed.status,
      fromSso: false,
    };
  }
  return {
    cookie: `ohb_client=${await bridge.container.clientSessions.start(clientId)}`,
    linkStatus: minted.status,
    redeemStatus: 0,
    fromSso: false,
  };
}

export async function measureReports(kind: DatabaseKind, db: BenchDatabase, workspace: string, s: Settings): Promise<ReportFigures> {
  // No engine is needed for reading reports; production still requires one to be configured (never called here).
  const bridge = await startBridge({
    db,
    logFile: `${workspace}/bridge-${kind}-reports.log`,
    logLevel: s.logLevel,
    env: nodeEnv(s, 'http://127.0.0.1:9/ovirt-engine'),
  });
  let bare: { port: number; close: () => Promise<void> } | undefined;
  try {
    process.stdout.write(`  [${kind}] writing ${s.reportServices} services and their incidents… `);
    const history = await writeHistory(bridge, s);
    console.log(`${history.incidents} incidents in ${history.insertMs} ms`);
    const base = `http://127.0.0.1:${bridge.port}`;
    const apiKey = bridge.container.config.secrets.billingApiKey;
    const sso = await ssoCookie(bridge, '1', 'client-1');

    // Untimed reads: the bodies for the baselines, and checks that the answers are what the data implies.
    const pageRes = await fetch(`${base}/client/services/1`, { headers: { cookie: sso.cookie }, signal: AbortSignal.timeout(10_000) });
    const page = await pageRes.text();
    const pageCheck: string[] = [];
    if (pageRes.status !== 200) pageCheck.push(`client page answered ${pageRes.status}: ${page.slice(0, 200)}`);
    if (!page.includes('Service #1')) pageCheck.push('the page does not name service #1');
    // Each incident of the timeline is an element with its cause (views/client/service.hbs).
    const pageIncidents = page.split('data-cause="').length - 1;
    if (pageIncidents !== s.pageIncidents) pageCheck.push(`the page shows ${pageIncidents} incidents, not ${s.pageIncidents}`);
    const reportRes = await fetch(`${base}/api/v1/services/1/uptime`, {
      headers: { Authorization: `Bearer ${apiKey}` },
      signal: AbortSignal.timeout(10_000),
    });
    const report = await reportRes.text();
    const reportIncidents = reportRes.status === 200 ? ((JSON.parse(report) as { incidents?: unknown[] }).incidents?.length ?? 0) : -1;
    if (reportIncidents !== s.pageIncidents) pageCheck.push(`the uptime report lists ${reportIncidents} incidents, not ${s.pageIncidents}`);
    const uptimeRes = await fetch(`${base}/api/v1/uptime?limit=${s.reportServices}`, {
      headers: { Authorization: `Bearer ${apiKey}` },
      signal: AbortSignal.timeout(30_000),
    });
    const uptime = (await uptimeRes.json()) as { services: Array<{ down_seconds?: number }>; next_cursor: string | null };
    const uptimeCheck: string[] = [];
    if (uptimeRes.status !== 200) uptimeCheck.push(`uptime answered ${uptimeRes.status}`);
    if (uptime.services?.length !== s.reportServices)
      uptimeCheck.push(`uptime listed ${uptime.services?.length} services, not ${s.reportServices}`);
    const withDowntime = uptime.services?.filter((x) => (x.down_seconds ?? 0) > 0).length ?? 0;
    // Most services had a failover or a crash this month: a month computed from nothing would show no downtime.
    if (withDowntime < s.reportServices / 2) uptimeCheck.push(`only ${withDowntime} services show downtime this month`);

    bare = await startBare({ page, report, uptime });
    const closed = (port: number, path: string, headers: Record<string, string>, count: number): ClosedSpec => ({
      kind: 'closed',
      port,
      path,
      headers,
      concurrency: s.pageConcurrency,
      warmup: s.pageWarmup,
      count,
      maxMs: s.phaseMaxMs,
      timeoutMs: 10_000,
    });
    const paged = (port: number, path: string, headers: Record<string, string>, follow: boolean): PagedSpec => ({
      kind: 'paged',
      port,
      path,
      headers,
      follow,
      warmup: 1,
      repeats: s.uptimeRepeats,
      maxMs: s.phaseMaxMs,
      timeoutMs: 30_000,
    });
    const auth = { authorization: `Bearer ${apiKey}`, accept: 'application/json' };
    const html = { accept: 'text/html', cookie: sso.cookie };

    const run = async <T extends WorkerResult>(label: string, spec: WorkerSpec): Promise<T> => {
      process.stdout.write(`  [${kind}] ${label}… `);
      const r = await runInWorker<T>(spec);
      console.log('done');
      return r;
    };
    const barePage = latencyFigures(await run<ClosedResult>('bare page', closed(bare.port, '/page', html, s.pageRequests)));
    const bridgePage = latencyFigures(
      await run<ClosedResult>('client page', closed(bridge.port, '/client/services/1', html, s.pageRequests)),
    );
    const reportCount = Math.max(100, Math.round(s.pageRequests / 4));
    const bareReport = latencyFigures(await run<ClosedResult>('bare report JSON', closed(bare.port, '/report', auth, reportCount)));
    const bridgeReport = latencyFigures(
      await run<ClosedResult>('uptime report JSON', closed(bridge.port, '/api/v1/services/1/uptime', auth, reportCount)),
    );
    const bareSingle = pagedFigures(
      await run<PagedResult>(
        `bare uptime list, limit=${s.reportServices}`,
        paged(bare.port, `/uptime?limit=${s.reportServices}`, auth, false),
      ),
    );
    const bridgeSingle = pagedFigures(
      await run<PagedResult>(
        `uptime API, limit=${s.reportServices}`,
        paged(bridge.port, `/api/v1/uptime?limit=${s.reportServices}`, auth, false),
      ),
    );
    const barePaged = pagedFigures(
      await run<PagedResult>('bare uptime list, limit=1000 paged', paged(bare.port, '/uptime?limit=1000', auth, true)),
    );
    const bridgePaged = pagedFigures(
      await run<PagedResult>('uptime API, limit=1000 paged', paged(bridge.port, '/api/v1/uptime?limit=1000', auth, true)),
    );
    if (bridgeSingle.items !== s.reportServices) uptimeCheck.push(`one call returned ${bridgeSingle.items} items`);
    if (bridgePaged.items !== s.reportServices)
      uptimeCheck.push(`paging returned ${bridgePaged.items} items in ${bridgePaged.pages} pages`);

    return {
      history,
      sso: { linkStatus: sso.linkStatus, redeemStatus: sso.redeemStatus, cookieFromSso: sso.fromSso },
      page: {
        bridge: bridgePage,
        bare: barePage,
        p50Ratio: ratio(bridgePage.latencyMs.p50, barePage.latencyMs.p50),
        p99Ratio: ratio(bridgePage.latencyMs.p99, barePage.latencyMs.p99),
        bodyBytes: Buffer.byteLength(page),
        check: pageCheck,
      },
      report: {
        bridge: bridgeReport,
        bare: bareReport,
        p50Ratio: ratio(bridgeReport.latencyMs.p50, bareReport.latencyMs.p50),
        bodyBytes: Buffer.byteLength(report),
      },
      uptimeSingle: {
        bridge: bridgeSingle,
        bare: bareSingle,
        ratio: ratio(bridgeSingle.medianMs, bareSingle.medianMs),
        check: uptimeCheck,
      },
      uptimePaged: { bridge: bridgePaged, bare: barePaged, ratio: ratio(bridgePaged.medianMs, barePaged.medianMs) },
    };
  } finally {
    await bare?.close();
    await bridge.close();
  }
}
