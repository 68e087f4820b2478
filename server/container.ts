/**
 * Composition root: builds the database handle, engine client, repositories, services and the job worker once and
 * wires them together. Nothing else constructs collaborators, so tests can build the same graph with a test config,
 * clock and engine. It holds no business code: what jobs run, the periodic jobs, the engine's use cases and the events
 * poll are wired in server/wiring/, the readiness checks are in use-cases/readiness-checks.ts.
 */
import { hostname } from 'node:os';
import { type Clock, systemClock } from './clock';
import type { Config } from './config';
import { SecretBox } from './crypto/secret-box';
import { createKnex, type Knex } from './db/knex';
import type { EventSync } from './events/event-sync';
import { JobQueue } from './jobs/job-queue';
import type { PeriodicTasks } from './jobs/periodic-tasks';
import type { JobWorker } from './jobs/worker';
import { createLogger, type Logger } from './logger';
import { type BridgeMetrics, createMetrics } from './metrics/registry';
import { createOvirtClient, type EngineTarget, type OvirtClient } from './ovirt';
import type { EngineEventsRepository } from './repositories/engine-events';
import type { IncidentsRepository } from './repositories/incidents';
import type { PlansRepository } from './repositories/plans';
import type { ServicesRepository } from './repositories/services';
import { BillingEventService, type OrderGate } from './use-cases/billing-events';
import { CallbackService } from './use-cases/callbacks';
import type { CapacityService } from './use-cases/capacity';
import { Housekeeping } from './use-cases/housekeeping';
import { IncidentNotices } from './use-cases/incident-notices';
import { IpAllocation } from './use-cases/ip-allocation';
import { IpPools } from './use-cases/ip-pools';
import { JobControls } from './use-cases/job-controls';
import { MaintenanceWindows } from './use-cases/maintenance-windows';
import { PlanService } from './use-cases/plans';
import { ReadinessProbe } from './use-cases/readiness';
import { databaseCheck, engineCheck } from './use-cases/readiness-checks';
import { ServiceActions } from './use-cases/service-actions';
import { ServiceRetry } from './use-cases/service-retry';
import { EngineTemplateDisks } from './use-cases/template-disks';
import { UsageReads } from './use-cases/usage-reads';
import { VpsAccess } from './use-cases/vps-access';
import { WebhookSigner } from './webhooks/signature';
import { buildAccounts } from './wiring/accounts';
import { buildCapacity, buildEngineWork } from './wiring/engine-work';
import { buildEventSync } from './wiring/event-sync';
import { buildJobRuntime } from './wiring/job-runtime';
import { buildReads } from './wiring/reads';
import { buildRepositories } from './wiring/repositories';

/** Sign-in and links (wiring/accounts.ts) and the read side (wiring/reads.ts), plus what is built here. */
export interface Container extends ReturnType<typeof buildAccounts>, ReturnType<typeof buildReads> {
  config: Config;
  logger: Logger;
  clock: Clock;
  knex: Knex;
  readiness: ReadinessProbe;
  plans: PlanService;
  billingEvents: BillingEventService;
  /** An admin's Retry on a failed service. */
  serviceRetry: ServiceRetry;
  webhookSigner: WebhookSigner;
  jobs: JobQueue;
  /** An admin's retry, cancel and discard of one job, for the JSON API and the console alike. */
  jobControls: JobControls;
  /** Runs the queued jobs; started by main (or a test), never by construction. */
  worker: JobWorker;
  /** Repositories the admin pages read directly (plain reads with no use case of their own). */
  repos: { services: ServicesRepository; plans: PlansRepository; incidents: IncidentsRepository; engineEvents: EngineEventsRepository };
  /** Reads the engine's events into incidents while this instance leads; undefined without an engine. Started by main. */
  eventSync: EventSync | undefined;
  /** Failover capacity; undefined without an engine. */
  capacity: CapacityService | undefined;
  /** Announced maintenance windows: the admin's announcements and the panel notices they send. */
  maintenance: MaintenanceWindows;
  /** IP pools: the admin's CRUD and usage. */
  ipPools: IpPools;
  /** Addresses for services: allocate at order intake, release at termination, the VPS's network view. */
  ipAllocation: IpAllocation;
  /** Power actions and reinstalls asked of a VPS by its customer, an admin or the panel. */
  serviceActions: ServiceActions;
  /** The VPS's console file and usage. */
  vpsAccess: VpsAccess;
  /** The client area's usage reads: cached per service, time-boxed, so a page never waits on a slow or absent engine. */
  clientUsage: UsageReads;
  /** This container's Prometheus series (its own registry), recorded by the services it was handed to. */
  metrics: BridgeMetrics;
  /**
   * Queues the periodic jobs (HA drift sweep, housekeeping) when due by the schedule in the database: one run per
   * period however many instances there are and however often they restart. Started by main, never by construction.
   */
  periodic: PeriodicTasks;
  /** The engine client; undefined when no engine is configured (tests of engine-free parts). */
  ovirt: OvirtClient | undefined;
  engine: EngineTarget | undefined;
  /** Stops the worker (within the grace period), revokes the engine token and releases the database pool. */
  close(graceMs?: number): Promise<void>;
}

/** The configured engine, if any, as a client target. */
export function configuredEngine(config: Config): EngineTarget | undefined {
  const { url, username, password, caFile, insecure, timeoutMs, maxInFlight, readRetries } = config.ovirt;
  if (!url) return undefined;
  return { url, username, password: password ?? '', caFile, insecure, timeoutMs, maxInFlight, readRetries };
}

export interface ContainerOverrides {
  logger?: Logger;
  clock?: Clock;
  knex?: Knex;
  engine?: EngineTarget;
  gate?: OrderGate;
  fetch?: typeof fetch;
}

