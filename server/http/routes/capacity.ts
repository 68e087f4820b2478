/**
 * Capacity over HTTP. For the billing panel (API key): GET /api/v1/capacity?product_id=… so a panel can stop
 * selling a plan before an order fails. For admins (JWT): readiness per cluster, what-if, headroom per plan.
 */
import { Router } from 'express';
import { z } from 'zod';
import { ServiceUnavailableError } from '../../errors';
import type { CapacityService } from '../../use-cases/capacity';
import { parseOrThrow } from '../middleware/validate';
import { presentHeadroom, presentReadiness, presentWhatIf } from '../presenters/capacity';
import { BILLING_PRODUCT_ID, BILLING_PRODUCT_ID_RULE } from '../../domain/billing-ids';

const productQuery = z.object({ product_id: z.string().regex(BILLING_PRODUCT_ID, BILLING_PRODUCT_ID_RULE) }).strict();
const clusterParams = z.object({ cluster: z.string().min(1).max(255) });
const whatIfQuery = z
  .object({
    hosts: z
      .string()
      .min(1, 'name at least one host')
      .transform((s) =>
        s
          .split(',')
          .map((h) => h.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().max(255)).min(1, 'name at least one host').max(16, 'at most 16 hosts')),
  })
  .strict();

function need(capacity: CapacityService | undefined): CapacityService {
  if (!capacity) throw new ServiceUnavailableError('No oVirt engine is configured, so capacity cannot be computed.');
  return capacity;
}

export function billingCapacityRouter(capacity: CapacityService | undefined): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const { product_id } = parseOrThrow(productQuery, req.query, 'query');
    res.json(await need(capacity).forProduct(product_id));
  });
  return router;
}

export function adminCapacityRouter(capacity: CapacityService | undefined): Router {
  const router = Router();
  router.get('/clusters/:cluster/readiness', async (req, res) => {
    const { cluster } = parseOrThrow(clusterParams, req.params);
    res.json(presentReadiness(await need(capacity).readiness(cluster)));
  });
  router.get('/clusters/:cluster/what-if', async (req, res) => {
    const { cluster } = parseOrThrow(clusterParams, req.params);
    const { hosts } = parseOrThrow(whatIfQuery, req.query, 'query');
    res.json(presentWhatIf(cluster, await need(capacity).whatIf(cluster, hosts)));
  });
  router.get('/capacity/headroom', async (_req, res) => {
    res.json(presentHeadroom(await need(capacity).headroom()));
  });
  return router;
}
