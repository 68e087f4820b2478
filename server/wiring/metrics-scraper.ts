/**
 * Scrape-time gauges: job counts and ages, event-ingestion lag, whether the engine answers, and the engine's capacity
 * figures, read just before a scrape is rendered so they are never older than the scrape (except capacity, below).
 * These collectors live in wiring/, above the job queue, the engine client, the repositories and the capacity use
 * case they read; metrics/ keeps only the series, which those layers record into.
 *
 * Capacity needs the engine, which may be slow or down exactly when an operator looks at the dashboard. Its figures
 * are therefore cached (CAPACITY_MAX_AGE_MS), refreshed by one read at a time, and a scrape waits for that read only
 * REFRESH_BUDGET_MS: a hanging engine makes `capacity_scrape_ok` 0, never a scrape that times out and loses every
 * other series with it. `engine_up` is one cheap probe (the API root, as /readyz asks), one at a time, within the
 * same budget: an engine that does not answer in time counts as away.
 */
import type { Gauge } from 'prom-client';
import type { Clock } from '../clock';
import type { JobQueue } from '../jobs/job-queue';
import type { Logger } from '../logger';
import type { OvirtClient } from '../ovirt/client';
import type { EventSyncStateRepository } from '../repositories/event-sync-state';
import type { IncidentsRepository } from '../repositories/incidents';
import type { ServicesRepository } from '../repositories/services';
import type { CapacityService } from '../use-cases/capacity';
import type { BridgeMetrics } from '../metrics/registry';

/** Capacity figures are read from the engine at most this often. */
export const CAPACITY_MAX_AGE_MS = 60_000;
/** How long one scrape waits for a capacity read or an engine probe in progress. */
export const REFRESH_BUDGET_MS = 2_000;
/** The engine probe's own timeout per try; a probe that outlives the scrape's budget still serves the next scrape. */
const ENGINE_PROBE_TIMEOUT_MS = 2_500;

const JOB_STATES = ['queued', 'running', 'succeeded', 'dead', 'cancelled'] as const;

interface CapacityFigures {
  /** Every cluster was read and judged. */
  ok: boolean;
  headroom: Array<{ productId: string; count: number }>;
  failover: Array<{ cluster: string; holds: boolean }>;
}

export interface MetricsScraperDeps {
  metrics: BridgeMetrics;
  jobs: Pick<JobQueue, 'countByKindAndState' | 'oldestDueRunAfter' | 'countWaitingForEngine'>;
  position: Pick<EventSyncStateRepository, 'get'>;
  /** Counted for `services_vm_missing`; optional for tests of other gauges. */
  services?: Pick<ServicesRepository, 'countByState'>;
  /** Counted for `ha_vms_waiting_for_room`; optional for tests of other gauges. */
  incidents?: Pick<IncidentsRepository, 'countOpenByCause'>;
  /** Undefined without an engine: then there is nothing to read and `capacity_scrape_ok` stays 0. */
  capacity: Pick<CapacityService, 'headroomByCluster' | 'picture'> | undefined;
  /** Probed for `engine_up`; undefined without an engine (then it is 0). */
  engine: Pick<OvirtClient, 'getEngineInfo'> | undefined;
  clock: Clock;
  logger: Logger;
  maxAgeMs?: number;
  budgetMs?: number;
}

export class MetricsScraper {
  private last: { at: number; figures: CapacityFigures } | undefined;
  private reading: Promise<CapacityFigures | undefined> | undefined;
  private probing: Promise<boolean> | undefined;

  constructor(private readonly d: MetricsScraperDeps) {}

  /** The registry's text exposition with every scrape-time gauge set first. */
  async scrape(): Promise<string> {
    this.d.metrics.ensureProcessMetrics();
    // Each collector handles its own failure: a database hiccup drops the job series, not the process metrics.
    await Promise.all([
      this.collectJobs(),
      this.collectEvents(),
      this.collectCapacity(),
      this.collectEngine(),
      this.collectServices(),
      this.collectWaitingForRoom(),
    ]);
    return this.d.metrics.registry.metrics();
  }

  get contentType(): string {
    return this.d.metrics.registry.contentType;
  }

  private async collectJobs(): Promise<void> {
    const { jobs, jobsDead, oldestQueuedAge, jobsWaitingForEngine } = this.d.metrics.gauges;
    try {
      const [counts, oldest, waiting] = await Promise.all([
        this.d.jobs.countByKindAndState(),
        this.d.jobs.oldestDueRunAfter(),
        this.d.jobs.countWaitingForEngine(),
      ]);
      jobs.reset();
      // Every state of every kind seen, zeros included, so a panel's line drops to 0 instead of vanishing.
      for (const kind of new Set(counts.map((c) => c.kind))) for (const state of JOB_STATES) jobs.set({ kind, state }, 0);
      for (const c of counts) jobs.set({ kind: c.kind, state: c.state }, c.count);
      jobsDead.set(counts.filter((c) => c.state === 'dead').reduce((n, c) => n + c.count, 0));
      oldestQueuedAge.set(oldest ? Math.max(0, (this.d.clock.now().getTime() - oldest.getTime()) / 1000) : 0);
      jobsWaitingForEngine.set(waiting);
    } catch (err) {
      this.d.logger.warn({ err }, 'metrics: reading job counts failed');
      for (const g of [jobs, jobsDead, oldestQueuedAge, jobsWaitingForEngine]) clear(g);
    }
  }

