/**
 * The scrape-time capacity figures: cached, read once at a time, and never waited for past the budget; the engine
 * probe behind `engine_up` and the count of jobs waiting out an engine outage.
 */
import { ManualClock } from '../../server/clock';
import { createLogger } from '../../server/logger';
import { MetricsScraper, type MetricsScraperDeps } from '../../server/wiring/metrics-scraper';
import { createMetrics } from '../../server/metrics/registry';
import type { ClusterHeadroom, ClusterPicture } from '../../server/use-cases/capacity';
import { parseExposition, samplesOf, valueOf } from '../helpers/prometheus';

type Capacity = NonNullable<MetricsScraperDeps['capacity']>;
type Engine = NonNullable<MetricsScraperDeps['engine']>;
const answering: Engine = {
  getEngineInfo: async () => ({ productName: 'oVirt Engine', version: '4.5' }) as Awaited<ReturnType<Engine['getEngineInfo']>>,
};

const headroom = (cluster: string, productId: string, count: number) =>
  ({ cluster, plans: [], headroom: [{ plan: { productId }, count }] }) as unknown as ClusterHeadroom;
const picture = (holds: boolean) => ({ report: { failover: { holds } } }) as unknown as ClusterPicture;

function scraperWith(capacity: Capacity, clock = new ManualClock(), engine: Engine = answering) {
  const scraper = new MetricsScraper({
    metrics: createMetrics(),
    jobs: {
      countByKindAndState: async () => [{ kind: 'reconcile', state: 'dead', count: 2 }],
      oldestDueRunAfter: async () => new Date(clock.now().getTime() - 90_000),
      countWaitingForEngine: async () => 4,
    },
    position: { get: async () => undefined },
    capacity,
    engine,
    clock,
    logger: createLogger('silent'),
    maxAgeMs: 60_000,
    budgetMs: 20,
  });
  return { scraper, clock, read: async () => parseExposition(await scraper.scrape()) };
}

