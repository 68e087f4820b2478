/**
 * The client area: a customer arrives through a one-time link from the billing panel (`/client/sso?token=…`), gets
 * a session cookie for their client id, and sees their services. Another client's service is a 404, never a 403:
 * its existence is not ours to confirm.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { CLIENT_COOKIE, type ClientSessions } from '../../auth/client-sessions';
import { NotFoundError } from '../../errors';
import type { ClientSso } from '../../use-cases/client-sso';
import type { MaintenanceWindows } from '../../use-cases/maintenance-windows';
import type { ServiceQueries } from '../../use-cases/service-queries';
import type { UptimeReports } from '../../use-cases/uptime-reports';
import { clientOf, clientSessionOf } from '../middleware/client-session';
import { cookieSpec, readCookies } from '../middleware/cookies';
import { presentClientServiceList, presentClientServicePage } from '../view-models/client-area';
import { presentClientMaintenance } from '../view-models/client-maintenance';
import { type ClientVpsDeps, clientVpsActionsRouter, clientVpsView } from './client-vps-actions';
import { BILLING_SERVICE_ID, BILLING_SERVICE_ID_RULE } from '../../domain/billing-ids';

const serviceParams = z.object({ service_id: z.string().regex(BILLING_SERVICE_ID, BILLING_SERVICE_ID_RULE) });

export interface ClientAreaDeps {
  sso: ClientSso;
  sessions: ClientSessions;
  uptime: UptimeReports;
  /** The VPS's addresses, OS and login name for its page. */
  services: ServiceQueries;
  /** Announced maintenance for the service's page; none shown without it. */
  maintenance?: Pick<MaintenanceWindows, 'upcomingForService'>;
  /** The VPS's actions, usage and action log; none shown without them. */
  vps?: ClientVpsDeps;
  /** Cookies are Secure, and named `__Host-…`, when the public URL is https. */
  secureCookies: boolean;
}

function invalid(res: Response, status: number, message: string): void {
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .render('client/link-invalid', { title: 'Please open this page again from your client area', message });
}

export function clientAreaRouter(d: ClientAreaDeps): Router {
  const router = Router();
  const cookie = cookieSpec(CLIENT_COOKIE, '/client', d.secureCookies);
  // Pages about one customer's service: never cached by a shared proxy, never indexed.
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'private, no-store');
    res.set('X-Robots-Tag', 'noindex');
    next();
  });

  router.get('/sso', async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const grant = await d.sso.redeem(token);
    if (!grant) {
      invalid(
        res,
        410,
        'This sign-in link was already used or has expired. Open your VPS again from the client area of your billing panel.',
      );
      return;
    }
    res.cookie(cookie.name, await d.sessions.start(grant.clientId), {
      httpOnly: true,
      sameSite: 'lax',
      secure: cookie.secure,
      path: cookie.path,
      maxAge: d.sessions.ttlSeconds * 1000,
    });
    res.redirect(303, `/client/services/${encodeURIComponent(grant.billingServiceId)}`);
  });

  router.get('/services', async (req, res) => {
    const clientId = await clientOf(req, d.sessions, cookie.name);
    if (!clientId) {
      invalid(res, 401, 'Your session has ended. Open your VPS again from the client area of your billing panel.');
      return;
    }
    const reports = await d.uptime.forClient(clientId);
    res.render('client/services', presentClientServiceList(reports));
  });

  if (d.vps) router.use('/services/:service_id', clientVpsActionsRouter({ ...d.vps, sessions: d.sessions, cookieName: cookie.name }));

  router.get('/services/:service_id', async (req, res) => {
    const session = await clientSessionOf(req, d.sessions, cookie.name);
    const clientId = session?.clientId;
    if (!session || !clientId) {
      invalid(res, 401, 'Your session has ended. Open your VPS again from the client area of your billing panel.');
      return;
    }
    const parsed = serviceParams.safeParse(req.params);
    if (!parsed.success) throw new NotFoundError('service');
    // The uptime report checks the service is this client's (404 otherwise) before anything else is read.
    const report = await d.uptime.forClientService(clientId, parsed.data.service_id);
    const vps = await d.services.get(parsed.data.service_id);
    const upcoming = d.maintenance ? await d.maintenance.upcomingForService(parsed.data.service_id) : [];
    const done = typeof req.query.done === 'string' ? req.query.done : undefined;
    const controls = d.vps
      ? await clientVpsView(d.vps, {
          billingServiceId: parsed.data.service_id,
          clientId,
          csrf: session.csrfToken,
          done,
          timeZone: report.plan.timeZone,
        })
      : {};
    res.render('client/service', {
      ...presentClientServicePage(report, vps),
      maintenance: presentClientMaintenance(upcoming, report.plan.timeZone, report.generatedAt),
      ...controls,
    });
  });

  router.post('/logout', async (req, res) => {
    for (const token of readCookies(req, cookie.name)) await d.sessions.end(token);
    res.clearCookie(cookie.name, { httpOnly: true, sameSite: 'lax', secure: cookie.secure, path: cookie.path });
    invalid(res, 200, 'You are signed out. Open your VPS again from the client area of your billing panel.');
  });
  return router;
}
