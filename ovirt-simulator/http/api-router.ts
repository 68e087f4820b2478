import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { presentApiRoot, rootLinks } from '../present/api-root';
import type { Simulator } from '../simulator';
import type { Actor } from '../world/world';
import { requireAuth } from './auth';
import { negotiateFormat, type ApiContext } from './context';
import { asEngineError, sendContainerError, sendDoc, sendEmpty, sendFault } from './respond';
import { disksRouter } from './routes/disks';
import { eventsRouter } from './routes/events';
import { deviceStatisticsRouter } from './routes/device-statistics';
import { graphicsConsolesRouter } from './routes/graphics-consoles';
import { hostsRouter } from './routes/hosts';
import { infrastructureRouter } from './routes/infrastructure';
import { networksRouter } from './routes/networks';
import { nicsRouter } from './routes/nics';
import { schedulingPoliciesRouter } from './routes/scheduling-policies';
import { vmsRouter } from './routes/vms';

/** Strips matrix parameters (`/events;from=12`) out of the path so routes match, keeping them for `param()`. */
function matrixParams(req: Request, res: Response, next: NextFunction): void {
  const q = req.url.indexOf('?');
  const path = q >= 0 ? req.url.slice(0, q) : req.url;
  const matrix: Record<string, string> = {};
  if (path.includes(';')) {
    const clean = path
      .split('/')
      .map((segment) => {
        const [head, ...pairs] = segment.split(';');
        for (const pair of pairs) {
          const eq = pair.indexOf('=');
          const key = decodeURIComponent(eq >= 0 ? pair.slice(0, eq) : pair);
          matrix[key] = eq >= 0 ? decodeURIComponent(pair.slice(eq + 1)) : '';
        }
        return head ?? '';
      })
      .join('/');
    req.url = clean + (q >= 0 ? req.url.slice(q) : '');
  }
  res.locals.matrix = matrix;
  next();
}

/**
 * One copy of the API, mounted at `/ovirt-engine/api` and at `/ovirt-engine/api/v4`; `base` is the prefix its
 * hrefs use.
 */
export function apiRouter(sim: Simulator, base: string): Router {
  const router = express.Router();
  router.use(matrixParams);
  router.use((req, res, next) => {
    // VersionFilter: only version 4 exists; anything else is the container's 400 page, not a fault.
    const version = req.get('version');
    if (version !== undefined && version.trim() !== '4') return sendContainerError(res, 400, 'Bad Request');
    next();
  });
  router.use(requireAuth(sim));
  router.use((req, res, next) => {
    const ctx: ApiContext = {
      base,
      format: negotiateFormat(req),
      actor: res.locals.actor as Actor,
      matrix: res.locals.matrix as Record<string, string>,
    };
    res.locals.api = ctx;
    next();
  });
  router.use(express.text({ type: () => true, limit: '2mb' }));

  router.head('/', (req, res) => {
    res.set('Link', linkHeader(req, base));
    res.status(200).end();
  });
  router.get('/', (req, res) => {
    res.set('Link', linkHeader(req, base));
    sendDoc(res, 200, { root: 'api', body: presentApiRoot(sim.engine, base, res.locals.actor as Actor) });
  });
  router.use(nicsRouter(sim));
  router.use(graphicsConsolesRouter(sim));
  router.use(deviceStatisticsRouter(sim));
  router.use(vmsRouter(sim));
  router.use(networksRouter(sim));
  router.use(hostsRouter(sim));
  router.use(infrastructureRouter(sim));
  router.use(disksRouter(sim));
  router.use(eventsRouter(sim));
  router.use(schedulingPoliciesRouter(sim));
  router.use((_req, res) => sendEmpty(res, 404));
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    sendFault(res, asEngineError(err));
  });
  return router;
}

function linkHeader(req: Request, base: string): string {
  const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  return rootLinks(base)
    .map((l) => `<${origin}${String(l.href)}>; rel=${String(l.rel)}`)
    .join(',');
}
