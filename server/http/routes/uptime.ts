/**
 * `GET /api/v1/uptime?month=YYYY-MM&cursor=…&limit=…`: one month's uptime, SLA verdict and credit for every service
 * that ever ran, a page at a time: what a panel's monthly credit run reads instead of one call per service.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { UptimeReports } from '../../use-cases/uptime-reports';
import { parseOrThrow } from '../middleware/validate';
import { presentMonthlyUptime } from '../presenters/uptime';

const query = z
  .object({
    month: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM')
      .optional(),
    cursor: z
      .string()
      .regex(/^\d{1,12}$/, 'must be the next_cursor of a previous page')
      .transform(Number)
      .optional(),
    limit: z.coerce.number().int().min(1, 'must be 1-10000').max(10_000, 'must be 1-10000').default(1000),
  })
  .strict();

export function uptimeRouter(uptime: UptimeReports): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const q = parseOrThrow(query, req.query);
    const page = await uptime.month({ month: q.month, afterId: q.cursor, limit: q.limit });
    res.json(presentMonthlyUptime(page.items, page.nextAfterId));
  });
  return router;
}
