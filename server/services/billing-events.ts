/**
 * Billing webhooks as desired state. Each accepted event records what one service should be (active, suspended,
 * terminated, on plan P) and enqueues that service's reconcile job in the same transaction as the delivery record,
 * so an accepted webhook is never lost and a redelivered one changes nothing. Nothing here talks to the engine.
 */
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import { constraintKind } from '../db/errors';
import type { Plan } from '../domain/plan';
import type { Service } from '../domain/service';
import { ConflictError, ServiceUnavailableError, UnprocessableError } from '../errors';
import type { JobQueue } from '../jobs/job-queue';
import type { PlansRepository } from '../repositories/plans';
import type { ServiceChanges, ServicesRepository } from '../repositories/services';
import type { WebhookDeliveries } from '../repositories/webhook-deliveries';
import type { BillingEvent } from '../webhooks/billing-event';

export interface DeliveryAnswer {
  webhook_id: string;
  type: string;
  applied: boolean;
  note?: string;
  service_id: string;
  desired_state: string | null;
  actual_state: string | null;
  status_url: string | null;
}

/** Decides, before anything is written, whether a new order may be sold (capacity gate); throws a 422 if not. */
export type OrderGate = (plan: Plan, serviceId: string) => Promise<void>;

const messages = {
  unknownProduct: (p: string) => `No plan is mapped to billing product ${p}. Add one under /api/v1/admin/plans, then retry the order.`,
  unknownService: (s: string) => `Service ${s} is not known here; it was never created through this bridge.`,
  terminated: (s: string, t: string) => `Service ${s} is terminated; it cannot be ${t}. A new order needs a new service id.`,
  otherClient: (s: string) => `Service ${s} already exists for another client.`,
  clusterMismatch: (from: string, to: string) =>
    `The new plan runs in cluster ${to}, the current one in ${from}; moving a VPS between clusters is not supported yet.`,
  reused: (id: string) => `Webhook id ${id} was already used for a different body.`,
};

const RETRIES = 8;

export class BillingEventService {
  constructor(
    private readonly d: {
      knex: Knex;
      clock: Clock;
      plans: PlansRepository;
      services: ServicesRepository;
      deliveries: WebhookDeliveries;
      jobs: JobQueue;
      publicUrl: string;
      gate?: OrderGate;
      /** Told after commit that jobs were queued, so a local worker can start at once. */
      onQueued?: () => void;
    },
  ) {}

  /**
   * Records one verified delivery. Returns the answer for the panel; a redelivery (same id and body) gets the first
   * answer again. Concurrent deliveries of one id, or of events for one service, serialise on the database's unique
   * keys; the losers re-read and answer like a redelivery.
   */
  async accept(delivery: { webhookId: string; bodySha256: string; event: BillingEvent }): Promise<DeliveryAnswer> {
    for (let attempt = 1; ; attempt++) {
      const previous = await this.d.deliveries.find(delivery.webhookId);
      if (previous) return this.replay(previous, delivery);
      // The capacity gate may ask the engine: do that before the transaction, never while holding row locks.
      if (attempt === 1) await this.checkGate(delivery.event);
      try {
        const queued = { value: false };
        // On MySQL the session is READ COMMITTED (db/knex.ts), so locking a not-yet-existing service row takes no gap lock.
        const answer = await this.d.knex.transaction((trx) => this.apply(trx, delivery, queued));
        if (queued.value) this.d.onQueued?.();
        return answer;
      } catch (err) {
        const retryable = constraintKind(err) === 'unique' || isLockContention(err);
        if (!retryable) throw err;
        if (attempt >= RETRIES) {
          throw new ServiceUnavailableError('Too many concurrent changes to this service; the webhook was not recorded, please retry.', { retry_after_seconds: 1 });
        }
        // Jittered pause so the transactions that collided do not collide again in lockstep.
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
      }
    }
  }

  private replay(previous: { bodySha256: string; response: DeliveryAnswer }, delivery: { webhookId: string; bodySha256: string }): DeliveryAnswer {
    if (previous.bodySha256 !== delivery.bodySha256) {
      throw new UnprocessableError('webhook_id_reused', messages.reused(delivery.webhookId));
    }
    return previous.response;
  }

