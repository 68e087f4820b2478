/**
 * POST /webhooks/billing: the billing panel's signed events. Order of checks: size (413), headers (400),
 * signature and freshness (401), JSON and fields (400), then the use case (202, or 409/422). Nothing is recorded
 * before the signature is verified, and the engine is never called here.
 *
 * POST /webhooks/billing/verify: the panel's connection test. The same headers and signature check over whatever body
 * it signed, then 204; nothing is recorded and it is not counted as a received webhook. Same abuse limits.
 */
import { createHash } from 'node:crypto';
import { type RequestHandler, Router } from 'express';
import { MalformedBodyError } from '../../errors';
import type { WebhookMetrics } from '../../metrics/registry';
import type { BillingEventService } from '../../use-cases/billing-events';
import { billingEventSchema } from '../../webhooks/billing-event';
import { readSignedHeaders, type WebhookSigner } from '../../webhooks/signature';
import { rawBody } from '../middleware/json-body';
import { parseOrThrow } from '../middleware/validate';

/** Standard Webhooks recommends small payloads; ours are a few hundred bytes. */
export const WEBHOOK_BODY_LIMIT = '64kb';

/**
 * `guards` (the per-address limits, http/middleware/rate-limit.ts) run after the counting and before the body is read,
 * so a webhook they refuse with 429 is counted like any other answer and costs no body read.
 */
export function webhooksRouter(
  signer: WebhookSigner,
  billing: BillingEventService,
  metrics?: WebhookMetrics,
  guards: RequestHandler[] = [],
): Router {
  const router = Router();
  router.post('/billing', ...(metrics ? [countWebhooks(metrics)] : []), ...guards, rawBody(WEBHOOK_BODY_LIMIT), async (req, res) => {
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
    res.locals.logContext = { webhookId: headers.id, type: event.type, billingServiceId: event.data.service_id };
    res.locals.webhookType = event.type;
    const answer = await billing.accept({ webhookId: headers.id, bodySha256: createHash('sha256').update(raw).digest('hex'), event });
    res.status(202).json(answer);
  });
  router.post('/billing/verify', ...guards, rawBody(WEBHOOK_BODY_LIMIT), (req, res) => {
    signer.verify(
      Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      readSignedHeaders((name) => req.get(name)),
    );
    res.status(204).end();
  });
  return router;
}

/**
 * Counts every answered webhook by type and status, and times it from arrival to answer, whichever middleware or
 * error answered it (413, 401 and 400 included). This is the hot intake path: one counter increment and one histogram
 * observation per request, nothing else.
 */
function countWebhooks(metrics: WebhookMetrics): RequestHandler {
  return (_req, res, next) => {
    const stop = metrics.duration.startTimer();
    res.once('finish', () => {
      const code = res.statusCode;
      stop({ outcome: code < 300 ? 'accepted' : code < 500 ? 'refused' : 'failed' });
      // The type is known only once the body passed validation; the schema makes it one of a fixed set.
      const type: unknown = res.locals.webhookType;
      metrics.received.inc({ type: typeof type === 'string' ? type : 'unknown', code: String(code) });
    });
    next();
  };
}
