/** Admin CRUD for IP pools under /api/v1/admin/ip-pools. Thin: validate → service → present. */
import { Router } from 'express';
import type { Clock } from '../../clock';
import type { IpPools } from '../../use-cases/ip-pools';
import { parseOrThrow } from '../middleware/validate';
import { presentIpPool, presentIpPoolDetail } from '../presenters/ip-pool';
import { ipPoolBody, ipPoolListQuery, ipPoolNameParams, ipPoolPatchBody } from './admin-ip-pools.schema';

export function adminIpPoolsRouter(pools: IpPools, clock: Clock, publicUrl: string): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const query = parseOrThrow(ipPoolListQuery, req.query, 'query');
    res.json({ ip_pools: (await pools.list({ cluster: query.cluster })).map(presentIpPool) });
  });

  router.get('/:name', async (req, res) => {
    const { name } = parseOrThrow(ipPoolNameParams, req.params);
    res.json(presentIpPoolDetail(await pools.get(name), clock.now()));
  });

  router.post('/', async (req, res) => {
    const input = parseOrThrow(ipPoolBody, req.body ?? {});
    const view = await pools.create(input);
    res
      .status(201)
      .location(`${publicUrl}/api/v1/admin/ip-pools/${encodeURIComponent(view.pool.name)}`)
      .json(presentIpPool(view));
  });

  router.patch('/:name', async (req, res) => {
    const { name } = parseOrThrow(ipPoolNameParams, req.params);
    const patch = parseOrThrow(ipPoolPatchBody, req.body ?? {});
    res.json(presentIpPool(await pools.patch(name, patch)));
  });

  router.delete('/:name', async (req, res) => {
    const { name } = parseOrThrow(ipPoolNameParams, req.params);
    await pools.delete(name);
    res.status(204).end();
  });

  return router;
}
