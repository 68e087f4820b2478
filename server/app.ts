/**
 * createApp(container): the express app with its middleware, routers, 404 and error handler. No listen() here, so
 * tests drive it in-process with supertest.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Container } from './container';
import type { Logger } from './logger';
import { AppError } from './errors';
import { hasAdminToken, requireAdmin } from './http/middleware/admin-auth';
import { errorHandler, type Refusal } from './http/middleware/error-handler';
import { jsonBody } from './http/middleware/json-body';
import { hasBillingKey, requireBillingKey } from './http/middleware/billing-auth';
import { authFailureLimit, requestLimit } from './http/middleware/rate-limit';
import { adminJobsRouter } from './http/routes/admin-jobs';
import { adminCapacityRouter, billingCapacityRouter } from './http/routes/capacity';
import { adminPlansRouter } from './http/routes/admin-plans';
import { adminIpPoolsRouter } from './http/routes/admin-ip-pools';
import { adminMaintenanceRouter } from './http/routes/admin-maintenance';
import { adminConsoleRouter } from './http/routes/admin-console';
import { clientAreaRouter } from './http/routes/client-area';
import { servicesRouter } from './http/routes/services';
import { adminActionsRouter, panelActionsRouter } from './http/routes/service-actions';
import { adminSsoRouter } from './http/routes/admin-sso';
import { uptimeRouter } from './http/routes/uptime';
import { webhooksRouter } from './http/routes/webhooks';
import { healthRouter } from './http/routes/health';
import { metricsRouter } from './http/routes/metrics';
import { pagesRouter } from './http/routes/pages';
import { createViewEngine, VIEWS_DIR } from './http/views';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Keeps a caller's request id when it is sane, so one id follows a request across the panel, LB and us. */
function requestId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** The refusal the error handler recorded for this response, if it chose the answer. */
function refusalOf(res: unknown): Refusal | undefined {
  return (res as { locals?: { refusal?: Refusal } }).locals?.refusal;
}

/**
 * The request line's level: a broken response or a 5xx nobody chose (a bug) is an error; a refusal we chose (503 while
 * the engine or database is away, any 4xx) is a warning; the rest is info.
 */
export function requestLogLevel(status: number, broken: boolean, refused: boolean): 'error' | 'warn' | 'info' {
  if (broken || (status >= 500 && !refused)) return 'error';
  return status >= 400 ? 'warn' : 'info';
}

/**
 * The one log line per request (pino-http): what identifies the request, its status and time, the route's log context,
 * and for an answer the error handler chose its code and reason.
 */
export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const id = requestId(req);
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, err) => requestLogLevel(res.statusCode, err !== undefined, refusalOf(res) !== undefined),
    // pino-http makes up an Error ("failed with status code 503", its stack in pino-http itself) for any 5xx it was
    // not given an error for. It says nothing the status does not: the error handler logged a real error already, and
    // a refusal carries its code and reason.
    customErrorObject: (_req, res, error, val: Record<string, unknown>) => {
      if ((res as { err?: unknown }).err === undefined && error.message === `failed with status code ${res.statusCode}`) {
        const { err: _made, ...rest } = val;
        return rest;
      }
      return val;
    },
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    customProps: (_req, res) => ({
      ...((res as { locals?: { logContext?: object } }).locals?.logContext ?? {}),
      ...(refusalOf(res) ?? {}),
    }),
    // Log what identifies a request, never its headers or query (tokens, signatures, cookies live there).
    serializers: {
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}

