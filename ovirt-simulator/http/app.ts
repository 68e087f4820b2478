import express, { type Express } from 'express';
import type { Simulator } from '../simulator';
import { apiRouter } from './api-router';
import { ssoRouter } from './auth';
import { controlRouter } from './control-routes';
import { sendContainerError } from './respond';
import { engineTraffic, type HungSet } from './traffic';

/** The simulator's HTTP face: the control API, then the engine's SSO and REST API behind the fault layer. */
export function createApp(sim: Simulator, controlToken: string, hung: HungSet): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use('/__sim', controlRouter(sim, controlToken));
  app.use(engineTraffic(sim, hung));
  app.use(ssoRouter(sim));
  app.use(/^\/ovirt-engine\/api\/v(?!4(?:\/|$|;|\?))\d+/, (_req, res) => sendContainerError(res, 400, 'Bad Request'));
  app.use('/ovirt-engine/api/v4', apiRouter(sim, '/ovirt-engine/api/v4'));
  app.use('/ovirt-engine/api', apiRouter(sim, '/ovirt-engine/api'));
  app.use((_req, res) => sendContainerError(res, 404, 'Not Found'));
  return app;
}
