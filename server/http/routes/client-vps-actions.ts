/**
 * The client area's VPS actions under /client/services/:service_id: power (start, shut down, reboot; power
 * off after a confirmation page), the console file, and a reinstall from a page that says the disk is wiped. Every
 * POST carries the session's CSRF token (403 and nothing done without it); a success redirects back to the service
 * page with a fixed message (post-redirect-get), a refusal is answered with its status and the refusal's own words
 * (the engine's reason for a locked VM, the per-service limit). Another client's service is a 404, as the page is.
 * Thin: the use cases (use-cases/service-actions.ts, use-cases/vps-access.ts) decide; the customer is the actor.
 */
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { ClientSessions } from '../../auth/client-sessions';
import { type Actor, actionRefusal, type ServiceActionKind } from '../../domain/service-action';
import { AppError, ForbiddenError, NotFoundError, TooManyRequestsError, ValidationError } from '../../errors';
import type { PlansRepository } from '../../repositories/plans';
import type { ServicesRepository } from '../../repositories/services';
import { sameSecret } from '../../use-cases/admin-accounts';
import type { ServiceActions } from '../../use-cases/service-actions';
import type { UsageReads } from '../../use-cases/usage-reads';
import type { VpsAccess } from '../../use-cases/vps-access';
import { clientSessionOf } from '../middleware/client-session';
import { formBody } from '../middleware/json-body';
import { parseOrThrow } from '../middleware/validate';
import {
  presentActionRefused,
  presentClientActionLog,
  presentClientActions,
  presentReinstallPage,
  presentStopConfirmation,
} from '../view-models/client-vps-actions';
import { presentUsagePanel, usageUnavailable } from '../view-models/client-vps-usage';
import { powerBody, reinstallBody } from './service-actions.schema';
import { BILLING_SERVICE_ID, BILLING_SERVICE_ID_RULE } from '../../domain/billing-ids';

/** What the client area needs for a VPS's controls; without it the page shows none (no engine configured, say). */
export interface ClientVpsDeps {
  actions: ServiceActions;
  access: VpsAccess;
  /** Usage for the page: cached and time-boxed, so the page never waits long on the engine. */
  usage: Pick<UsageReads, 'read'>;
  services: ServicesRepository;
  plans: PlansRepository;
}

const serviceParams = z.object({ service_id: z.string().regex(BILLING_SERVICE_ID, BILLING_SERVICE_ID_RULE) });
/** The customer's own actions shown under the buttons. */
const LOG_SHOWN = 15;
/** Statuses whose refusal is told on a result page; the rest (404, 401, 500) take the usual error path. */
const TOLD = new Set([409, 422, 429, 503]);

/** The customer as the actor: recorded with their billing client id, and only their own services accept it. */
function customer(clientId: string): Actor {
  return { kind: 'customer', name: clientId, clientId };
}

