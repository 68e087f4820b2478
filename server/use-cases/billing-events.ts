/**
 * Billing webhooks as desired state. Each accepted event records what one service should be (active, suspended,
 * terminated, on plan P) and enqueues that service's reconcile job in the same transaction as the delivery record,
 * so an accepted webhook is never lost and a redelivered one changes nothing. Nothing here talks to the engine.
 *
 * Deliveries are written by group commit (db/group-commit.ts): those that arrive while a transaction is open are
 * written together in the next one, with one read per table and multi-row inserts, so a burst of orders costs a few
 * round trips per batch rather than eight per order. Each delivery is still decided on its own (billing-decision.ts)
 * and answered on its own: a refusal refuses only that one. The capacity gate a batch's new orders pass first is in
 * billing-order-gate.ts, the sealing of an order's password in root-password.ts.
 */
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import { GroupCommit, type BatchResult } from '../db/group-commit';
import { constraintKind } from '../db/errors';
import { isMysql } from '../db/knex';
import type { SecretBox } from '../crypto/secret-box';
import type { Plan } from '../domain/plan';
import type { Service } from '../domain/service';
import { ServiceUnavailableError, UnprocessableError, ValidationError } from '../errors';
import type { JobQueue, NewJob } from '../jobs/job-queue';
import { reconcileJob } from '../jobs/job-kinds';
import type { PlansRepository } from '../repositories/plans';
import type { NewService, ServicesRepository } from '../repositories/services';
import type { NewDelivery, WebhookDeliveries } from '../repositories/webhook-deliveries';
import type { BillingEvent } from '../webhooks/billing-event';
import { decide, messages } from './billing-decision';
import { type OrderGate, refusedOrders } from './billing-order-gate';
import { orderPassword, withSealedPassword } from './root-password';
import type { IpAllocation } from './ip-allocation';
import type { DeliveryAnswer } from '../domain/delivery-answer';

export type { DeliveryAnswer };
export type { Order, OrderGate } from './billing-order-gate';

export interface Delivery {
  webhookId: string;
  bodySha256: string;
  event: BillingEvent;
}

/**
 * How far ahead of our clock a body `timestamp` may be: clocks drift, but an event from the future would win against
 * every later one (events older than the last applied are ignored) and freeze the service. Five minutes, like the
 * signature's tolerance for the webhook-timestamp header.
 */
export const MAX_EVENT_CLOCK_SKEW_MS = 5 * 60_000;

/** Attempts of one batch when it collides with another instance (a unique key, a deadlock). */
const RETRIES = 8;
/** Deliveries per transaction: bounds the statement size and the time rows stay locked. */
const MAX_BATCH = 100;

export class BillingEventService {
  private readonly batches: GroupCommit<Delivery, DeliveryAnswer>;

  constructor(
    private readonly d: {
      knex: Knex;
      clock: Clock;
      plans: PlansRepository;
      services: ServicesRepository;
      deliveries: WebhookDeliveries;
      jobs: JobQueue;
      publicUrl: string;
      /** Deliveries allowed to wait for a transaction; past it a delivery gets 503 at once (WEBHOOK_MAX_WAITING). */
      maxWaiting: number;
      gate?: OrderGate;
      /** Seals a new order's root password (SECRETS_KEY) before it is written. */
      secrets: SecretBox;
      /** Gives each new service its addresses in the order's own transaction. */
      addresses?: IpAllocation;
      /** Told after commit that jobs were queued, so a local worker can start at once. */
      onQueued?: () => void;
    },
  ) {
    this.batches = new GroupCommit({
      run: (items) => this.writeBatch(items),
      keysOf: (item) => [`w:${item.webhookId}`, `s:${item.event.data.service_id}`],
      maxBatch: MAX_BATCH,
      maxWaiting: d.maxWaiting,
      whenFull: () =>
        new ServiceUnavailableError('Too many webhooks are waiting to be recorded; this one was not recorded, please retry.', {
          waiting: d.maxWaiting,
        }),
      // SQLite has one connection, so a second batch would only queue behind the first; on MySQL/MariaDB one batch
      // can be written while the next is read.
      concurrency: isMysql(d.knex) ? 2 : 1,
    });
  }

