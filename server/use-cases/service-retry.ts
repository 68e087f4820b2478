/**
 * An admin's "Retry" on a failed service. It queues provisioning again the way a repeated `service.create` from the
 * panel does (billing-decision.ts): the service's reconcile job under its dedupe key, written in the same transaction
 * as the service row, so a double click queues one job. The service leaves `failed` at once, so the page and the
 * panel show the retry is under way; the job converges the VM to the desired state the panel last asked for, and the
 * worker is woken once it commits, so it starts at once rather than at the next poll.
 */
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import type { ActualState, DesiredState, Service } from '../domain/service';
import { ConflictError, NotFoundError } from '../errors';
import { reconcileJob } from '../jobs/job-kinds';
import type { JobQueue } from '../jobs/job-queue';
import type { ServicesRepository } from '../repositories/services';

/** Where a retried service stands until its job runs: on its way to what the panel asked for. */
const RETRY_STATE: Record<DesiredState, ActualState> = { active: 'pending', suspended: 'suspending', terminated: 'terminating' };

export class ServiceRetry {
  constructor(private readonly d: { knex: Knex; services: ServicesRepository; jobs: JobQueue; clock: Clock; onQueued: () => void }) {}

  /** Queues the failed service's reconcile job again; 404 for an unknown service, 409 when it has not failed. */
  async retry(billingServiceId: string): Promise<Service> {
    const retried = await this.d.knex.transaction(async (trx) => {
      const service = (await this.d.services.findManyByBillingServiceId([billingServiceId], trx, true)).get(billingServiceId);
      if (!service) throw new NotFoundError('service', billingServiceId);
      if (service.actualState !== 'failed') {
        throw new ConflictError(
          `Service ${billingServiceId} is ${service.actualState}; only a failed service can be retried.`,
          { service_id: billingServiceId, actual_state: service.actualState },
          'service_not_failed',
        );
      }
      const changes = { actualState: RETRY_STATE[service.desiredState], lastError: null };
      await this.d.services.update(service.id, changes, this.d.clock.now(), trx);
      await this.d.jobs.enqueue(reconcileJob(service.id), trx);
      return { ...service, ...changes };
    });
    this.d.onQueued();
    return retried;
  }
}
