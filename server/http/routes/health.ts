/** Liveness and readiness for load balancers and orchestrators. */
import { Router } from 'express';
import type { ReadinessProbe } from '../../services/readiness';

export function healthRouter(readiness: ReadinessProbe): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const report = await readiness.check();
    res.status(report.ready ? 200 : 503).json(report);
  });
  return router;
}
