/**
 * Wiring for reading the engine: the events poll that writes incidents and timelines while this instance leads, and
 * the VM check in the same loop. Built only with an engine; started by main.
 */
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Knex } from '../db/knex';
import { EventApplier } from '../events/event-applier';
import { EventSync } from '../events/event-sync';
import { createLeadership } from '../events/leadership';
import { VmReconciler } from '../events/vm-reconcile';
import { INCIDENT_NOTICES_JOB } from '../jobs/job-kinds';
import type { JobQueue } from '../jobs/job-queue';
import type { Logger } from '../logger';
import type { BridgeMetrics } from '../metrics/registry';
import type { OvirtClient } from '../ovirt';
import type { CallbackService } from '../use-cases/callbacks';
import type { Repositories } from './repositories';

export function buildEventSync(d: {
  config: Config;
  knex: Knex;
  ovirt: OvirtClient;
  repos: Pick<Repositories, 'services' | 'plans' | 'incidents' | 'timelines' | 'engineEvents' | 'position'>;
  callbacks: CallbackService;
  jobs: JobQueue;
  /** Wakes the worker after the incident notices are queued. */
  wake: () => void;
  clock: Clock;
  logger: Logger;
  metrics: BridgeMetrics;
  owner: string;
}): EventSync {
  const { config, knex, ovirt, repos, callbacks, jobs, clock, logger } = d;
  return new EventSync({
    knex,
    ovirt,
    position: repos.position,
    applier: new EventApplier({
      knex,
      events: repos.engineEvents,
      incidents: repos.incidents,
      timelines: repos.timelines,
      position: repos.position,
      services: repos.services,
      vmNamePrefix: config.provisioning.vmNamePrefix,
      owner: d.owner,
    }),
    leadership: createLeadership(knex, logger.child({ component: 'events' })),
    clock,
    logger: logger.child({ component: 'events' }),
    vmNamePrefix: config.provisioning.vmNamePrefix,
    owner: d.owner,
    pollMs: config.events.pollMs,
    metrics: d.metrics.events,
    // Incident notices right after the poll that wrote the incidents; the periodic sweep is the backstop (a lost
    // wake-up, a leader that died before it, incidents the VM check wrote).
    onIncidents: callbacks.enabled
      ? () => {
          jobs
            .enqueue(INCIDENT_NOTICES_JOB)
            .then(d.wake, (err: unknown) =>
              logger.warn({ err }, 'queueing the incident notices after a poll failed; the periodic sweep will send them'),
            );
        }
      : undefined,
    // The VM check runs on the event leader only, in the same loop as the polls.
    reconciler: new VmReconciler({
      knex,
      ovirt,
      services: repos.services,
      timelines: repos.timelines,
      incidents: repos.incidents,
      events: repos.engineEvents,
      plans: repos.plans,
      callbacks,
      clock,
      logger: logger.child({ component: 'vm-reconcile' }),
      vmNamePrefix: config.provisioning.vmNamePrefix,
      metrics: d.metrics.reconcile,
    }),
    reconcileMs: config.events.vmReconcileMs,
  });
}