export function createContainer(config: Config, overrides: ContainerOverrides = {}): Container {
  const logger = overrides.logger ?? createLogger(config.log.level);
  const clock = overrides.clock ?? systemClock;
  const knex = overrides.knex ?? createKnex(config.database);
  const engine = overrides.engine ?? configuredEngine(config);
  const metrics = createMetrics();
  const ovirt = engine ? createOvirtClient(engine, logger, metrics.engine) : undefined;
  const owner = `${hostname()}:${process.pid}`;
  // Whatever queues a job wakes this instance's worker, so the job starts now rather than at the next poll.
  const wake = (): void => worker.wake();

  const r = buildRepositories(knex);
  const accounts = buildAccounts(config, r, clock);
  const secrets = new SecretBox(config.secrets.encryptionKey);
  const ipAllocation = new IpAllocation({ knex, pools: r.ipPools, assignments: r.ipAssignments, clock });
  const jobs = new JobQueue({ knex, clock, ...config.jobs });
  const callbacks = new CallbackService({
    url: config.billing.callbackUrl,
    signer: new WebhookSigner(config.secrets.callback),
    jobs,
    secrets,
    clock,
    logger,
    fetch: overrides.fetch,
  });
  const onEngine = { config, services: r.services, plans: r.plans, addresses: ipAllocation, clock, logger };
  const capacity = ovirt ? buildCapacity({ ...onEngine, ovirt, jobs }) : undefined;
  const poweredOffByRequest = (serviceRowId: number): Promise<boolean> => serviceActions.isPoweredOffByRequest(serviceRowId);
  const engineWork = ovirt
    ? buildEngineWork({ ...onEngine, ovirt, actions: r.serviceActions, callbacks, secrets, poweredOffByRequest })
    : undefined;
  // VPS actions: admitted here, run by the `service_action` job.
  const serviceActions = new ServiceActions({
    knex,
    services: r.services,
    plans: r.plans,
    actions: r.serviceActions,
    jobs,
    clock,
    secrets,
    limit: { perService: config.actions.limitPerService, windowSeconds: config.actions.limitWindowSeconds },
    vmNamePrefix: config.provisioning.vmNamePrefix,
    runner: engineWork?.actionRunner,
    onQueued: wake,
  });
  const housekeeping = new Housekeeping({
    deliveries: r.deliveries,
    jobs,
    links: [r.ssoTokens, accounts.adminSso],
    sessions: [accounts.adminAccounts, accounts.clientSessions],
    retention: config.retention,
    clock,
    logger,
  });
  const incidentNotices = new IncidentNotices({
    knex,
    notices: r.incidentNotices,
    services: r.services,
    // The customer's own report decides what counts and words it; `container` is built below, before any sweep runs.
    report: (service) => container.uptime.forService(service, undefined, config.client.hostNames),
    callbacks,
    clock,
    logger: logger.child({ component: 'incident-notices' }),
  });
  const { worker, periodic } = buildJobRuntime({
    config,
    knex,
    clock,
    logger,
    jobs,
    metrics: metrics.jobs,
    owner,
    work: { callbacks, capacity, engine: engineWork, housekeeping, incidentNotices },
  });
  const eventSync = ovirt
    ? buildEventSync({ config, knex, ovirt, repos: r, callbacks, jobs, wake, clock, logger, metrics, owner })
    : undefined;

  const container: Container = {
    config,
    logger,
    clock,
    knex,
    ...accounts,
    ...buildReads({ config, repos: r, jobs, addresses: ipAllocation, capacity, ovirt, metrics, clock, logger }),
    readiness: new ReadinessProbe([databaseCheck(knex, logger), engineCheck(ovirt, logger)]),
    plans: new PlanService({
      plans: r.plans,
      services: r.services,
      clock,
      templateDisks: ovirt ? new EngineTemplateDisks(ovirt) : undefined,
    }),
    billingEvents: new BillingEventService({
      knex,
      clock,
      plans: r.plans,
      services: r.services,
      deliveries: r.deliveries,
      jobs,
      publicUrl: config.publicUrl,
      maxWaiting: config.billing.maxWaiting,
      gate: overrides.gate ?? (capacity ? (orders) => capacity.gate(orders) : undefined),
      secrets,
      addresses: ipAllocation,
      onQueued: wake,
    }),
    serviceRetry: new ServiceRetry({ knex, services: r.services, jobs, clock, onQueued: wake }),
    repos: { services: r.services, plans: r.plans, incidents: r.incidents, engineEvents: r.engineEvents },
    eventSync,
    webhookSigner: new WebhookSigner(config.secrets.webhook),
    jobs,
    jobControls: new JobControls({ jobs, onQueued: wake }),
    worker,
    capacity,
    metrics,
    ipPools: new IpPools({ knex, pools: r.ipPools, assignments: r.ipAssignments, clock }),
    maintenance: new MaintenanceWindows({
      knex,
      windows: r.maintenanceWindows,
      callbacks,
      clock,
      customerHostNames: config.client.hostNames,
    }),
    ipAllocation,
    serviceActions,
    vpsAccess: new VpsAccess({ ovirt, services: r.services, actions: r.serviceActions, serviceActions, clock }),
    // Reads through container.vpsAccess (built just above, in this object).
    clientUsage: new UsageReads({ access: { usage: (id, actor) => container.vpsAccess.usage(id, actor) }, clock }),
    periodic,
    ovirt,
    engine,
    close: async (graceMs = config.shutdownGraceMs) => {
      periodic.stop();
      await worker.stop(graceMs);
      await eventSync?.stop();
      await ovirt?.close();
      await knex.destroy();
    },
  };
  return container;
}
