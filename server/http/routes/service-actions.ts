/**
 * VPS actions for the billing panel under /api/v1/services/{service_id} (Bearer BILLING_API_KEY) and for
 * admins under /api/v1/admin/services/{service_id} (admin token). Thin: validate → use case → present. Both routers
 * call the same use cases (use-cases/service-actions.ts, use-cases/vps-access.ts); only the recorded actor differs.
 */
import { type Request, type Response, Router } from 'express';
import type { z } from 'zod';
import type { AdminIdentity } from '../../auth/admin-tokens';
import type { Actor } from '../../domain/service-action';
import type { AdmittedAction, ServiceActions } from '../../use-cases/service-actions';
import type { VpsAccess } from '../../use-cases/vps-access';
import { parseOrThrow } from '../middleware/validate';
import { presentAction, presentActionLog, presentUsage } from '../presenters/service-actions';
import {
  actionLogQuery,
  actionParams,
  consoleBody,
  idempotencyHeaders,
  powerBody,
  reinstallBody,
  serviceParams,
} from './service-actions.schema';

type OnBehalf = { requested_by?: 'panel' | 'customer' | 'admin'; requester?: string };

interface Faces {
  actions: ServiceActions;
  access: VpsAccess;
  publicUrl: string;
  /** Who asked, from the request: the panel (and whom it acts for) or the signed-in admin. */
  actor: (req: Request, res: Response, body: OnBehalf) => Actor;
}

/** The request's Idempotency-Key, if any (400 naming the header when it is malformed). */
function idempotencyKey(req: Request): { idempotencyKey?: string } {
  const key = parseOrThrow(idempotencyHeaders, { 'idempotency-key': req.get('idempotency-key') }, 'headers')['idempotency-key'];
  return key === undefined ? {} : { idempotencyKey: key };
}

/** 202 with the action; a replay (same Idempotency-Key) says so, as the IETF draft's servers do. */
function accepted(res: Response, billingServiceId: string, admitted: AdmittedAction, publicUrl: string): void {
  if (admitted.replayed) res.set('Idempotent-Replayed', 'true');
  res.status(202).json(presentAction(billingServiceId, admitted.record, publicUrl));
}

/** The routes both faces share. */
function actionRoutes(f: Faces): Router {
  const router = Router();
  router.post('/:service_id/power', async (req, res) => {
    const { service_id } = parseOrThrow(serviceParams, req.params);
    const body = parseOrThrow(powerBody, req.body ?? {});
    accepted(res, service_id, await f.actions.power(service_id, body.action, f.actor(req, res, body), idempotencyKey(req)), f.publicUrl);
  });
  router.post('/:service_id/reinstall', async (req, res) => {
    const { service_id } = parseOrThrow(serviceParams, req.params);
    const body = parseOrThrow(reinstallBody, req.body ?? {});
    const admitted = await f.actions.reinstall(
      service_id,
      { os: body.os, password: body.password, sshKeys: body.ssh_keys },
      f.actor(req, res, body),
      idempotencyKey(req),
    );
    accepted(res, service_id, admitted, f.publicUrl);
  });
  router.post('/:service_id/console', async (req, res) => {
    const { service_id } = parseOrThrow(serviceParams, req.params);
    const body: z.output<typeof consoleBody> = parseOrThrow(consoleBody, req.body ?? {});
    const file = await f.access.consoleFile(service_id, f.actor(req, res, body));
    // The file holds a console ticket: not cached anywhere, not logged, saved by the browser as an attachment.
    res.set('Cache-Control', 'no-store');
    res.set('Expires', file.expiresAt.toUTCString());
    res.set('X-Console-Expires-At', file.expiresAt.toISOString());
    res.attachment(file.fileName);
    res.type('application/x-virt-viewer').send(file.content);
  });
  router.get('/:service_id/usage', async (req, res) => {
    const { service_id } = parseOrThrow(serviceParams, req.params);
    res.set('Cache-Control', 'no-store');
    res.json(presentUsage(await f.access.usage(service_id)));
  });
  router.get('/:service_id/actions', async (req, res) => {
    const { service_id } = parseOrThrow(serviceParams, req.params);
    const { limit } = parseOrThrow(actionLogQuery, req.query, 'query');
    const log = await f.actions.log(service_id, limit);
    res.json(presentActionLog(log.service, log.actions));
  });
  router.get('/:service_id/actions/:action_id', async (req, res) => {
    const { service_id, action_id } = parseOrThrow(actionParams, req.params);
    res.json(presentAction(service_id, await f.actions.get(service_id, action_id), f.publicUrl));
  });
  return router;
}

/** The panel's face: the panel asks, for itself or for a customer or staff member it names. */
export function panelActionsRouter(actions: ServiceActions, access: VpsAccess, publicUrl: string): Router {
  return actionRoutes({
    actions,
    access,
    publicUrl,
    actor: (_req, _res, body) => {
      const kind = body.requested_by ?? 'panel';
      return { kind, name: kind === 'panel' ? 'panel' : `panel:${body.requester ?? kind}` };
    },
  });
}

/** The admin API's face: recorded as the signed-in admin. */
export function adminActionsRouter(actions: ServiceActions, access: VpsAccess, publicUrl: string): Router {
  return actionRoutes({
    actions,
    access,
    publicUrl,
    actor: (_req, res) => ({ kind: 'admin', name: (res.locals.admin as AdminIdentity).subject }),
  });
}
