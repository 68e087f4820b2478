/**
 * The billing panel's reads of a service: `GET /api/v1/services/{service_id}` (where an order stands),
 * `GET …/uptime` (windows, months, incidents, SLA) and `POST …/sso` (a one-time client-area link).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { ClientSso } from '../../services/client-sso';
import type { ServiceQueries } from '../../services/service-queries';
import type { UptimeReports } from '../../services/uptime-reports';
import { parseOrThrow } from '../middleware/validate';
import { presentService } from '../presenters/service';
import { presentUptime } from '../presenters/uptime';

const params = z.object({ service_id: z.string().regex(/^[A-Za-z0-9_-]{1,48}$/, 'must be a billing service id') });
const ssoBody = z
  .object({
    client_id: z.union([z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a billing client id'), z.number().int().min(0).transform(String)]),
  })
  .strict();

export function servicesRouter(queries: ServiceQueries, uptime: UptimeReports, sso: ClientSso): Router {
  const router = Router();
  router.get('/:service_id', async (req, res) => {
    const { service_id } = parseOrThrow(params, req.params);
    res.json(presentService(await queries.get(service_id)));
  });
  router.get('/:service_id/uptime', async (req, res) => {
    const { service_id } = parseOrThrow(params, req.params);
    res.json(presentUptime(await uptime.forServiceId(service_id)));
  });
  router.post('/:service_id/sso', async (req, res) => {
    const { service_id } = parseOrThrow(params, req.params);
    const { client_id } = parseOrThrow(ssoBody, req.body ?? {});
    const link = await sso.mint(service_id, client_id);
    res.set('Cache-Control', 'no-store');
    res.status(201).json({ url: link.url, expires_at: link.expiresAt.toISOString() });
  });
  return router;
}