  /** How deliveries were grouped into transactions so far. */
  get batchStats(): Readonly<{ batches: number; items: number; largest: number }> {
    return this.batches.stats;
  }

  /** Deliveries waiting for a transaction. */
  get waiting(): number {
    return this.batches.waiting;
  }

  /**
   * Records one verified delivery. Returns the answer for the panel; a redelivery (same id and body) gets the first
   * answer again. Concurrent deliveries of one id, or of events for one service, serialise on the database's unique
   * keys and row locks; the losers re-read and answer like a redelivery.
   */
  async accept(delivery: Delivery): Promise<DeliveryAnswer> {
    const { timestamp } = delivery.event;
    if (timestamp !== undefined && new Date(timestamp).getTime() > this.d.clock.now().getTime() + MAX_EVENT_CLOCK_SKEW_MS) {
      throw new ValidationError(
        [{ field: 'timestamp', message: 'must not be more than 5 minutes ahead of our clock' }],
        'The event timestamp lies in the future; nothing was recorded.',
      );
    }
    return this.batches.submit(delivery);
  }

  /** One batch: new orders pass the capacity gate, then the rest is written in one transaction. */
  private async writeBatch(items: Delivery[]): Promise<BatchResult<DeliveryAnswer>[]> {
    // The gate may ask the engine: that happens before the transaction, never while holding row locks.
    const refused = await refusedOrders(this.d, items);
    if (refused.size === 0) return this.writeWithRetry(items);
    const sold = items.filter((_, i) => !refused.has(i));
    const written = await this.writeWithRetry(sold);
    let next = 0;
    return items.map((_, i): BatchResult<DeliveryAnswer> => {
      const error = refused.get(i);
      return error ? { ok: false, error } : written[next++]!;
    });
  }

  /** Writes a batch, retried whole when it collided with another writer; split up when one delivery breaks it. */
  private async writeWithRetry(items: Delivery[]): Promise<BatchResult<DeliveryAnswer>[]> {
    if (items.length === 0) return [];
    for (let attempt = 1; ; attempt++) {
      try {
        const queued = { value: false };
        // On MySQL the session is READ COMMITTED (db/knex.ts), so locking not-yet-existing service rows takes no gap lock.
        const results = await this.d.knex.transaction((trx) => this.applyBatch(trx, items, queued));
        if (queued.value) this.d.onQueued?.();
        return results;
      } catch (err) {
        const retryable = constraintKind(err) === 'unique' || isLockContention(err);
        if (!retryable && items.length > 1) {
          // Not a collision: some delivery in the batch cannot be written. Alone, only that one fails.
          return (await Promise.all(items.map((item) => this.writeWithRetry([item])))).flat();
        }
        if (!retryable) throw err;
        if (attempt >= RETRIES) {
          throw new ServiceUnavailableError(
            'Too many concurrent changes to this service; the webhook was not recorded, please retry.',
            undefined,
            1,
          );
        }
        // Jittered pause so the transactions that collided do not collide again in lockstep.
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
      }
    }
  }

