/**
 * Composition root: builds the database handle, engine client, repositories, services and the job worker once and
 * wires them together. Nothing else constructs collaborators, so tests can build the same graph with a test config,
 * clock and engine.
 */
import { hostname } from 'node:os';
import { AdminTokens } from './auth/admin-tokens';
import { ClientSessions } from './auth/client-sessions';
import { type Clock, systemClock } from './clock';
import type { Config } from './config';
import { createKnex, type Knex } from './db/knex';
import { EventSync } from './events/event-sync';
import { createLeadership } from './events/leadership';
import { VmReconciler } from './events/vm-reconcile';
import { JobQueue } from './jobs/job-queue';
import { type PeriodicTask, PeriodicTasks } from './jobs/periodic-tasks';
import { JobWorker } from './jobs/worker';
import { createLogger, type Logger } from './logger';
import { MetricsScraper } from './metrics/collectors';
import { type BridgeMetrics, createMetrics } from './metrics/registry';
import { createOvirtClient, type EngineTarget, type OvirtClient, OvirtError } from './ovirt';
import { EngineEventsRepository } from './repositories/engine-events';
import { EventSyncStateRepository } from './repositories/event-sync-state';
import { IncidentsRepository } from './repositories/incidents';
import { IpAssignmentsRepository } from './repositories/ip-assignments';
import { IpPoolsRepository } from './repositories/ip-pools';
import { PlansRepository } from './repositories/plans';
import { ServiceTimelinesRepository } from './repositories/service-timelines';
import { SsoTokensRepository } from './repositories/sso-tokens';
import { AdminLoginFailuresRepository } from './repositories/admin-login-failures';
import { AdminSessionsRepository } from './repositories/admin-sessions';
import { AdminUsersRepository } from './repositories/admin-users';
import { ClientSessionsRepository } from './repositories/client-sessions';
import { AdminAccounts } from './services/admin-accounts';
import { AdminOverviewQuery } from './services/admin-overview';
import { ServicesRepository } from './repositories/services';
import { WebhookDeliveries } from './repositories/webhook-deliveries';
import { BillingEventService, type OrderGate } from './services/billing-events';
import { CallbackService } from './services/callbacks';
import { CapacityService } from './services/capacity';
import { ClientSso } from './services/client-sso';
import { AdminSso } from './services/admin-sso';
import { AdminSsoTokensRepository } from './repositories/admin-sso-tokens';
import { ClusterInventoryReader } from './services/cluster-inventory';
import { SecretBox } from './crypto/secret-box';
import { IpAllocation } from './services/ip-allocation';
import { IpPools } from './services/ip-pools';
import { MaintenanceWindows } from './services/maintenance-windows';
import { IncidentNotices } from './services/incident-notices';
import { IncidentNoticesRepository } from './repositories/incident-notices';
import { MaintenanceWindowsRepository as MaintenanceAnnouncementsRepository } from './repositories/maintenance-windows';
import { PlanService } from './services/plans';
import { VpsSetup } from './services/vps-setup';
import { EngineTemplateDisks } from './services/template-disks';
import { ProvisioningService } from './services/provisioning';
import { ReadinessProbe } from './services/readiness';
import { ServiceQueries } from './services/service-queries';
import { UptimeReports } from './services/uptime-reports';
import { WaitingForRoomQuery } from './services/waiting-for-room';
import { MaintenanceWindowsRepository } from './repositories/maintenance-windows';
import { WebhookSigner } from './webhooks/signature';
import { ServiceActionsRepository } from './repositories/service-actions';
import { ServiceActions } from './services/service-actions';
import { ActionRunner } from './services/action-runner';
import { Reinstaller } from './services/reinstall';
import { VpsAccess } from './services/vps-access';
import { UsageReads } from './services/usage-reads';

