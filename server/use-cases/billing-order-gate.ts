/**
 * The capacity gate for a batch of billing deliveries: which of the batch's new orders (creates of services not known
 * yet, not redeliveries) may be sold, asked before the batch's transaction so the engine is never asked while row
 * locks are held (billing-events.ts writes the rest).
 */
import type { Plan } from '../domain/plan';
import type { AppError } from '../errors';
import type { PlansRepository } from '../repositories/plans';
import type { ServicesRepository } from '../repositories/services';
import type { WebhookDeliveries } from '../repositories/webhook-deliveries';
import type { BillingEvent } from '../webhooks/billing-event';

/** A new order the capacity gate is asked about. */
export interface Order {
  plan: Plan;
  billingServiceId: string;
}

/**
 * Decides, before anything is written, whether new orders may be sold (the capacity gate), in arrival order so each
 * sale counts against the next: per order, undefined when sold, else the refusal (a 422, or a 503 when the engine
 * cannot be asked).
 */
export type OrderGate = (orders: Order[]) => Promise<Array<AppError | undefined>>;

/**
 * The batch's new orders through `gate`, read with one query per table for the whole batch. Returns the refused
 * deliveries by index.
 */
export async function refusedOrders(
  d: { gate?: OrderGate; deliveries: WebhookDeliveries; services: ServicesRepository; plans: PlansRepository },
  items: ReadonlyArray<{ webhookId: string; event: BillingEvent }>,
): Promise<Map<number, AppError>> {
  const refused = new Map<number, AppError>();
  const gate = d.gate;
  const creates = items.flatMap((item, index) =>
    item.event.type === 'service.create' ? [{ index, item, productId: item.event.data.product_id }] : [],
  );
  if (!gate || creates.length === 0) return refused;
  const previous = await d.deliveries.findMany(creates.map((c) => c.item.webhookId));
  const fresh = creates.filter((c) => !previous.has(c.item.webhookId));
  const existing = await d.services.findManyByBillingServiceId(fresh.map((c) => c.item.event.data.service_id));
  const orders = fresh.filter((c) => !existing.has(c.item.event.data.service_id));
  const plans = new Map(
    (
      await d.plans.findMany(
        orders.map((o) => o.productId),
        [],
      )
    ).map((p) => [p.productId, p]),
  );
  // Without a plan the transaction refuses the order (unknown_product); there is nothing to gate.
  const gated = orders.flatMap((o) => {
    const plan = plans.get(o.productId);
    return plan ? [{ index: o.index, plan, billingServiceId: o.item.event.data.service_id }] : [];
  });
  if (gated.length === 0) return refused;
  const verdicts = await gate(gated.map(({ plan, billingServiceId }) => ({ plan, billingServiceId })));
  gated.forEach((g, i) => {
    const error = verdicts[i];
    if (error) refused.set(g.index, error);
  });
  return refused;
}
