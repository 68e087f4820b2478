/** `GET /admin`: the console's first page. */
import { Router } from 'express';
import type { Container } from '../../../container';
import { presentAdminOverview } from '../../view-models/admin-overview';

export function adminOverviewPage(c: Container): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.render('admin/overview', presentAdminOverview(await c.adminOverview.get()));
  });
  return router;
}