export interface Container {
  config: Config;
  logger: Logger;
  clock: Clock;
  knex: Knex;
  adminTokens: AdminTokens;
  readiness: ReadinessProbe;
  plans: PlanService;
  billingEvents: BillingEventService;
  serviceQueries: ServiceQueries;
  webhookSigner: WebhookSigner;
  jobs: JobQueue;
  /** Runs reconcile and callback jobs; started by main (or a test), never by construction. */
  worker: JobWorker;
  uptime: UptimeReports;
  clientSso: ClientSso;
  /** One-time admin console links for the billing panel's staff. */
  adminSso: AdminSso;
  clientSessions: ClientSessions;
  /** Admin console accounts, sessions and sign-in limits. */
  adminAccounts: AdminAccounts;
  adminOverview: AdminOverviewQuery;
  /** HA VMs down for lack of room, for the console's alert. */
  waitingForRoom: WaitingForRoomQuery;
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
  /** Sets the scrape-time gauges and renders the registry for GET /metrics. */
  metricsScraper: MetricsScraper;
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

  const plansRepo = new PlansRepository(knex);
  const servicesRepo = new ServicesRepository(knex);
  const deliveries = new WebhookDeliveries(knex);
  const incidentsRepo = new IncidentsRepository(knex);
  const timelinesRepo = new ServiceTimelinesRepository(knex);
  const maintenanceWindowsRepo = new MaintenanceWindowsRepository(knex);
  const waitingForRoom = new WaitingForRoomQuery({ incidents: incidentsRepo, services: servicesRepo, plans: plansRepo });
  const positionRepo = new EventSyncStateRepository(knex);
  const ssoTokens = new SsoTokensRepository(knex);
  const owner = `${hostname()}:${process.pid}`;
  const engineEventsRepo = new EngineEventsRepository(knex);
  const ipPoolsRepo = new IpPoolsRepository(knex);
  const ipAssignmentsRepo = new IpAssignmentsRepository(knex);
  const ipAllocation = new IpAllocation({ knex, pools: ipPoolsRepo, assignments: ipAssignmentsRepo, clock });
  const secretBox = new SecretBox(config.secrets.encryptionKey);
  const adminAccounts = new AdminAccounts({
    users: new AdminUsersRepository(knex),
    sessions: new AdminSessionsRepository(knex),
    failures: new AdminLoginFailuresRepository(knex),
    clock,
    options: config.admin,
  });
  const adminSso = new AdminSso({
    tokens: new AdminSsoTokensRepository(knex),
    accounts: adminAccounts,
    clock,
    publicUrl: config.publicUrl,
  });
  const clientSessions = new ClientSessions({
    sessions: new ClientSessionsRepository(knex),
    clock,
    ttlSeconds: config.client.sessionTtlSeconds,
  });
  const jobs = new JobQueue({ knex, clock, ...config.jobs });
  const webhookSigner = new WebhookSigner(config.secrets.webhook);
  const callbacks = new CallbackService({
    url: config.billing.callbackUrl,
    signer: new WebhookSigner(config.secrets.callback),
    jobs,
    secrets: secretBox,
    clock,
    logger,
    fetch: overrides.fetch,
  });

