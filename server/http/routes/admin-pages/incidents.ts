/** `GET /admin/incidents?days=7|30|90`: host failures with the services each took down. */
import { Router } from 'express';
import { z } from 'zod';
import type { Container } from '../../../container';
import { HostFailureHistoryQuery } from '../../../use-cases/host-failures';
import { parseOrThrow } from '../../middleware/validate';
import { DAY_CHOICES, presentHostFailures } from '../../view-models/admin-incidents';

const query = z.object({
  days: z.coerce
    .number()
    .int()
    .refine((d) => (DAY_CHOICES as readonly number[]).includes(d), `must be one of ${DAY_CHOICES.join(', ')}`)
    .optional()
    .default(30),
});

export function adminIncidentPages(c: Container): Router {
  const router = Router();
  const history = new HostFailureHistoryQuery({
    incidents: c.repos.incidents,
    services: c.repos.services,
    plans: c.repos.plans,
    clock: c.clock,
  });
  router.get('/', async (req, res) => {
    const { days } = parseOrThrow(query, req.query, 'query');
    res.render('admin/incidents', presentHostFailures(await history.get(days)));
  });
  return router;
}
