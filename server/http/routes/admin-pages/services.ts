/**
 * Admin console pages for billing services: search (`/admin/services?q=…&state=…&page=…`), one service with its VM,
 * jobs, uptime, incidents and engine events (`/admin/services/:service_id`), and Retry for a failed one (POST, CSRF
 * checked by the console router, 303 back to the service).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Container } from '../../../container';
import { ACTUAL_STATES } from '../../../domain/service';
import { NotFoundError } from '../../../errors';
import { parseOrThrow } from '../../middleware/validate';
import { presentAdminServiceActions } from '../../view-models/admin-service-actions';
import { presentServiceList, presentServicePage, SERVICES_PER_PAGE } from '../../view-models/admin-services';

const listQuery = z.object({
  q: z.string().trim().max(255, 'at most 255 characters').optional().default(''),
  state: z
    .union([z.literal(''), z.enum(ACTUAL_STATES)])
    .optional()
    .default(''),
  page: z.coerce.number().int().min(1).max(100_000).optional().default(1),
});
const serviceParams = z.object({ service_id: z.string().min(1).max(64) });
const pageQuery = z.object({ done: z.string().max(32).optional() });
/** The engine's events shown per service: the latest ones, enough to follow a failover. */
const EVENTS_SHOWN = 50;
const JOBS_SHOWN = 50;
/** The VPS actions shown: who asked for what, newest first. */
const ACTIONS_SHOWN = 50;

export function adminServicePages(c: Container): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const { q, state, page } = parseOrThrow(listQuery, req.query, 'query');
    const [found, plans] = await Promise.all([
      c.repos.services.search({ q, state: state || undefined, limit: SERVICES_PER_PAGE, offset: (page - 1) * SERVICES_PER_PAGE }),
      c.repos.plans.list(),
    ]);
    res.render('admin/services', presentServiceList({ ...found, page, q, state, plans: new Map(plans.map((p) => [p.id, p])) }));
  });

  router.get('/:service_id', async (req, res) => {
    const { service_id } = parseOrThrow(serviceParams, req.params);
    const { done } = parseOrThrow(pageQuery, req.query, 'query');
    const service = await c.repos.services.findByBillingServiceId(service_id);
    if (!service) throw new NotFoundError('service', service_id);
    const [plan, jobs, events, report, actions] = await Promise.all([
      c.repos.plans.findById(service.planId),
      c.jobs.list({ serviceRowId: service.id, limit: JOBS_SHOWN }),
      c.repos.engineEvents.listForService(service.id, EVENTS_SHOWN, { newestFirst: true }),
      // A service whose plan is gone has no SLA to measure; the rest of the page still shows.
      c.uptime.forService(service).catch((err: unknown) => {
        if (err instanceof NotFoundError) return undefined;
        throw err;
      }),
      c.serviceActions.log(service_id, ACTIONS_SHOWN),
    ]);
    res.render('admin/service', {
      ...presentServicePage({ service, plan, jobs, events, report, done }),
      vpsActions: presentAdminServiceActions(service.billingServiceId, actions.actions, done),
    });
  });

  router.post('/:service_id/retry', async (req, res) => {
    const { service_id } = parseOrThrow(serviceParams, req.params);
    await c.serviceRetry.retry(service_id);
    res.redirect(303, `/admin/services/${encodeURIComponent(service_id)}?done=retry`);
  });

  return router;
}
