/**
 * The Prometheus series of one container, in a registry of its own (never prom-client's global one): tests build
 * several apps in one process, and each must count only its own webhooks and jobs. The counters and histograms here
 * are handed to the services that record them; the gauges are set at scrape time by wiring/metrics-scraper.ts.
 *
 * Labels stay low-cardinality by construction: webhook types and job kinds are closed sets, engine operations are the
 * fixed names in ovirt/client.ts, answer codes are HTTP statuses. Never a service id, VM name or host name.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const METRIC_PREFIX = 'ovirt_ha_bridge_';

/** Recorded by the webhook route once per request: the only per-request work on the hot intake path. */
export interface WebhookMetrics {
  received: Counter<'type' | 'code'>;
  duration: Histogram<'outcome'>;
}

/** Recorded by the job worker once per attempt. */
export interface JobMetrics {
  attempts: Counter<'kind' | 'outcome'>;
}

/** Recorded by the engine transport once per call, and by the token manager once per token request. */
export interface EngineMetrics {
  calls: Counter<'operation' | 'outcome'>;
  duration: Histogram<'operation'>;
  tokenRequests: Counter<'reason'>;
}

/** Recorded by event ingestion after each committed chunk. */
export interface EventMetrics {
  ingested: Counter<'kept'>;
}

/** Recorded by the VM reconcile (events/vm-reconcile.ts) once per period. */
export interface ReconcileMetrics {
  findings: Counter<'finding'>;
  duration: Histogram;
}

/** Set by wiring/metrics-scraper.ts just before each scrape is rendered. */
export interface ScrapeGauges {
  jobs: Gauge<'kind' | 'state'>;
  jobsDead: Gauge;
  oldestQueuedAge: Gauge;
  eventPollLag: Gauge;
  newestEventAge: Gauge;
  planHeadroom: Gauge<'product_id'>;
  clusterFailover: Gauge<'cluster'>;
  capacityScrapeOk: Gauge;
  engineUp: Gauge;
  jobsWaitingForEngine: Gauge;
  servicesVmMissing: Gauge;
  haVmsWaitingForRoom: Gauge;
}

export interface BridgeMetrics {
  registry: Registry;
  webhooks: WebhookMetrics;
  jobs: JobMetrics;
  engine: EngineMetrics;
  events: EventMetrics;
  reconcile: ReconcileMetrics;
  gauges: ScrapeGauges;
  /**
   * Adds prom-client's process metrics (CPU, memory, event loop, GC) to this registry, once. Called on the first
   * scrape rather than at construction: each call starts an event-loop monitor and a GC observer that live as long as
   * the process, and the test suites build hundreds of containers that are never scraped.
   */
  ensureProcessMetrics(): void;
}

