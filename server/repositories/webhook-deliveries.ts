/** Webhook deliveries already answered, for redelivery and audit. */
import type { Knex } from 'knex';
import { readNumber } from '../db/columns';
import type { DeliveryAnswer } from '../domain/delivery-answer';

const TABLE = 'webhook_deliveries';

export interface NewDelivery {
  webhookId: string;
  type: string;
  billingServiceId: string | null;
  bodySha256: string;
  outcome: 'applied' | 'ignored';
  response: DeliveryAnswer;
}

function toRow(d: NewDelivery, now: Date): Record<string, unknown> {
  return {
    webhook_id: d.webhookId,
    type: d.type,
    billing_service_id: d.billingServiceId,
    body_sha256: d.bodySha256,
    outcome: d.outcome,
    response: JSON.stringify(d.response),
    received_at: now,
  };
}

export class WebhookDeliveries {
  constructor(private readonly knex: Knex) {}

  /** The answered deliveries among `webhookIds`, by id (a batch of webhooks reads them at once). */
  async findMany(
    webhookIds: string[],
    trx: Knex | Knex.Transaction = this.knex,
  ): Promise<Map<string, { bodySha256: string; response: DeliveryAnswer }>> {
    const found = new Map<string, { bodySha256: string; response: DeliveryAnswer }>();
    if (webhookIds.length === 0) return found;
    const rows = (await trx(TABLE).whereIn('webhook_id', webhookIds).select('webhook_id', 'body_sha256', 'response')) as {
      webhook_id: string;
      body_sha256: string;
      response: string;
    }[];
    for (const r of rows) found.set(r.webhook_id, { bodySha256: r.body_sha256, response: JSON.parse(r.response) as DeliveryAnswer });
    return found;
  }

  /** Records answered deliveries in one statement. */
  async insertMany(deliveries: NewDelivery[], now: Date, trx: Knex | Knex.Transaction = this.knex): Promise<void> {
    if (deliveries.length === 0) return;
    await trx(TABLE).insert(deliveries.map((d) => toRow(d, now)));
  }

  /** Forgets deliveries older than `before` (kept at least 7 days; the panel retries for less). */
  async purge(before: Date): Promise<number> {
    return this.knex(TABLE).where('received_at', '<', before).delete();
  }

  async count(): Promise<number> {
    const row = await this.knex(TABLE).count({ n: '*' }).first();
    return row ? readNumber(row.n) : 0;
  }
}
