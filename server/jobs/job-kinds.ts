/**
 * Every kind of job the service queues, and the jobs that more than one place queues, spelled once: the handlers,
 * the admin filters and the enqueuers read them from here.
 */
import type { NewJob } from './job';

/** In the order the console lists them as filters; any other kind found in the table is still shown as it is. */
export const JOB_KINDS = ['reconcile', 'callback', 'service_action', 'incident_notices', 'drift_sweep', 'housekeeping'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/**
 * A service's reconcile job: at most one waiting per service (its dedupe key); it reads the desired state when it
 * runs, so queueing it again only moves the waiting one up.
 */
export function reconcileJob(serviceRowId: number): NewJob {
  return { kind: 'reconcile', serviceRowId: serviceRowId, dedupeKey: `reconcile:${serviceRowId}` };
}

/** The incident notices sweep, queued by its period and after each events poll that wrote incidents. */
export const INCIDENT_NOTICES_JOB: NewJob = { kind: 'incident_notices', dedupeKey: 'sweep:incident_notices' };