  /** `engine_up`: 1 when the engine answered a probe within the budget (as it does for /readyz), else 0. */
  private async collectEngine(): Promise<void> {
    const engine = this.d.engine;
    if (!engine) {
      this.d.metrics.gauges.engineUp.set(0);
      return;
    }
    this.probing ??= engine
      .getEngineInfo({ timeoutMs: ENGINE_PROBE_TIMEOUT_MS })
      .then(
        () => true,
        (err: unknown) => {
          // /readyz says why in words; this is the number to alert on. Not a warning each scrape of an outage.
          this.d.logger.debug({ err }, 'metrics: the engine probe failed');
          return false;
        },
      )
      .finally(() => {
        this.probing = undefined;
      });
    this.d.metrics.gauges.engineUp.set((await this.withinBudget(this.probing)) ? 1 : 0);
  }

  /** Services found without their VM: a number to alert on, whichever instance is scraped. */
  private async collectServices(): Promise<void> {
    const { servicesVmMissing } = this.d.metrics.gauges;
    if (!this.d.services) return;
    try {
      servicesVmMissing.set((await this.d.services.countByState()).vm_missing ?? 0);
    } catch (err) {
      this.d.logger.warn({ err }, 'metrics: counting services failed');
      clear(servicesVmMissing);
    }
  }

  /** HA VMs down for lack of room: the cluster's N+1 promise failed in practice; alert on > 0. */
  private async collectWaitingForRoom(): Promise<void> {
    const { haVmsWaitingForRoom } = this.d.metrics.gauges;
    if (!this.d.incidents) return;
    try {
      haVmsWaitingForRoom.set(await this.d.incidents.countOpenByCause('waiting_for_room'));
    } catch (err) {
      this.d.logger.warn({ err }, 'metrics: counting HA VMs waiting for room failed');
      clear(haVmsWaitingForRoom);
    }
  }

  private async collectEvents(): Promise<void> {
    const { eventPollLag, newestEventAge } = this.d.metrics.gauges;
    try {
      const position = await this.d.position.get();
      const now = this.d.clock.now().getTime();
      clear(eventPollLag);
      clear(newestEventAge);
      // Before the first poll there is no position: no figure rather than a made-up one.
      if (position?.lastPollAt) eventPollLag.set(Math.max(0, (now - position.lastPollAt.getTime()) / 1000));
      if (position?.lastEventAt) newestEventAge.set(Math.max(0, (now - position.lastEventAt.getTime()) / 1000));
    } catch (err) {
      this.d.logger.warn({ err }, 'metrics: reading the event position failed');
      clear(eventPollLag);
      clear(newestEventAge);
    }
  }

  private async collectCapacity(): Promise<void> {
    const { planHeadroom, clusterFailover, capacityScrapeOk } = this.d.metrics.gauges;
    const figures = await this.capacityFigures();
    planHeadroom.reset();
    clusterFailover.reset();
    capacityScrapeOk.set(figures?.ok ? 1 : 0);
    // Figures the engine could not confirm for this scrape are left out rather than shown stale.
    if (!figures?.ok) return;
    for (const h of figures.headroom) planHeadroom.set({ product_id: h.productId }, h.count);
    for (const f of figures.failover) clusterFailover.set({ cluster: f.cluster }, f.holds ? 1 : 0);
  }

  /** The cached figures while fresh, else the read in progress (started when none is), waited for within the budget. */
  private async capacityFigures(): Promise<CapacityFigures | undefined> {
    if (!this.d.capacity) return undefined;
    const maxAge = this.d.maxAgeMs ?? CAPACITY_MAX_AGE_MS;
    if (this.last && this.d.clock.now().getTime() - this.last.at < maxAge) return this.last.figures;
    this.reading ??= this.readCapacity(this.d.capacity).finally(() => {
      this.reading = undefined;
    });
    // A read that outlives the budget still completes in the background and serves the next scrape.
    return this.withinBudget(this.reading);
  }

  /** The value of a read in progress, or undefined when it takes longer than one scrape may wait. */
  private async withinBudget<T>(read: Promise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.d.budgetMs ?? REFRESH_BUDGET_MS);
    });
    try {
      return await Promise.race([read, budget]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One read of every cluster; never rejects (a failure is logged, cached as not ok, and shows as scrape_ok 0). */
  private async readCapacity(capacity: NonNullable<MetricsScraperDeps['capacity']>): Promise<CapacityFigures> {
    let figures: CapacityFigures;
    try {
      const clusters = await capacity.headroomByCluster();
      figures = { ok: true, headroom: [], failover: [] };
      for (const c of clusters) {
        if ('error' in c) {
          figures.ok = false;
          continue;
        }
        figures.headroom.push(...c.headroom.map((h) => ({ productId: h.plan.productId, count: h.count })));
        try {
          // The same verdict the console's cluster page shows; picture() queues nothing, unlike readiness().
          const { report } = await capacity.picture(c.cluster);
          figures.failover.push({ cluster: c.cluster, holds: report.failover.holds });
        } catch (err) {
          this.d.logger.warn({ err, cluster: c.cluster }, "metrics: reading a cluster's failover verdict failed");
          figures.ok = false;
        }
      }
    } catch (err) {
      this.d.logger.warn({ err }, 'metrics: reading capacity from the engine failed');
      figures = { ok: false, headroom: [], failover: [] };
    }
    // Failures are cached too, so a down engine is asked once per max age, not by every scrape.
    this.last = { at: this.d.clock.now().getTime(), figures };
    return figures;
  }
}

/**
 * Drops every sample of a gauge. reset() alone leaves a gauge without labels at 0, which would read as "no lag" or
 * "no dead jobs" when the truth is "unknown"; an absent series is what absent() alerts look for.
 */
function clear(gauge: Gauge<string>): void {
  gauge.reset();
  gauge.remove({});
}