  /** Reads what the batch touches (three queries), decides each delivery, then writes the accepted ones together. */
  private async applyBatch(trx: Knex.Transaction, items: Delivery[], queued: { value: boolean }): Promise<BatchResult<DeliveryAnswer>[]> {
    const now = this.d.clock.now();
    const previous = await this.d.deliveries.findMany(
      items.map((i) => i.webhookId),
      trx,
    );
    const fresh = items.filter((i) => !previous.has(i.webhookId));
    const services = await this.d.services.findManyByBillingServiceId(
      fresh.map((i) => i.event.data.service_id),
      trx,
      true,
    );
    const productIds = fresh.flatMap((i) => ('product_id' in i.event.data ? [i.event.data.product_id] : []));
    const currentPlanIds = fresh.flatMap((i) => {
      const service = i.event.type === 'service.change_plan' ? services.get(i.event.data.service_id) : undefined;
      return service ? [service.planId] : [];
    });
    const plans = await this.d.plans.findMany(productIds, currentPlanIds, trx);
    const byProduct = new Map(plans.map((p) => [p.productId, p]));
    const byId = new Map(plans.map((p) => [p.id, p]));

    const results: BatchResult<DeliveryAnswer>[] = [];
    const answers: {
      item: Delivery;
      index: number;
      applied: boolean;
      note?: string;
      state?: Pick<Service, 'desiredState' | 'actualState'>;
    }[] = [];
    const inserts: NewService[] = [];
    const jobs: NewJob[] = [];
    for (const [index, item] of items.entries()) {
      const replay = previous.get(item.webhookId);
      if (replay) {
        results[index] =
          replay.bodySha256 === item.bodySha256
            ? { ok: true, value: replay.response }
            : { ok: false, error: new UnprocessableError('webhook_id_reused', messages.reused(item.webhookId)) };
        continue;
      }
      const { event } = item;
      const service = services.get(event.data.service_id);
      const decision = decide({
        event,
        eventAt: event.timestamp ? new Date(event.timestamp) : now,
        service,
        plan: 'product_id' in event.data ? byProduct.get(event.data.product_id) : undefined,
        currentPlan: service ? byId.get(service.planId) : undefined,
      });
      if (decision.kind === 'refuse') {
        results[index] = { ok: false, error: decision.error };
        continue;
      }
      if (decision.insert) inserts.push(withSealedPassword(this.d.secrets, decision.insert, event));
      if (decision.changes && service) {
        const changes = decision.rebuild
          ? {
              ...decision.changes,
              ...orderPassword(this.d.secrets, service.billingServiceId, event, decision.changes.sshKeys ?? service.sshKeys),
            }
          : decision.changes;
        await this.d.services.update(service.id, changes, now, trx);
      }
      if (decision.applied && service) jobs.push(reconcileJob(service.id));
      answers.push({
        item,
        index,
        applied: decision.applied,
        ...(decision.note ? { note: decision.note } : {}),
        ...(decision.service ? { state: decision.service } : {}),
      });
    }

    const created = await this.d.services.insertMany(inserts, now, trx);
    for (const s of created) jobs.push(reconcileJob(s.id));
    await this.allocateAddresses(trx, created, plans);
    await this.d.jobs.enqueueMany(jobs, trx);
    queued.value = jobs.length > 0;

    const deliveries: NewDelivery[] = [];
    for (const a of answers) {
      const { event } = a.item;
      const billingServiceId = event.data.service_id;
      const answer: DeliveryAnswer = {
        webhook_id: a.item.webhookId,
        type: event.type,
        applied: a.applied,
        ...(a.note ? { note: a.note } : {}),
        service_id: billingServiceId,
        desired_state: a.state?.desiredState ?? null,
        actual_state: a.state?.actualState ?? null,
        status_url: a.state ? `${this.d.publicUrl}/api/v1/services/${encodeURIComponent(billingServiceId)}` : null,
      };
      results[a.index] = { ok: true, value: answer };
      deliveries.push({
        webhookId: a.item.webhookId,
        type: event.type,
        billingServiceId: billingServiceId,
        bodySha256: a.item.bodySha256,
        outcome: a.applied ? 'applied' : 'ignored',
        response: answer,
      });
    }
    await this.d.deliveries.insertMany(deliveries, now, trx);
    return results;
  }

  /**
   * Addresses for the services this batch created, in the same transaction: an order is recorded holding its addresses
   * or not at all. Pools that ran out throw ip_pool_exhausted (422), which rolls the batch back; written again one by
   * one (writeWithRetry), only the order that found no address is refused.
   */
  private async allocateAddresses(trx: Knex.Transaction, created: Service[], plans: Plan[]): Promise<void> {
    const addresses = this.d.addresses;
    if (!addresses) return;
    const byId = new Map(plans.map((p) => [p.id, p]));
    for (const service of created) {
      const plan = byId.get(service.planId);
      if (!plan) continue;
      await addresses.allocate(trx, {
        serviceRowId: service.id,
        billingServiceId: service.billingServiceId,
        cluster: plan.cluster,
        poolNames: plan.ipPools,
      });
    }
  }
}

/** Deadlocks and lock-wait timeouts: the transaction did nothing and can simply run again. */
function isLockContention(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT' || code === 'SQLITE_BUSY';
}
