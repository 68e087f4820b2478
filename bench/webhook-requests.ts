/**
 * Signed `service.create` webhooks as the billing panel sends them (Standard Webhooks headers over the exact body),
 * one distinct service per request so every request is a real order, never a redelivery answered from the
 * deliveries table.
 */
import { Webhook } from 'standardwebhooks';
import type { PreparedRequest, WebhookRecipe } from './http-load';

/** Service ids are `<prefix>-<n>`; the prefix tells the phases of one run apart when the rows are counted. */
export function serviceIdFor(prefix: string, n: number): string {
  return `${prefix}-${n}`;
}

/**
 * `count` signed creates. All are signed with the same timestamp (now), which the service accepts for five minutes;
 * every bench phase signs its own batch just before it starts.
 */
export function signedCreates(recipe: WebhookRecipe, count: number, at = new Date()): PreparedRequest[] {
  const signer = new Webhook(recipe.secret);
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const requests: PreparedRequest[] = [];
  for (let n = 1; n <= count; n++) {
    const billingServiceId = serviceIdFor(recipe.idPrefix, n);
    const body = JSON.stringify({
      type: 'service.create',
      data: {
        service_id: billingServiceId,
        client_id: recipe.clientId,
        product_id: recipe.productId,
        hostname: `${billingServiceId}.bench.example.net`,
        ...recipe.extraData,
      },
    });
    const id = `msg_${billingServiceId}`;
    requests.push({
      path: recipe.path,
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': timestamp,
        'webhook-signature': signer.sign(id, at, body),
      },
      body: Buffer.from(body),
    });
  }
  return requests;
}