function formField(req: Request, name: string): string | undefined {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * The service page's controls, usage and log for a customer's own service (the page has checked it is theirs). Usage
 * comes from the engine through a short cache with a deadline (use-cases/usage-reads.ts); when it cannot be had, the
 * panel says so and the rest of the page still shows.
 */
export async function clientVpsView(
  d: ClientVpsDeps,
  input: { billingServiceId: string; clientId: string; csrf: string; done?: string; timeZone: string },
) {
  const actor = customer(input.clientId);
  const [log, usage] = await Promise.all([
    d.actions.log(input.billingServiceId, 100),
    d.usage.read(input.billingServiceId, actor).then(presentUsagePanel, (err: unknown) => {
      if (err instanceof AppError && err.code === 'service_provisioning')
        return usageUnavailable('Your VPS has no virtual machine yet, so there is no usage to show.');
      if (err instanceof AppError && err.code === 'no_engine') return undefined;
      if (err instanceof AppError && err.status !== 404) return usageUnavailable();
      throw err;
    }),
  ]);
  return {
    vpsActions: presentClientActions({
      billingServiceId: input.billingServiceId,
      csrf: input.csrf,
      done: input.done,
      // A VPS that takes no actions now (suspended, being set up, …) shows why instead of buttons that would all fail.
      unavailable: actionRefusal(log.service)?.message,
      log: presentClientActionLog(log.actions, input.timeZone).slice(0, LOG_SHOWN),
    }),
    vpsUsage: usage,
  };
}

export function clientVpsActionsRouter(d: ClientVpsDeps & { sessions: ClientSessions; cookieName: string }): Router {
  const router = Router({ mergeParams: true });
  router.use(formBody('64kb'));

  /** The signed-in customer (401 page otherwise) and, for a POST, a matching CSRF token (403 otherwise). */
  async function signedIn(req: Request, res: Response): Promise<{ clientId: string; csrf: string; billingServiceId: string } | undefined> {
    const session = await clientSessionOf(req, d.sessions, d.cookieName);
    if (!session) {
      res.status(401).render('client/link-invalid', {
        title: 'Please open this page again from your client area',
        message: 'Your session has ended. Open your VPS again from the client area of your billing panel.',
      });
      return undefined;
    }
    if (req.method === 'POST') {
      const given = formField(req, '_csrf') ?? '';
      if (!given || !sameSecret(given, session.csrfToken)) {
        throw new ForbiddenError(
          'This form has expired or did not come from this page (CSRF check failed). Open your VPS again and try once more; nothing was done.',
        );
      }
    }
    const parsed = serviceParams.safeParse(req.params);
    if (!parsed.success) throw new NotFoundError('service');
    return { clientId: session.clientId, csrf: session.csrfToken, billingServiceId: parsed.data.service_id };
  }

  /** The customer's own service and its plan, or 404 (another client's service does not exist for them). */
  async function ownService(billingServiceId: string, clientId: string) {
    const service = await d.services.findByBillingServiceId(billingServiceId);
    if (!service || service.clientId !== clientId) throw new NotFoundError('service', billingServiceId);
    return { service, plan: await d.plans.findById(service.planId), heading: service.hostname ?? `VPS #${service.billingServiceId}` };
  }

  /** Tells a refusal on a page with its status; anything else goes to the error handler. */
  function refused(res: Response, billingServiceId: string, action: ServiceActionKind, err: unknown): void {
    if (!(err instanceof AppError) || !TOLD.has(err.status)) throw err;
    const retryAfter = err instanceof TooManyRequestsError ? err.retryAfterSeconds : undefined;
    if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
    res.status(err.status).render(
      'client/action-result',
      presentActionRefused({
        billingServiceId: billingServiceId,
        action,
        status: err.status,
        message: err.message,
        retryAfterSeconds: retryAfter,
      }),
    );
  }

  const back = (billingServiceId: string, done: string) =>
    `/client/services/${encodeURIComponent(billingServiceId)}?done=${done}#vps-actions-title`;

  router.post('/power', async (req, res) => {
    const who = await signedIn(req, res);
    if (!who) return;
    const { action } = parseOrThrow(powerBody, { action: formField(req, 'action') });
    // Power off cuts the VPS like a pulled plug: only after the confirmation page's own form.
    if (action === 'stop' && formField(req, 'confirm') !== 'yes') {
      res.redirect(303, `/client/services/${encodeURIComponent(who.billingServiceId)}/power/stop`);
      return;
    }
    try {
      await d.actions.power(who.billingServiceId, action, customer(who.clientId));
    } catch (err) {
      refused(res, who.billingServiceId, action, err);
      return;
    }
    res.redirect(303, back(who.billingServiceId, action));
  });

  router.get('/power/stop', async (req, res) => {
    const who = await signedIn(req, res);
    if (!who) return;
    const { heading } = await ownService(who.billingServiceId, who.clientId);
    res.render('client/confirm-stop', presentStopConfirmation(who.billingServiceId, heading, who.csrf));
  });

  router.post('/console', async (req, res) => {
    const who = await signedIn(req, res);
    if (!who) return;
    let file;
    try {
      file = await d.access.consoleFile(who.billingServiceId, customer(who.clientId));
    } catch (err) {
      refused(res, who.billingServiceId, 'console', err);
      return;
    }
    // The file holds a console ticket: not cached anywhere, not logged, saved by the browser as an attachment.
    res.set('Cache-Control', 'no-store');
    res.set('X-Console-Expires-At', file.expiresAt.toISOString());
    res.attachment(file.fileName);
    res.type('application/x-virt-viewer').send(file.content);
  });

  router.get('/reinstall', async (req, res) => {
    const who = await signedIn(req, res);
    if (!who) return;
    const { service, plan, heading } = await ownService(who.billingServiceId, who.clientId);
    res.render(
      'client/reinstall',
      presentReinstallPage({
        billingServiceId: who.billingServiceId,
        heading,
        csrf: who.csrf,
        osOptions: plan?.osOptions ?? [],
        currentOs: service.osKey,
      }),
    );
  });

  router.post('/reinstall', async (req, res) => {
    const who = await signedIn(req, res);
    if (!who) return;
    const { service, plan, heading } = await ownService(who.billingServiceId, who.clientId);
    const os = formField(req, 'os') || undefined;
    const page = (status: number, extra: { error?: string; problems?: string[] }) =>
      res.status(status).render(
        'client/reinstall',
        presentReinstallPage({
          billingServiceId: who.billingServiceId,
          heading,
          csrf: who.csrf,
          osOptions: plan?.osOptions ?? [],
          currentOs: service.osKey,
          chosenOs: os,
          ...extra,
        }),
      );
    if (formField(req, 'confirm') !== 'yes') {
      page(400, { error: 'Tick the box to confirm that everything on the disk may be erased; nothing was done.' });
      return;
    }
    const password = formField(req, 'password') || undefined;
    const keys = (formField(req, 'ssh_keys') ?? '')
      .split(/\r?\n/)
      .map((k) => k.trim())
      .filter(Boolean);
    let body;
    try {
      body = parseOrThrow(reinstallBody, { os, password, ssh_keys: keys.length ? keys : undefined });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      page(400, {
        error: 'Please correct these and try again; nothing was done.',
        problems: err.problems.map((p) => `${fieldName(p.field)}: ${p.message}`),
      });
      return;
    }
    try {
      await d.actions.reinstall(
        who.billingServiceId,
        { os: body.os, password: body.password, sshKeys: body.ssh_keys },
        customer(who.clientId),
      );
    } catch (err) {
      refused(res, who.billingServiceId, 'reinstall', err);
      return;
    }
    res.redirect(303, back(who.billingServiceId, 'reinstall'));
  });

  return router;
}

function fieldName(field: string): string {
  if (field.startsWith('ssh_keys')) return 'SSH key';
  if (field === 'password') return 'Password';
  if (field === 'os') return 'Operating system';
  return field;
}
