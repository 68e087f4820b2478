/**
 * The billing panel's reads of services: `GET /api/v1/services?actual_state=…` (a page of services in those states:
 * the panel's cron looks for stuck or failed orders), `GET /api/v1/services/{service_id}` (where an order stands),
 * `GET …/uptime` (windows, months, incidents, SLA) and `POST …/sso` (a one-time client-area link).
 */
import { Router } from 'express';
import { z } from 'zod';
import { ACTUAL_STATES, type ActualState } from '../../domain/service';
import type { ClientSso } from '../../use-cases/client-sso';
import type { ServiceQueries } from '../../use-cases/service-queries';
import type { UptimeReports } from '../../use-cases/uptime-reports';
import { parseOrThrow } from '../middleware/validate';
import { presentService, presentServiceList } from '../presenters/service';
import { presentUptime } from '../presenters/uptime';
import { BILLING_CLIENT_ID, BILLING_CLIENT_ID_RULE, BILLING_SERVICE_ID, BILLING_SERVICE_ID_RULE } from '../../domain/billing-ids';

const params = z.object({ service_id: z.string().regex(BILLING_SERVICE_ID, BILLING_SERVICE_ID_RULE) });
const ssoBody = z
  .object({
    client_id: z.union([z.string().regex(BILLING_CLIENT_ID, BILLING_CLIENT_ID_RULE), z.number().int().min(0).transform(String)]),
  })
  .strict();

const isActualState = (s: string): s is ActualState => (ACTUAL_STATES as readonly string[]).includes(s);
const listQuery = z
  .object({
    actual_state: z
      .string()
      .refine((v) => v.split(',').every(isActualState), `must be one or more of ${ACTUAL_STATES.join(', ')}, comma-separated`)
      .transform((v) => [...new Set(v.split(',').filter(isActualState))])
      .optional(),
    cursor: z
      .string()
      .regex(/^\d{1,12}$/, 'must be the next_cursor of a previous page')
      .transform(Number)
      .optional(),
    limit: z.coerce.number().int().min(1, 'must be 1-1000').max(1000, 'must be 1-1000').default(100),
  })
  .strict();

export function servicesRouter(queries: ServiceQueries, uptime: UptimeReports, sso: ClientSso): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const q = parseOrThrow(listQuery, req.query);
    const page = await queries.list({ states: q.actual_state ?? ACTUAL_STATES, afterId: q.cursor, limit: q.limit });
    res.json(presentServiceList(page.items, page.nextAfterId));
  });
  router.get('/:service_id', async (req, res) => {
    const { service_id } = parseOrThrow(params, req.params);
    res.json(presentService(await queries.get(service_id)));
  });
  router.get('/:service_id/uptime', async (req, res) => {
    const { service_id } = parseOrThrow(params, req.params);
    res.json(presentUptime(await uptime.forBillingServiceId(service_id)));
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
