/**
 * Admin console pages for IP pools: the list with a usage bar per pool, one pool with its holders, and
 * the form to add, change or delete a pool. The form is parsed with the JSON API's own schema and saved by the same
 * IpPools use cases, so the console refuses exactly what the API refuses, with the same reasons.
 */
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container';
import type { IpPool } from '../../../domain/ip-pool';
import { AppError, ConflictError, type FieldProblem, NotFoundError, ValidationError } from '../../../errors';
import { InvalidIpPoolError } from '../../../use-cases/ip-pool-errors';
import { parseOrThrow } from '../../middleware/validate';
import { type IpPoolFormValues, presentAdminIpPool, presentAdminIpPools, presentIpPoolForm } from '../../view-models/admin-ip-pools';
import { ipPoolBody, ipPoolNameParams } from '../admin-ip-pools.schema';

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (s: string) => s.split(/[\s,]+/).filter((x) => x !== '');
const num = (s: string): number | string | undefined => (s.trim() === '' ? undefined : /^\d+$/.test(s.trim()) ? Number(s.trim()) : s);

function formFromBody(body: unknown): IpPoolFormValues {
  const b = (body ?? {}) as Record<string, unknown>;
  const keys: Array<keyof IpPoolFormValues> = [
    'name',
    'cluster',
    'network',
    'cidr',
    'gateway',
    'dns',
    'dns_search',
    'ranges',
    'prefix_per_service',
    'quarantine_minutes',
  ];
  return Object.fromEntries(keys.map((k) => [k, text(b[k])])) as unknown as IpPoolFormValues;
}

function formFromPool(pool: IpPool): IpPoolFormValues {
  return {
    name: pool.name,
    cluster: pool.cluster,
    network: pool.network,
    cidr: pool.cidr,
    gateway: pool.gateway,
    dns: pool.dns.join(', '),
    dns_search: pool.dnsSearch.join(', '),
    ranges: pool.ranges.map((r) => `${r.from} - ${r.to}`).join('\n'),
    prefix_per_service: pool.family === 6 ? String(pool.prefixPerService) : '',
    quarantine_minutes: String(pool.quarantineMinutes),
  };
}

/** The API's JSON body for the form: lists split on commas and spaces, one range a line as `from - to` (or one address). */
function formToJson(v: IpPoolFormValues): Record<string, unknown> {
  const ranges = v.ranges
    .split(/\r?\n/)
    .map((line) => line.replace(/\u2013/g, '-').trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [from = '', to] = line.split(/\s*-\s*|\s+/);
      return { from, to: to ?? from };
    });
  return {
    name: v.name.trim(),
    cluster: v.cluster,
    network: v.network,
    cidr: v.cidr.trim(),
    gateway: v.gateway.trim(),
    dns: list(v.dns),
    dns_search: list(v.dns_search),
    ranges,
    ...(num(v.prefix_per_service) === undefined ? {} : { prefix_per_service: num(v.prefix_per_service) }),
    ...(num(v.quarantine_minutes) === undefined ? {} : { quarantine_minutes: num(v.quarantine_minutes) }),
  };
}

function nameOf(req: Request): string {
  const parsed = ipPoolNameParams.safeParse(req.params);
  if (!parsed.success) throw new NotFoundError('ip_pool', String(req.params.name ?? ''));
  return parsed.data.name;
}

export function adminIpPoolPages(c: Container): Router {
  const router = Router();

  const renderForm = (
    res: Response,
    status: number,
    form: { editing?: string; values: IpPoolFormValues; problems?: FieldProblem[]; formError?: string },
  ) => {
    res.status(status).render('admin/ip-pool-form', presentIpPoolForm({ ...form, problems: form.problems ?? [] }));
  };

  /** Saves the posted form; a refusal (400 or 409) shows the form again with what was typed and why. */
  const saveFrom = async (
    req: Request,
    res: Response,
    editing: string | undefined,
    save: (json: Record<string, unknown>) => Promise<string>,
  ) => {
    const values = formFromBody(req.body);
    if (editing !== undefined) values.name = editing;
    try {
      res.redirect(303, await save(formToJson(values)));
    } catch (err) {
      if (err instanceof ValidationError || err instanceof InvalidIpPoolError) {
        renderForm(res, 400, { editing, values, problems: err instanceof ValidationError ? err.problems : err.problems });
        return;
      }
      if (err instanceof ConflictError && err instanceof AppError) {
        renderForm(res, 409, { editing, values, formError: err.message });
        return;
      }
      throw err;
    }
  };

  router.get('/', async (req, res) => {
    res.render('admin/ip-pools', presentAdminIpPools(await c.ipPools.list(), { what: req.query.done, pool: req.query.pool }));
  });

  router.get('/new', (_req, res) => {
    renderForm(res, 200, {
      values: {
        name: '',
        cluster: '',
        network: 'ovirtmgmt',
        cidr: '',
        gateway: '',
        dns: '',
        dns_search: '',
        ranges: '',
        prefix_per_service: '',
        quarantine_minutes: '60',
      },
    });
  });

  router.post('/', async (req, res) => {
    await saveFrom(req, res, undefined, async (json) => {
      const view = await c.ipPools.create(parseOrThrow(ipPoolBody, json));
      return `/admin/ip-pools?done=created&pool=${encodeURIComponent(view.pool.name)}`;
    });
  });

  router.get('/:name', async (req, res) => {
    res.render('admin/ip-pool', presentAdminIpPool(await c.ipPools.get(nameOf(req)), c.clock.now()));
  });

  router.get('/:name/edit', async (req, res) => {
    const { pool } = await c.ipPools.get(nameOf(req));
    renderForm(res, 200, { editing: pool.name, values: formFromPool(pool) });
  });

  router.post('/:name', async (req, res) => {
    const { pool } = await c.ipPools.get(nameOf(req));
    await saveFrom(req, res, pool.name, async (json) => {
      const { name: _name, ...rest } = parseOrThrow(ipPoolBody, json);
      await c.ipPools.patch(pool.name, rest);
      return `/admin/ip-pools?done=saved&pool=${encodeURIComponent(pool.name)}`;
    });
  });

  router.post('/:name/delete', async (req, res) => {
    const name = nameOf(req);
    try {
      await c.ipPools.delete(name);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      res.status(409).render('admin/ip-pool', presentAdminIpPool(await c.ipPools.get(name), c.clock.now(), err.message));
      return;
    }
    res.redirect(303, `/admin/ip-pools?done=deleted&pool=${encodeURIComponent(name)}`);
  });

  return router;
}
