/** Server-rendered pages. So far the landing page an operator sees after `npm start`. */
import { Router } from 'express';
import type { Container } from '../../container';

export function pagesRouter(c: Container): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.render('home', {
      title: 'oVirt HA Bridge',
      engine: c.config.ovirt.url ? 'configured' : 'not configured (bundled simulator when started with npm start)',
      database: c.config.database.client === 'sqlite' ? 'SQLite (embedded)' : 'MySQL/MariaDB',
    });
  });
  return router;
}