  const handlers: Record<string, (ctx: Parameters<ProvisioningService['reconcile']>[0]) => Promise<void>> = {
    callback: (ctx) => callbacks.send(ctx),
  };
  const capacity = ovirt
    ? new CapacityService({
        reader: new ClusterInventoryReader({ ovirt, services: servicesRepo, plans: plansRepo }),
        plans: plansRepo,
        services: servicesRepo,
        jobs,
        clock,
        logger: logger.child({ component: 'capacity' }),
        options: {
          vcpuRatio: config.capacity.vcpuRatio,
          hostMemoryReserveBytes: config.capacity.hostMemoryReserveMib * 1024 * 1024,
          k: config.capacity.failoverHosts,
        },
        cacheMs: config.capacity.cacheMs,
        addresses: ipAllocation,
      })
    : undefined;
  const DAY = 86_400_000;
  // Periodic jobs are queued by `periodic` below; their handlers no longer queue their own next run.
  const periodicTasks: PeriodicTask[] = [
    { name: 'housekeeping', everyMs: DAY / 4, job: { kind: 'housekeeping', dedupeKey: 'sweep:housekeeping' } },
  ];
  handlers.housekeeping = async () => {
    const now = clock.now().getTime();
    const deliveriesPurged = await deliveries.purge(new Date(now - config.retention.webhookDays * DAY));
    const jobsPurged = await jobs.purgeFinished(new Date(now - config.retention.jobDays * DAY));
    const linksPurged =
      (await ssoTokens.purge(new Date(now - DAY))) +
      (await adminSso.purge(new Date(now - DAY))) +
      (await adminAccounts.purge()) +
      (await clientSessions.purge());
    if (deliveriesPurged + jobsPurged + linksPurged > 0) logger.info({ deliveriesPurged, jobsPurged, linksPurged }, 'housekeeping');
  };
  // Incident notices: a sweep whichever instance finds it due; its compare-and-sets make a sweep
  // safe to run anywhere, on several instances at once, before and after a change of event leader. Only with a panel
  // to tell: without BILLING_CALLBACK_URL there is nobody to send a notice to.
  const incidentNotices = new IncidentNotices({
    knex,
    notices: new IncidentNoticesRepository(knex),
    services: servicesRepo,
    // The customer's own report decides what counts and words it; `container` is built below, before any sweep runs.
    report: (service) => container.uptime.forService(service, undefined, config.client.hostNames),
    callbacks,
    clock,
    logger: logger.child({ component: 'incident-notices' }),
  });
  if (callbacks.enabled) {
    periodicTasks.push({
      name: 'incident_notices',
      everyMs: config.events.pollMs,
      job: { kind: 'incident_notices', dedupeKey: 'sweep:incident_notices' },
    });
  }
  handlers.incident_notices = async () => {
    await incidentNotices.sweep();
  };
  if (capacity) {
    periodicTasks.push({
      name: 'drift_sweep',
      everyMs: config.capacity.driftSweepMs,
      job: { kind: 'drift_sweep', dedupeKey: 'sweep:drift' },
    });
    handlers.drift_sweep = async () => {
      try {
        await capacity.sweepDrift();
      } catch (err) {
        // The next period's sweep tries again; retrying a sweep that failed on the engine would only add load.
        logger.warn({ err }, 'HA drift sweep failed');
      }
    };
  }
  // VPS actions: admitted by serviceActions, run by the `service_action` job.
  const serviceActionsRepo = new ServiceActionsRepository(knex);
  const actionTimings = { ...config.provisioning, removeTimeoutMs: config.provisioning.bootTimeoutMs };
  const poweredOffByRequest = (serviceRowId: number): Promise<boolean> => serviceActions.isPoweredOffByRequest(serviceRowId);
  const actionRunner = ovirt
    ? new ActionRunner({
        ovirt,
        actions: serviceActionsRepo,
        services: servicesRepo,
        clock,
        logger: logger.child({ component: 'actions' }),
        timings: actionTimings,
        reinstaller: new Reinstaller({
          ovirt,
          services: servicesRepo,
          plans: plansRepo,
          actions: serviceActionsRepo,
          callbacks,
          addresses: ipAllocation,
          setup: new VpsSetup({
            ovirt,
            secrets: secretBox,
            logger: logger.child({ component: 'vps-setup' }),
            now: () => clock.now().getTime(),
          }),
          clock,
          logger: logger.child({ component: 'reinstall' }),
          timings: actionTimings,
          vmNamePrefix: config.provisioning.vmNamePrefix,
          poweredOffByRequest,
        }),
      })
    : undefined;
  const serviceActions = new ServiceActions({
    knex,
    services: servicesRepo,
    plans: plansRepo,
    actions: serviceActionsRepo,
    jobs,
    clock,
    secrets: secretBox,
    limit: { perService: config.actions.limitPerService, windowSeconds: config.actions.limitWindowSeconds },
    vmNamePrefix: config.provisioning.vmNamePrefix,
    runner: actionRunner,
    onQueued: () => worker.wake(),
  });
  if (actionRunner) handlers.service_action = (ctx) => actionRunner.run(ctx);
  if (ovirt) {
    const provisioning = new ProvisioningService({
      ovirt,
      services: servicesRepo,
      plans: plansRepo,
      callbacks,
      clock,
      logger,
      vmNamePrefix: config.provisioning.vmNamePrefix,
      timings: { ...config.provisioning, removeTimeoutMs: config.provisioning.bootTimeoutMs },
      setup: new VpsSetup({
        ovirt,
        secrets: secretBox,
        logger: logger.child({ component: 'vps-setup' }),
        now: () => clock.now().getTime(),
      }),
      addresses: ipAllocation,
      poweredOffByRequest,
    });
    handlers.reconcile = (ctx) => provisioning.reconcile(ctx);
  }
  const reapEveryMs = Math.max(1000, Math.floor(config.jobs.leaseMs / 2));
  const worker = new JobWorker({
    queue: jobs,
    handlers,
    logger: logger.child({ component: 'worker' }),
    owner,
    concurrency: config.jobs.concurrency,
    pollMs: config.jobs.pollMs,
    heartbeatMs: Math.max(100, Math.floor(config.jobs.leaseMs / 3)),
    reapEveryMs,
    clock,
    metrics: metrics.jobs,
  });
  const periodic = new PeriodicTasks({
    knex,
    clock,
    queue: jobs,
    tasks: periodicTasks,
    logger: logger.child({ component: 'periodic' }),
    // Periods are hours (housekeeping) or minutes (drift sweep): looking as often as leases are checked is plenty.
    checkEveryMs: reapEveryMs,
    onQueued: () => worker.wake(),
  });

