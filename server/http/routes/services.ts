/** GET /api/v1/services/{service_id}: the billing panel reads where an order stands. */
import { Router } from 'express';
import { z } from 'zod';
import type { ServiceQueries } from '../../services/service-queries';
import { parseOrThrow } from '../middleware/validate';
import { presentService } from '../presenters/service';

const params = z.object({ service_id: z.string().regex(/^[A-Za-z0-9_-]{1,48}$/, 'must be a billing service id') });

export function servicesRouter(queries: ServiceQueries): Router {
  const router = Router();
  router.get('/:service_id', async (req, res) => {
    const { service_id } = parseOrThrow(params, req.params);
    res.json(presentService(await queries.get(service_id)));
  });
  return router;
}
