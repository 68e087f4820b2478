/** GET /metrics: Prometheus text exposition of this instance (see metrics/ and the README's Metrics section). */
import { Router } from 'express';
import { metricsAccess } from '../middleware/metrics-access';

/** What the route renders: the scraper the container built (`wiring/metrics-scraper.ts`). */
export interface MetricsSource {
  scrape(): Promise<string>;
  readonly contentType: string;
}

export function metricsRouter(scraper: MetricsSource, access: { token: string | undefined; trustProxy: number }): Router {
  const router = Router();
  router.get('/', metricsAccess(access), async (_req, res) => {
    const body = await scraper.scrape();
    // Figures change on every scrape; a cache between Prometheus and us would only serve old ones.
    res.set('Cache-Control', 'no-store').type(scraper.contentType).send(body);
  });
  return router;
}