/** Webhook intake is a few milliseconds when healthy; the upper buckets show a database that makes it wait. */
const INTAKE_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Engine reads are tens of milliseconds; listing a big cluster or a retried read takes seconds, a hang the timeout. */
const ENGINE_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** A fresh registry with every series of the bridge registered in it. */
export function createMetrics(): BridgeMetrics {
  const registry = new Registry();
  const registers = [registry];
  const name = (n: string) => `${METRIC_PREFIX}${n}`;
  let processMetrics = false;
  return {
    registry,
    webhooks: {
      received: new Counter({
        name: name('webhooks_received_total'),
        help: 'Billing webhooks received, by event type (unknown when it could not be read) and HTTP answer code.',
        labelNames: ['type', 'code'],
        registers,
      }),
      duration: new Histogram({
        name: name('webhook_intake_duration_seconds'),
        help: 'Time from receiving a billing webhook to answering it; outcome accepted (2xx), refused (4xx) or failed (5xx).',
        labelNames: ['outcome'],
        buckets: INTAKE_BUCKETS,
        registers,
      }),
    },
    jobs: {
      attempts: new Counter({
        name: name('job_attempts_total'),
        help: 'Job attempts finished, by kind and outcome (succeeded, retry, dead, or lost when the lease was lost).',
        labelNames: ['kind', 'outcome'],
        registers,
      }),
    },
    engine: {
      calls: new Counter({
        name: name('engine_calls_total'),
        help: 'oVirt engine API calls (reads including their retries), by operation and outcome (ok or the error kind).',
        labelNames: ['operation', 'outcome'],
        registers,
      }),
      duration: new Histogram({
        name: name('engine_call_duration_seconds'),
        help: 'Duration of oVirt engine API calls, including waiting for a free slot and read retries.',
        labelNames: ['operation'],
        buckets: ENGINE_BUCKETS,
        registers,
      }),
      tokenRequests: new Counter({
        name: name('engine_token_requests_total'),
        help: 'OAuth token requests to the engine SSO: reason no_token (first call, after a restart) or refused (renewal after a 401).',
        labelNames: ['reason'],
        registers,
      }),
    },
    events: {
      ingested: new Counter({
        name: name('events_ingested_total'),
        help: 'Engine audit-log events read and committed; kept="true" for those about our VMs and their hosts.',
        labelNames: ['kept'],
        registers,
      }),
    },
    reconcile: {
      findings: new Counter({
        name: name('vm_reconcile_findings_total'),
        help: 'What the periodic VM check found against the engine: vm_missing, vm_back, host_changed, state_corrected.',
        labelNames: ['finding'],
        registers,
      }),
      duration: new Histogram({
        name: name('vm_reconcile_duration_seconds'),
        help: 'Duration of one VM reconcile period: one engine list call, the comparison and the writes.',
        buckets: ENGINE_BUCKETS,
        registers,
      }),
    },
    gauges: {
      servicesVmMissing: new Gauge({
        name: name('services_vm_missing'),
        help: 'Services whose VM is gone from the engine though the bridge was not asked to remove it (actual state vm_missing).',
        registers,
      }),
      haVmsWaitingForRoom: new Gauge({
        name: name('ha_vms_waiting_for_room'),
        help: 'HA VMs down because no host has room to restart them (open incidents of cause waiting_for_room): N+1 failed in practice.',
        registers,
      }),
      jobs: new Gauge({ name: name('jobs'), help: 'Jobs in the database, by kind and state.', labelNames: ['kind', 'state'], registers }),
      jobsDead: new Gauge({ name: name('jobs_dead'), help: 'Dead jobs waiting for an admin (retry or discard).', registers }),
      oldestQueuedAge: new Gauge({
        name: name('job_oldest_queued_age_seconds'),
        help: 'How long the longest-waiting due job has been due (0 when none waits); jobs backing off until later do not count.',
        registers,
      }),
      eventPollLag: new Gauge({
        name: name('event_poll_lag_seconds'),
        help: 'Seconds since the engine events were last polled (by any instance).',
        registers,
      }),
      newestEventAge: new Gauge({
        name: name('event_newest_age_seconds'),
        help: 'Seconds since the newest engine event read happened.',
        registers,
      }),
      planHeadroom: new Gauge({
        name: name('plan_headroom'),
        help: 'How many more VPS of each plan can be sold while its cluster keeps its failover reserve.',
        labelNames: ['product_id'],
        registers,
      }),
      clusterFailover: new Gauge({
        name: name('cluster_failover_ok'),
        help: 'Per cluster: 1 when N+k holds (k = CAPACITY_FAILOVER_HOSTS, N+1 by default), 0 when it fails or is unproven.',
        labelNames: ['cluster'],
        registers,
      }),
      capacityScrapeOk: new Gauge({
        name: name('capacity_scrape_ok'),
        help: 'Whether headroom and failover figures could be read from the engine in time for this scrape (1) or not (0).',
        registers,
      }),
      engineUp: new Gauge({
        name: name('engine_up'),
        help: "Whether the oVirt engine answered this instance's probe in time for this scrape (1) or not (0: away, refused our login, or none configured).",
        registers,
      }),
      jobsWaitingForEngine: new Gauge({
        name: name('jobs_waiting_for_engine'),
        help: 'Jobs whose last attempt could not reach the engine: orders waiting out an engine outage (they retry and never die of it).',
        registers,
      }),
    },
    ensureProcessMetrics() {
      // prom-client refuses a second registration of the same names in one registry, hence the flag.
      if (processMetrics) return;
      processMetrics = true;
      collectDefaultMetrics({ register: registry });
    },
  };
}
