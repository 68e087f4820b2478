/**
 * POST /webhooks/billing: the billing panel's signed events. Order of checks: size (413), headers (400),
 * signature and freshness (401), JSON and fields (400), then the use case (202, or 409/422). Nothing is recorded
 * before the signature is verified, and the engine is never called here.
 */
import { createHash } from 'node:crypto';
import { Router } from 'express';
import { MalformedBodyError } from '../../errors';
import type { BillingEventService } from '../../services/billing-events';
import { billingEventSchema } from '../../webhooks/billing-event';
import { readSignedHeaders, type WebhookSigner } from '../../webhooks/signature';
import { rawBody } from '../middleware/json-body';
import { parseOrThrow } from '../middleware/validate';

/** Standard Webhooks recommends small payloads; ours are a few hundred bytes. */
export const WEBHOOK_BODY_LIMIT = '64kb';

export function webhooksRouter(signer: WebhookSigner, billing: BillingEventService): Router {
  const router = Router();
  router.post('/billing', rawBody(WEBHOOK_BODY_LIMIT), async (req, res) => {
    const headers = readSignedHeaders((name) => req.get(name));
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    signer.verify(raw, headers);
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new MalformedBodyError();
    }
    const event = parseOrThrow(billingEventSchema, json);
    // Carried into the one request log line (app.ts customProps) rather than a second line per webhook.
    res.locals.logContext = { webhookId: headers.id, type: event.type, serviceId: event.data.service_id };
    const answer = await billing.accept({ webhookId: headers.id, bodySha256: createHash('sha256').update(raw).digest('hex'), event });
    res.status(202).json(answer);
  });
  return router;
}