  private async apply(trx: Knex.Transaction, delivery: { webhookId: string; bodySha256: string; event: BillingEvent }, queued: { value: boolean }): Promise<DeliveryAnswer> {
    const { event } = delivery;
    const now = this.d.clock.now();
    const eventAt = event.timestamp ? new Date(event.timestamp) : now;
    const serviceId = event.data.service_id;
    let service = await this.d.services.findByServiceId(serviceId, trx, true);
    let applied = true;
    let note: string | undefined;

    const stale = service?.lastEventAt && eventAt < service.lastEventAt;
    if (stale && event.type !== 'service.create') {
      applied = false;
      note = 'An event newer than this one was applied already; this one was recorded and ignored.';
    } else {
      switch (event.type) {
        case 'service.create': {
          const plan = await this.planFor(event.data.product_id, trx);
          if (!service) {
            service = await this.d.services.insert(
              { serviceId, clientId: event.data.client_id, planId: plan.id, hostname: event.data.hostname ?? null, desiredState: 'active', lastEventAt: eventAt },
              now,
              trx,
            );
          } else if (service.clientId !== event.data.client_id) {
            throw new ConflictError(messages.otherClient(serviceId), { service_id: serviceId }, 'service_conflict');
          } else if (service.desiredState === 'terminated') {
            throw new UnprocessableError('service_terminated', messages.terminated(serviceId, 'created again'));
          } else if (service.actualState === 'failed') {
            // The panel's "create" button again after a failure (fixed template, freed capacity): try once more.
            note = 'The service had failed; provisioning is tried again.';
            await this.change(trx, service, { desiredState: 'active', lastEventAt: eventAt }, now);
          } else {
            applied = false;
            note = 'The service exists already; nothing changed.';
          }
          break;
        }
        case 'service.suspend':
        case 'service.unsuspend': {
          service = this.requireLive(service, serviceId, event.type === 'service.suspend' ? 'suspended' : 'unsuspended');
          const desiredState = event.type === 'service.suspend' ? 'suspended' : 'active';
          await this.change(trx, service, { desiredState, lastEventAt: eventAt }, now);
          break;
        }
        case 'service.terminate': {
          if (!service) {
            applied = false;
            note = 'No such service here; nothing to terminate.';
            break;
          }
          await this.change(trx, service, { desiredState: 'terminated', lastEventAt: eventAt }, now);
          break;
        }
        case 'service.change_plan': {
          service = this.requireLive(service, serviceId, 'moved to another plan');
          const plan = await this.planFor(event.data.product_id, trx);
          const current = await this.d.plans.findById(service.planId, trx);
          if (current && current.cluster !== plan.cluster) {
            throw new UnprocessableError('plan_cluster_mismatch', messages.clusterMismatch(current.cluster, plan.cluster));
          }
          await this.change(trx, service, { planId: plan.id, lastEventAt: eventAt }, now);
          break;
        }
        case 'service.cancellation_requested': {
          service = this.requireLive(service, serviceId, 'cancelled');
          const immediate = event.data.cancellation_type === 'immediate';
          await this.change(
            trx,
            service,
            {
              cancellationType: event.data.cancellation_type,
              cancellationRequestedAt: eventAt,
              lastEventAt: eventAt,
              ...(immediate ? { desiredState: 'terminated' as const } : {}),
            },
            now,
          );
          if (!immediate) {
            applied = false;
            note = 'Cancellation at the end of the period recorded; the VPS runs until the panel sends service.terminate.';
          }
          break;
        }
        case 'service.renew': {
          this.requireLive(service, serviceId, 'renewed');
          applied = false;
          note = 'Renewal acknowledged.';
          break;
        }
      }
    }

    const current = service;
    if (applied && current) {
      await this.d.jobs.enqueue({ kind: 'reconcile', serviceId: current.id, dedupeKey: `reconcile:${current.id}` }, trx);
      queued.value = true;
    }
    const answer: DeliveryAnswer = {
      webhook_id: delivery.webhookId,
      type: event.type,
      applied,
      ...(note ? { note } : {}),
      service_id: serviceId,
      desired_state: current?.desiredState ?? null,
      actual_state: current?.actualState ?? null,
      status_url: current ? `${this.d.publicUrl}/api/v1/services/${encodeURIComponent(serviceId)}` : null,
    };
    await this.d.deliveries.insert(
      { webhookId: delivery.webhookId, type: event.type, serviceId, bodySha256: delivery.bodySha256, outcome: applied ? 'applied' : 'ignored', response: answer },
      now,
      trx,
    );
    return answer;
  }

  private async checkGate(event: BillingEvent): Promise<void> {
    if (!this.d.gate || event.type !== 'service.create') return;
    if (await this.d.services.findByServiceId(event.data.service_id)) return;
    const plan = await this.d.plans.findByProductId(event.data.product_id);
    if (plan) await this.d.gate(plan, event.data.service_id);
  }

  /** Writes changes and keeps the in-memory row in step, so the answer needs no read-back. */
  private async change(trx: Knex.Transaction, service: Service, changes: ServiceChanges, now: Date): Promise<void> {
    await this.d.services.update(service.id, changes, now, trx);
    Object.assign(service, changes, { updatedAt: now });
  }

  private requireLive(service: Service | undefined, serviceId: string, verb: string): Service {
    if (!service) throw new UnprocessableError('unknown_service', messages.unknownService(serviceId));
    if (service.desiredState === 'terminated') throw new UnprocessableError('service_terminated', messages.terminated(serviceId, verb));
    return service;
  }

  private async planFor(productId: string, trx: Knex.Transaction): Promise<Plan> {
    const plan = await this.d.plans.findByProductId(productId, trx);
    if (!plan) throw new UnprocessableError('unknown_product', messages.unknownProduct(productId), { product_id: productId });
    return plan;
  }
}

/** Deadlocks and lock-wait timeouts: the transaction did nothing and can simply run again. */
function isLockContention(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT' || code === 'SQLITE_BUSY';
}
