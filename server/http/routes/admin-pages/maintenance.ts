/**
 * The console's maintenance page: the windows announced so far, the form that announces one (parsed
 * with the JSON API's schema, saved by the same use case, so it refuses what the API refuses and tells the same panels),
 * and a Cancel button per window that has not ended.
 */
import { Router } from 'express';
import type { Container } from '../../../container';
import { ValidationError } from '../../../errors';
import { signedInAdmin } from '../../middleware/admin-session';
import { parseOrThrow } from '../../middleware/validate';
import { type MaintenanceFormValues, presentAdminMaintenance } from '../../view-models/admin-maintenance';
import { maintenanceBody, maintenanceIdParams } from '../admin-maintenance.schema';

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function formFromBody(body: unknown): MaintenanceFormValues {
  const b = (body ?? {}) as Record<string, unknown>;
  return {
    title: text(b.title),
    starts_at: text(b.starts_at),
    ends_at: text(b.ends_at),
    scope_kind: text(b.scope_kind) === 'hosts' ? 'hosts' : 'clusters',
    scope_names: text(b.scope_names),
    message: text(b.message),
  };
}

/** A datetime-local value (`2026-12-10T02:00`, typed in UTC) as the API's ISO time; anything else goes as typed. */
function utcInstant(value: string): string {
  const v = value.trim();
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(v)) return `${v}:00Z`;
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(v)) return `${v}Z`;
  return v;
}

/** The API's JSON body for the form: names split on commas and line breaks. */
function formToJson(v: MaintenanceFormValues): Record<string, unknown> {
  const names = v.scope_names
    .split(/[,\r\n]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return {
    title: v.title,
    starts_at: utcInstant(v.starts_at),
    ends_at: utcInstant(v.ends_at),
    scope: v.scope_kind === 'hosts' ? { hosts: names } : { clusters: names },
    message: v.message,
  };
}

export function adminMaintenancePages(c: Container): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const done =
      req.query.done === 'announced'
        ? `Announced; the panels of ${text(req.query.told) || '0'} services were told.`
        : req.query.done === 'cancelled'
          ? 'The window was cancelled.'
          : undefined;
    res.render('admin/maintenance', presentAdminMaintenance(await c.maintenance.list(), c.clock.now(), undefined, done));
  });

  router.post('/', async (req, res) => {
    const values = formFromBody(req.body);
    try {
      const input = parseOrThrow(maintenanceBody, formToJson(values));
      const { servicesNotified } = await c.maintenance.announce(input, signedInAdmin(res)?.email ?? 'admin');
      res.redirect(303, `/admin/maintenance?done=announced&told=${servicesNotified}`);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      res
        .status(400)
        .render(
          'admin/maintenance',
          presentAdminMaintenance(await c.maintenance.list(), c.clock.now(), { values, problems: err.problems }),
        );
    }
  });

  router.post('/:id/cancel', async (req, res) => {
    const { id } = parseOrThrow(maintenanceIdParams, req.params);
    await c.maintenance.cancel(id);
    res.redirect(303, '/admin/maintenance?done=cancelled');
  });

  return router;
}