export function createApp(c: Container): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', c.config.http.trustProxy);
  app.set('query parser', 'simple');
  app.engine('hbs', createViewEngine({ cache: c.config.isProduction }));
  app.set('views', VIEWS_DIR);
  app.set('view engine', 'hbs');

  app.use(requestLogger(c.logger));
  app.use(helmet());
  app.use('/static', express.static(`${VIEWS_DIR}/static`, { index: false, maxAge: c.config.isProduction ? '1d' : 0 }));

  // The engine's version in /readyz is for the panel (its connection test) and admins, not for anyone who asks.
  const billingKey = hasBillingKey(c.config.secrets.billingApiKey);
  const adminToken = hasAdminToken(c.adminTokens);
  app.use(healthRouter(c.readiness, (req) => billingKey(req) || adminToken(req)));
  app.use('/metrics', metricsRouter(c.metricsScraper, { token: c.config.metrics.token, trustProxy: c.config.http.trustProxy }));
  app.use(pagesRouter(c));
  app.use('/admin', adminConsoleRouter(c));
  app.use(
    '/client',
    clientAreaRouter({
      sso: c.clientSso,
      sessions: c.clientSessions,
      uptime: c.uptime,
      services: c.serviceQueries,
      maintenance: c.maintenance,
      vps: { actions: c.serviceActions, access: c.vpsAccess, usage: c.clientUsage, services: c.repos.services, plans: c.repos.plans },
      secureCookies: c.config.client.secureCookies,
    }),
  );

  // Per-address limits, one set per surface so a flood on one leaves the others alone. Each surface also
  // has a tight limit on refused credentials, so the webhook secret and the keys cannot be guessed from one address.
  const limits = c.config.rateLimits;
  const requests = (name: string, limit: number) => requestLimit({ name, limit, windowSeconds: limits.windowSeconds, logger: c.logger });
  const failures = (name: string, isFailure?: (status: number) => boolean) =>
    authFailureLimit({ name, limit: limits.authFailures, windowSeconds: limits.authWindowSeconds, isFailure });
  // On webhooks only 401 (a bad or stale signature) counts: a webhook without its headers is a 400 and guesses nothing.
  const webhookGuards = [requests('webhook', limits.webhooks), failures('signature', (status) => status === 401)];
  const panelGuards = [requests('API', limits.api), failures('API key')];

  // Before any JSON parser: signatures are checked over the exact bytes received.
  app.use('/webhooks', webhooksRouter(c.webhookSigner, c.billingEvents, c.metrics.webhooks, webhookGuards));

  const api = express.Router();
  // Before the body is parsed, so a refused request costs no parsing.
  api.use(['/services', '/uptime', '/capacity', '/admin-sso'], ...panelGuards);
  api.use('/admin', failures('admin token'));
  api.use(jsonBody(c.config.http.jsonLimit));
  api.use('/admin', requireAdmin(c.adminTokens));
  api.use('/admin/plans', adminPlansRouter(c.plans, c.config.publicUrl));
  api.use('/admin/ip-pools', adminIpPoolsRouter(c.ipPools, c.clock, c.config.publicUrl));
  api.use('/admin/maintenance', adminMaintenanceRouter(c.maintenance, c.clock, c.config.publicUrl));
  api.use('/admin/jobs', adminJobsRouter(c.jobs, c.jobControls));
  api.use('/admin', adminCapacityRouter(c.capacity));
  api.use('/admin/services', adminActionsRouter(c.serviceActions, c.vpsAccess, c.config.publicUrl));
  api.use('/services', requireBillingKey(c.config.secrets.billingApiKey), servicesRouter(c.serviceQueries, c.uptime, c.clientSso));
  api.use('/services', panelActionsRouter(c.serviceActions, c.vpsAccess, c.config.publicUrl));
  api.use('/uptime', requireBillingKey(c.config.secrets.billingApiKey), uptimeRouter(c.uptime));
  api.use('/admin-sso', requireBillingKey(c.config.secrets.billingApiKey), adminSsoRouter(c.adminSso));
  api.use('/capacity', requireBillingKey(c.config.secrets.billingApiKey), billingCapacityRouter(c.capacity));
  app.use('/api/v1', api);

  app.use((req, _res, next) => {
    next(new AppError('not_found', `Nothing here: ${req.method} ${req.path}`, 404));
  });
  app.use(errorHandler(c.logger));
  return app;
}
