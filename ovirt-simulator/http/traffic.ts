import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { routeKey } from '../control/metrics';
import type { Simulator } from '../simulator';

/** Requests held open by a `hang` fault, so closing the simulator can let go of them. */
export type HungSet = Set<ServerResponse>;

/** The path below `/ovirt-engine`, with `/api/v4` folded into `/api` and matrix parameters dropped. */
export function enginePath(url: string): string {
  const path = (url.split('?')[0] ?? '').replace(/;[^/]*/g, '');
  return path.replace(/^\/ovirt-engine/, '').replace(/^\/api\/v4(?=\/|$)/, '/api');
}

/**
 * Counts one engine request (its route, the API calls in flight, its status once answered). Shared by the express
 * fault layer and the fast read path, so both count alike.
 */
export function countEngineRequest(sim: Simulator, hung: HungSet, method: string, path: string, res: ServerResponse): void {
  const kind = path.startsWith('/api')
    ? 'api'
    : path === '/sso/oauth/token'
      ? 'token'
      : path === '/services/sso-logout' || path === '/sso/oauth/revoke'
        ? 'revoke'
        : 'other';
  sim.metrics.request(routeKey(method, path), kind);
  let done = false;
  res.on('close', () => {
    if (!done && kind === 'api') sim.metrics.apiDone();
    done = true;
    hung.delete(res);
  });
  res.on('finish', () => sim.metrics.status(res.statusCode));
}

/** Counts engine traffic and applies the switched-on faults, before any engine code runs. */
export function engineTraffic(sim: Simulator, hung: HungSet) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const path = enginePath(req.originalUrl);
    countEngineRequest(sim, hung, req.method, path, res);

    const decision = sim.faults.decide(req.method, path);
    if (decision.reset) {
      req.socket.destroy();
      return;
    }
    const proceed = () => {
      if (decision.hang) {
        hung.add(res);
        return;
      }
      if (decision.error) {
        if (decision.error.retryAfterSeconds !== undefined) res.set('Retry-After', String(decision.error.retryAfterSeconds));
        const status = decision.error.status;
        res
          .status(status)
          .type('text/html;charset=UTF-8')
          .send(`<html><head><title>${status}</title></head><body><h1>Error ${status}</h1></body></html>`);
        return;
      }
      if (decision.loseResponse) res.locals.loseResponse = true;
      next();
    };
    if (decision.latencyMs > 0) setTimeout(proceed, decision.latencyMs);
    else proceed();
  };
}
