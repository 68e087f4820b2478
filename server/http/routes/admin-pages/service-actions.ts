/**
 * VPS actions on the admin service page: power (power off after a confirmation page), the console
 * file, and a reinstall from a page that says the disk is erased. The console router has checked the session and the
 * CSRF token; the actor is the signed-in admin. A refusal (409 with the engine's reason, 429, 422) is the console's
 * error page with its status and words; a success redirects back to the service (303).
 */
import { type Response, Router } from 'express';
import { z } from 'zod';
import type { Container } from '../../../container';
import type { Actor } from '../../../domain/service-action';
import { NotFoundError } from '../../../errors';
import { signedInAdmin } from '../../middleware/admin-session';
import { parseOrThrow } from '../../middleware/validate';
import { presentAdminReinstallPage, presentAdminStopConfirmation } from '../../view-models/admin-service-actions';
import { powerBody, reinstallBody } from '../service-actions.schema';
import { BILLING_SERVICE_ID, BILLING_SERVICE_ID_RULE } from '../../../domain/billing-ids';

const serviceParams = z.object({ service_id: z.string().regex(BILLING_SERVICE_ID, BILLING_SERVICE_ID_RULE) });

function admin(res: Response): Actor {
  return { kind: 'admin', name: signedInAdmin(res)?.email ?? 'admin' };
}

function field(body: unknown, name: string): string | undefined {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function adminServiceActionPages(c: Container): Router {
  const router = Router();
  const back = (billingServiceId: string, done: string) =>
    `/admin/services/${encodeURIComponent(billingServiceId)}?done=vps_${done}#vps-actions-title`;
  const service = async (billingServiceId: string) => {
    const s = await c.repos.services.findByBillingServiceId(billingServiceId);
    if (!s) throw new NotFoundError('service', billingServiceId);
    return { service: s, plan: await c.repos.plans.findById(s.planId) };
  };

  router.post('/:service_id/power', async (req, res) => {
    const { service_id } = parseOrThrow(serviceParams, req.params);
    const { action } = parseOrThrow(powerBody, { action: field(req.body, 'action') });
    if (action === 'stop' && field(req.body, 'confirm') !== 'yes') {
      res.redirect(303, `/admin/services/${encodeURIComponent(service_id)}/power/stop`);
      return;
    }
    await c.serviceActions.power(service_id, action, admin(res));
    res.redirect(303, back(service_id, action));
  });

  router.get('/:service_id/power/stop', async (req, res) => {
    const { service_id } = parseOrThrow(serviceParams, req.params);
    const { service: s } = await service(service_id);
    res.render('admin/service-stop', presentAdminStopConfirmation(s.billingServiceId, s.hostname));
  });

  router.post('/:service_id/console', async (req, res) => {
    const { service_id } = parseOrThrow(serviceParams, req.params);
    const file = await c.vpsAccess.consoleFile(service_id, admin(res));
    // The file holds a console ticket: not cached anywhere, not logged, saved by the browser as an attachment.
    res.set('Cache-Control', 'no-store');
    res.set('X-Console-Expires-At', file.expiresAt.toISOString());
    res.attachment(file.fileName);
    res.type('application/x-virt-viewer').send(file.content);
  });

  router.get('/:service_id/reinstall', async (req, res) => {
    const { service_id } = parseOrThrow(serviceParams, req.params);
    const { service: s, plan } = await service(service_id);
    res.render(
      'admin/service-reinstall',
      presentAdminReinstallPage({
        billingServiceId: s.billingServiceId,
        hostname: s.hostname,
        osOptions: plan?.osOptions ?? [],
        currentOs: s.osKey,
      }),
    );
  });

  router.post('/:service_id/reinstall', async (req, res) => {
    const { service_id } = parseOrThrow(serviceParams, req.params);
    const { service: s, plan } = await service(service_id);
    const os = field(req.body, 'os');
    if (field(req.body, 'confirm') !== 'yes') {
      res.status(400).render(
        'admin/service-reinstall',
        presentAdminReinstallPage({
          billingServiceId: s.billingServiceId,
          hostname: s.hostname,
          osOptions: plan?.osOptions ?? [],
          currentOs: s.osKey,
          chosenOs: os,
          error: 'Tick the box to confirm that the disk is erased; nothing was done.',
        }),
      );
      return;
    }
    const body = parseOrThrow(reinstallBody, { os });
    // No password from the console: the bridge makes one up and the panel hands it to the customer.
    await c.serviceActions.reinstall(service_id, { os: body.os }, admin(res));
    res.redirect(303, back(service_id, 'reinstall'));
  });

  return router;
}
