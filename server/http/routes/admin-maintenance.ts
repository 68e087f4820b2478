/** Announced maintenance under /api/v1/admin/maintenance. Thin: validate → service → present. */
import { Router } from 'express';
import type { AdminIdentity } from '../../auth/admin-tokens';
import type { Clock } from '../../clock';
import type { MaintenanceWindows } from '../../use-cases/maintenance-windows';
import { parseOrThrow } from '../middleware/validate';
import { presentMaintenanceWindow } from '../presenters/maintenance-window';
import { maintenanceBody, maintenanceIdParams, maintenanceListQuery } from './admin-maintenance.schema';

export function adminMaintenanceRouter(maintenance: MaintenanceWindows, clock: Clock, publicUrl: string): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const query = parseOrThrow(maintenanceListQuery, req.query, 'query');
    const now = clock.now();
    res.json({ maintenance_windows: (await maintenance.list(query.include)).map((w) => presentMaintenanceWindow(w, now)) });
  });

  router.get('/:id', async (req, res) => {
    const { id } = parseOrThrow(maintenanceIdParams, req.params);
    res.json(presentMaintenanceWindow(await maintenance.get(id), clock.now()));
  });

  router.post('/', async (req, res) => {
    const input = parseOrThrow(maintenanceBody, req.body ?? {});
    const admin = res.locals.admin as AdminIdentity;
    const { window, servicesNotified } = await maintenance.announce(input, admin.subject);
    res
      .status(201)
      .location(`${publicUrl}/api/v1/admin/maintenance/${window.id}`)
      .json({ ...presentMaintenanceWindow(window, clock.now()), services_notified: servicesNotified });
  });

  /** Cancels: the window stays in the list (status `cancelled`) as history of what was announced. */
  router.delete('/:id', async (req, res) => {
    const { id } = parseOrThrow(maintenanceIdParams, req.params);
    await maintenance.cancel(id);
    res.status(204).end();
  });

  return router;
}