  const eventSync = ovirt
    ? new EventSync({
        knex,
        ovirt,
        events: engineEventsRepo,
        incidents: incidentsRepo,
        timelines: timelinesRepo,
        position: positionRepo,
        services: servicesRepo,
        leadership: createLeadership(knex, logger.child({ component: 'events' })),
        clock,
        logger: logger.child({ component: 'events' }),
        vmNamePrefix: config.provisioning.vmNamePrefix,
        owner,
        pollMs: config.events.pollMs,
        metrics: metrics.events,
        // Incident notices right after the poll that wrote the incidents; the periodic sweep is the
        // backstop (a lost wake-up, a leader that died before it, incidents the VM check wrote).
        onIncidents: callbacks.enabled
          ? () => {
              jobs.enqueue({ kind: 'incident_notices', dedupeKey: 'sweep:incident_notices' }).then(
                () => worker.wake(),
                (err: unknown) =>
                  logger.warn({ err }, 'queueing the incident notices after a poll failed; the periodic sweep will send them'),
              );
            }
          : undefined,
        // The VM check runs on the event leader only, in the same loop as the polls.
        reconciler: new VmReconciler({
          knex,
          ovirt,
          services: servicesRepo,
          timelines: timelinesRepo,
          incidents: incidentsRepo,
          events: engineEventsRepo,
          plans: plansRepo,
          callbacks,
          clock,
          logger: logger.child({ component: 'vm-reconcile' }),
          vmNamePrefix: config.provisioning.vmNamePrefix,
          metrics: metrics.reconcile,
        }),
        reconcileMs: config.events.vmReconcileMs,
      })
    : undefined;

