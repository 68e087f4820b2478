/**
 * Wiring for what the pages and the panel read without changing anything: a service with its network, its uptime
 * report, the console's overview and its "waiting for room" alert, and the scrape-time metrics.
 */
import type { Clock } from '../clock';
import type { Config } from '../config';
import { incidentSummary } from '../http/presenters/incident-text';
import type { JobQueue } from '../jobs/job-queue';
import type { Logger } from '../logger';
import type { BridgeMetrics } from '../metrics/registry';
import type { OvirtClient } from '../ovirt';
import { AdminOverviewQuery } from '../use-cases/admin-overview';
import type { CapacityService } from '../use-cases/capacity';
import type { IpAllocation } from '../use-cases/ip-allocation';
import { ServiceQueries } from '../use-cases/service-queries';
import { UptimeReports } from '../use-cases/uptime-reports';
import { WaitingForRoomQuery } from '../use-cases/waiting-for-room';
import { MetricsScraper } from './metrics-scraper';
import type { Repositories } from './repositories';

export function buildReads(d: {
  config: Config;
  repos: Repositories;
  jobs: JobQueue;
  addresses: IpAllocation;
  capacity: CapacityService | undefined;
  ovirt: OvirtClient | undefined;
  metrics: BridgeMetrics;
  clock: Clock;
  logger: Logger;
}) {
  const { repos: r, jobs, clock } = d;
  const waitingForRoom = new WaitingForRoomQuery({ incidents: r.incidents, services: r.services, plans: r.plans });
  return {
    serviceQueries: new ServiceQueries({ services: r.services, plans: r.plans, addresses: d.addresses }),
    uptime: new UptimeReports({
      services: r.services,
      plans: r.plans,
      incidents: r.incidents,
      timelines: r.timelines,
      position: r.position,
      clock,
      customerHostNames: d.config.client.hostNames,
      maintenanceWindows: r.maintenanceWindows,
      incidentSummary,
    }),
    adminOverview: new AdminOverviewQuery({
      services: r.services,
      jobs,
      plans: r.plans,
      incidents: r.incidents,
      position: r.position,
      clock,
      waitingForRoom,
    }),
    /** HA VMs down for lack of room, for the console's alert. */
    waitingForRoom,
    /** Sets the scrape-time gauges and renders the registry for GET /metrics. */
    metricsScraper: new MetricsScraper({
      metrics: d.metrics,
      jobs,
      position: r.position,
      services: r.services,
      incidents: r.incidents,
      capacity: d.capacity,
      engine: d.ovirt,
      clock,
      logger: d.logger.child({ component: 'metrics' }),
    }),
  };
}