describe('metrics scrape', () => {
  test('when the capacity read answers, then headroom per plan and the failover verdict per cluster are shown, and cached', async () => {
    const headroomByCluster = jest.fn(async () => [headroom('Default', '7', 11), headroom('Edge', '9', 0)]);
    const { read, clock } = scraperWith({ headroomByCluster, picture: async (c: string) => picture(c === 'Default') });

    const first = await read();
    clock.advance(59_000);
    await read();

    expect(valueOf(first, 'ovirt_ha_bridge_capacity_scrape_ok')).toBe(1);
    expect(valueOf(first, 'ovirt_ha_bridge_plan_headroom', { product_id: '7' })).toBe(11);
    expect(valueOf(first, 'ovirt_ha_bridge_plan_headroom', { product_id: '9' })).toBe(0);
    expect(valueOf(first, 'ovirt_ha_bridge_cluster_failover_ok', { cluster: 'Default' })).toBe(1);
    expect(valueOf(first, 'ovirt_ha_bridge_cluster_failover_ok', { cluster: 'Edge' })).toBe(0);
    expect(valueOf(first, 'ovirt_ha_bridge_jobs', { kind: 'reconcile', state: 'dead' })).toBe(2);
    expect(valueOf(first, 'ovirt_ha_bridge_jobs', { kind: 'reconcile', state: 'queued' })).toBe(0);
    expect(valueOf(first, 'ovirt_ha_bridge_jobs_dead')).toBe(2);
    expect(valueOf(first, 'ovirt_ha_bridge_job_oldest_queued_age_seconds')).toBe(90);
    expect(samplesOf(first, 'ovirt_ha_bridge_event_poll_lag_seconds')).toEqual([]);
    expect(headroomByCluster).toHaveBeenCalledTimes(1);
  });

  test('when the engine does not answer within the budget, then the scrape goes on without capacity, and one read serves later scrapes', async () => {
    let finish: (v: ClusterHeadroom[]) => void = () => undefined;
    const headroomByCluster = jest.fn(() => new Promise<ClusterHeadroom[]>((resolve) => (finish = resolve)));
    const { read } = scraperWith({ headroomByCluster, picture: async () => picture(true) });

    const during = await read();
    const again = await read();
    finish([headroom('Default', '7', 3)]);
    await new Promise((r) => setImmediate(r));
    const after = await read();

    expect(valueOf(during, 'ovirt_ha_bridge_capacity_scrape_ok')).toBe(0);
    expect(samplesOf(during, 'ovirt_ha_bridge_plan_headroom')).toEqual([]);
    expect(valueOf(during, 'ovirt_ha_bridge_jobs_dead')).toBe(2);
    expect(valueOf(again, 'ovirt_ha_bridge_capacity_scrape_ok')).toBe(0);
    // One read at a time: the second scrape waited for the read in progress instead of starting another.
    expect(headroomByCluster).toHaveBeenCalledTimes(1);
    expect(valueOf(after, 'ovirt_ha_bridge_capacity_scrape_ok')).toBe(1);
    expect(valueOf(after, 'ovirt_ha_bridge_plan_headroom', { product_id: '7' })).toBe(3);
  });

  test('when a cluster cannot be read, then capacity_scrape_ok is 0 and the failure is cached for the max age', async () => {
    const headroomByCluster = jest.fn(async () => {
      throw new Error('engine refused');
    });
    const { read, clock } = scraperWith({ headroomByCluster, picture: async () => picture(true) });

    const first = await read();
    await read();
    clock.advance(60_000);
    await read();

    expect(valueOf(first, 'ovirt_ha_bridge_capacity_scrape_ok')).toBe(0);
    expect(headroomByCluster).toHaveBeenCalledTimes(2);
  });

  test('when there is no engine, then capacity_scrape_ok is 0', async () => {
    const scraper = new MetricsScraper({
      metrics: createMetrics(),
      jobs: { countByKindAndState: async () => [], oldestDueRunAfter: async () => undefined, countWaitingForEngine: async () => 0 },
      position: { get: async () => undefined },
      capacity: undefined,
      engine: undefined,
      clock: new ManualClock(),
      logger: createLogger('silent'),
    });
    const samples = parseExposition(await scraper.scrape());
    expect(valueOf(samples, 'ovirt_ha_bridge_capacity_scrape_ok')).toBe(0);
    expect(valueOf(samples, 'ovirt_ha_bridge_engine_up')).toBe(0);
  });

  const capacityOk: Capacity = { headroomByCluster: async () => [], picture: async () => picture(true) };

  test('when the engine answers the probe, then engine_up is 1, and the jobs waiting for the engine are counted', async () => {
    const { read } = scraperWith(capacityOk);

    const samples = await read();

    expect(valueOf(samples, 'ovirt_ha_bridge_engine_up')).toBe(1);
    expect(valueOf(samples, 'ovirt_ha_bridge_jobs_waiting_for_engine')).toBe(4);
  });

  test('when the engine refuses the connection, then engine_up is 0, and the next scrape probes again', async () => {
    let away = true;
    const getEngineInfo = jest.fn(async () => {
      if (away) throw new Error('connect ECONNREFUSED');
      return answering.getEngineInfo();
    });
    const { read } = scraperWith(capacityOk, new ManualClock(), { getEngineInfo });

    const during = await read();
    away = false;
    const after = await read();

    expect(valueOf(during, 'ovirt_ha_bridge_engine_up')).toBe(0);
    expect(valueOf(after, 'ovirt_ha_bridge_engine_up')).toBe(1);
    expect(getEngineInfo).toHaveBeenCalledTimes(2);
  });

  test('when the engine hangs, then engine_up is 0 within the budget, and scrapes meanwhile share the one probe', async () => {
    type Info = Awaited<ReturnType<Engine['getEngineInfo']>>;
    const info = { productName: 'oVirt Engine', version: '4.5' } as Info;
    let answer: () => void = () => undefined;
    const hanging = new Promise<Info>((resolve) => (answer = () => resolve(info)));
    const getEngineInfo = jest.fn((): Promise<Info> => (getEngineInfo.mock.calls.length === 1 ? hanging : Promise.resolve(info)));
    const { read } = scraperWith(capacityOk, new ManualClock(), { getEngineInfo });

    const first = await read();
    const second = await read();
    const probesMeanwhile = getEngineInfo.mock.calls.length;
    answer();
    await new Promise((r) => setImmediate(r));
    const after = await read();

    expect(valueOf(first, 'ovirt_ha_bridge_engine_up')).toBe(0);
    expect(valueOf(second, 'ovirt_ha_bridge_engine_up')).toBe(0);
    expect(probesMeanwhile).toBe(1);
    expect(valueOf(after, 'ovirt_ha_bridge_engine_up')).toBe(1);
  });
});