  const readiness = new ReadinessProbe([
    {
      name: 'database',
      required: true,
      run: async () => {
        try {
          await knex.raw('select 1');
          return { ok: true };
        } catch (err) {
          logger.warn({ err }, 'readiness: database unreachable');
          return { ok: false, detail: 'database unreachable' };
        }
      },
    },
    {
      name: 'engine',
      // The engine being away does not stop us taking orders (they queue), so it does not fail readiness.
      required: false,
      run: async () => {
        if (!ovirt) return { ok: false, detail: 'no oVirt engine configured' };
        try {
          const info = await ovirt.getEngineInfo({ timeoutMs: 2500 });
          return { ok: true, privateDetail: `${info.productName} ${info.version}`.trim() };
        } catch (err) {
          // Readiness is public: each engine error has a publicDetail that says what is wrong (no engine at the URL,
          // credentials refused, connection refused, DNS, TLS, …) without the engine's host, the user or a password.
          if (err instanceof OvirtError) return { ok: false, detail: err.publicDetail };
          logger.warn({ err }, 'readiness: engine check failed');
          return { ok: false, detail: 'the engine check failed' };
        }
      },
    },
  ]);

  const container: Container = {
    config,
    logger,
    clock,
    knex,
    adminTokens: new AdminTokens(config.secrets.session, clock),
    readiness,
    plans: new PlanService({
      plans: plansRepo,
      services: servicesRepo,
      clock,
      templateDisks: ovirt ? new EngineTemplateDisks(ovirt) : undefined,
    }),
    billingEvents: new BillingEventService({
      knex,
      clock,
      plans: plansRepo,
      services: servicesRepo,
      deliveries,
      jobs,
      publicUrl: config.publicUrl,
      maxWaiting: config.billing.maxWaiting,
      gate: overrides.gate ?? (capacity ? (orders) => capacity.gate(orders) : undefined),
      secrets: secretBox,
      addresses: ipAllocation,
      onQueued: () => worker.wake(),
    }),
    serviceQueries: new ServiceQueries({ services: servicesRepo, plans: plansRepo, addresses: ipAllocation }),
    uptime: new UptimeReports({
      services: servicesRepo,
      plans: plansRepo,
      incidents: incidentsRepo,
      timelines: timelinesRepo,
      position: positionRepo,
      clock,
      customerHostNames: config.client.hostNames,
      maintenanceWindows: maintenanceWindowsRepo,
    }),
    clientSso: new ClientSso({ services: servicesRepo, tokens: ssoTokens, clock, publicUrl: config.publicUrl }),
    adminSso,
    clientSessions,
    adminAccounts,
    adminOverview: new AdminOverviewQuery({
      services: servicesRepo,
      jobs,
      plans: plansRepo,
      incidents: incidentsRepo,
      position: positionRepo,
      clock,
      waitingForRoom,
    }),
    waitingForRoom,
    repos: { services: servicesRepo, plans: plansRepo, incidents: incidentsRepo, engineEvents: engineEventsRepo },
    eventSync,
    webhookSigner,
    jobs,
    worker,
    capacity,
    metrics,
    ipPools: new IpPools({ knex, pools: ipPoolsRepo, assignments: ipAssignmentsRepo, clock }),
    maintenance: new MaintenanceWindows({
      knex,
      windows: new MaintenanceAnnouncementsRepository(knex),
      callbacks,
      clock,
      customerHostNames: config.client.hostNames,
    }),
    ipAllocation,
    serviceActions,
    vpsAccess: new VpsAccess({ ovirt, services: servicesRepo, actions: serviceActionsRepo, serviceActions, clock }),
    // Reads through container.vpsAccess (built just above, in this object).
    clientUsage: new UsageReads({ access: { usage: (id, actor) => container.vpsAccess.usage(id, actor) }, clock }),
    metricsScraper: new MetricsScraper({
      metrics,
      jobs,
      position: positionRepo,
      services: servicesRepo,
      incidents: incidentsRepo,
      capacity,
      engine: ovirt,
      clock,
      logger: logger.child({ component: 'metrics' }),
    }),
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
