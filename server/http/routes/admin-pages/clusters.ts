/**
 * Admin console pages for failover capacity: the clusters with their readiness verdict (`/admin/clusters`), one
 * cluster's findings, host picture and N+k verdict (`/admin/clusters/:name`), "what if these hosts fail"
 * (`…/what-if?hosts=a,b`) and the sellable headroom per plan (`/admin/clusters/headroom`). All reads: nothing here
 * changes state. Without an engine the pages say so; when the engine fails they say how, with its status code.
 */
import { type Response, Router } from 'express';
import { z } from 'zod';
import type { Container } from '../../../container';
import { AppError, NotFoundError, ValidationError } from '../../../errors';
import { OvirtError } from '../../../ovirt/errors';
import { parseOrThrow } from '../../middleware/validate';
import {
  type ClusterRow,
  type EngineProblem,
  presentCluster,
  presentClusterList,
  presentClusterProblem,
  presentHeadroomPage,
  presentWhatIf,
} from '../../view-models/admin-clusters';
import { presentWaitingForRoom } from '../../view-models/admin-waiting-for-room';

const clusterParams = z.object({ name: z.string().min(1).max(255) });
/** `hosts` as the form sends it (one value per ticked box) or as a link writes it (`a,b`). */
const whatIfQuery = z.object({
  hosts: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => [
      ...new Set(
        (Array.isArray(v) ? v : [v ?? ''])
          .flatMap((s) => s.split(','))
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(z.array(z.string().max(255, 'a host name is at most 255 characters')).max(16, 'pick at most 16 hosts')),
});

const NO_ENGINE: EngineProblem = { noEngine: true };

type EngineRead<T> = { ok: true; value: T } | { ok: false; error: OvirtError };

/** An engine failure becomes a notice on the page, so the console stays usable; other errors go to the handler. */
async function fromEngine<T>(read: () => Promise<T>): Promise<EngineRead<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (err) {
    if (err instanceof OvirtError) return { ok: false, error: err };
    throw err;
  }
}

function engineFailed(res: Response, error: OvirtError): EngineProblem {
  res.status(error.status);
  return { engineError: error.message };
}

export function adminClusterPages(c: Container): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    const plans = await c.repos.plans.list();
    const { ovirt, capacity } = c;
    if (!ovirt || !capacity) return res.render('admin/clusters', presentClusterList([], plans, NO_ENGINE));
    const listed = await fromEngine(() => ovirt.listClusters());
    if (!listed.ok) return res.render('admin/clusters', presentClusterList([], plans, engineFailed(res, listed.error)));
    const engineNames = listed.value.map((cl) => cl.name);
    const rows: ClusterRow[] = await Promise.all(
      engineNames.map(async (name): Promise<ClusterRow> => {
        try {
          return { name, report: (await capacity.picture(name)).report };
        } catch (err) {
          // One cluster that cannot be read must not hide the others.
          if (err instanceof AppError) return { name, error: err.message };
          throw err;
        }
      }),
    );
    // A plan pointing at a cluster the engine does not have is worth a row of its own: its orders would all fail.
    for (const missing of new Set(plans.map((p) => p.cluster).filter((n) => !engineNames.includes(n)))) {
      rows.push({
        name: missing,
        error: `Plans point at cluster ${missing}, which the engine does not have: their orders cannot be provisioned.`,
      });
    }
    res.render('admin/clusters', presentClusterList(rows, plans));
  });

  router.get('/headroom', async (_req, res) => {
    const { capacity } = c;
    if (!capacity) return res.render('admin/headroom', presentHeadroomPage([], NO_ENGINE));
    const read = await fromEngine(() => capacity.headroomByCluster());
    if (!read.ok) return res.render('admin/headroom', presentHeadroomPage([], engineFailed(res, read.error)));
    res.render('admin/headroom', presentHeadroomPage(read.value));
  });

  router.get('/:name', async (req, res) => {
    const { name } = parseOrThrow(clusterParams, req.params);
    const { capacity } = c;
    // The HA VMs of this cluster down for lack of room: read from our own record, so shown even when the engine is not.
    const waitingForRoom = presentWaitingForRoom(await c.waitingForRoom.list(name), c.clock.now());
    if (!capacity) return res.status(503).render('admin/cluster', { ...presentClusterProblem(name, NO_ENGINE), waitingForRoom });
    const read = await fromEngine(() => capacity.picture(name));
    if (!read.ok) return res.render('admin/cluster', { ...presentClusterProblem(name, engineFailed(res, read.error)), waitingForRoom });
    res.render('admin/cluster', { ...presentCluster(name, read.value), waitingForRoom });
  });

  router.get('/:name/what-if', async (req, res) => {
    const { name } = parseOrThrow(clusterParams, req.params);
    const { ovirt, capacity } = c;
    if (!ovirt || !capacity)
      return res.status(503).render('admin/what-if', presentWhatIf({ cluster: name, hosts: [], chosen: [] }, NO_ENGINE));
    const hosts = await fromEngine(async () => {
      if (!(await ovirt.findClusterByName(name))) throw new NotFoundError('cluster', name);
      return ovirt.listHosts({ cluster: name });
    });
    if (!hosts.ok)
      return res.render('admin/what-if', presentWhatIf({ cluster: name, hosts: [], chosen: [] }, engineFailed(res, hosts.error)));
    const view = { cluster: name, hosts: hosts.value.map((h) => ({ name: h.name, status: h.status })) };

    const query = whatIfQuery.safeParse(req.query);
    if (!query.success) {
      const error = query.error.issues.map((i) => i.message).join('; ');
      return res
        .status(400)
        .render('admin/what-if', presentWhatIf({ ...view, chosen: [], error: `The hosts could not be read: ${error}.` }));
    }
    const chosen = query.data.hosts;
    if (chosen.length === 0) return res.render('admin/what-if', presentWhatIf({ ...view, chosen }));
    try {
      const placement = await fromEngine(() => capacity.whatIf(name, chosen));
      if (!placement.ok) return res.render('admin/what-if', presentWhatIf({ ...view, chosen }, engineFailed(res, placement.error)));
      res.render('admin/what-if', presentWhatIf({ ...view, chosen, placement: placement.value }));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      // An unknown host: say which, keep the form, change nothing.
      const error = `${err.problems.map((p) => p.message.replace(/^no host/, 'There is no host')).join('; ')}.`;
      res.status(400).render('admin/what-if', presentWhatIf({ ...view, chosen, error }));
    }
  });

  return router;
}
