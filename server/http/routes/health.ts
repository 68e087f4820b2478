/** Liveness and readiness for load balancers and orchestrators. */
import { type Request, Router } from 'express';
import type { ReadinessProbe } from '../../use-cases/readiness';
import { presentReadinessReport } from '../presenters/health';

/** `authenticated` says whether a caller may read private details (the billing API key or an admin token). */
export function healthRouter(readiness: ReadinessProbe, authenticated: (req: Request) => boolean = () => false): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    const report = await readiness.check();
    // The answer differs by caller: no shared cache may keep an authenticated one.
    res.set('Cache-Control', 'no-store');
    res.status(report.ready ? 200 : 503).json(presentReadinessReport(report, authenticated(req)));
  });
  return router;
}
