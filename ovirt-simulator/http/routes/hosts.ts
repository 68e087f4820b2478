import express, { type Request, type Router } from 'express';
import { presentAgent, presentHost } from '../../present/host';
import { collection } from '../../present/links';
import { presentHostStatistics } from '../../present/statistics';
import { applySearch } from '../../search/filter';
import { hostFields } from '../../search/fields';
import type { Simulator } from '../../simulator';
import type { Host } from '../../world/model';
import { readAction } from '../body';
import { api } from '../context';
import { readHost } from '../entity-reads';
import { follower, followDoc } from '../follow';
import { sendDoc, sendEmpty } from '../respond';
import { echoOf, found, listOptions, runAction } from './shared';

/** `/hosts` (docs/ovirt-api.md §5). */
export function hostsRouter(sim: Simulator): Router {
  const router = express.Router();
  const hostOf = (req: Request): Host => found(sim.world.hosts.get(String(req.params.id)));

  router.get('/hosts', (req, res) => {
    const { base } = api(res);
    const hosts = applySearch(sim.world.hosts.values(), hostFields(sim.engine), listOptions(req, res, { field: 'name', desc: false }));
    const follow = follower(sim, req, res, base);
    sendDoc(
      res,
      200,
      collection(
        'hosts',
        'host',
        hosts.map((h) => follow(presentHost(sim.engine, h, base))),
      ),
    );
  });

  router.get('/hosts/:id', (req, res) => {
    const { base } = api(res);
    sendDoc(res, 200, followDoc(sim, req, res, base, readHost(sim, String(req.params.id), base)));
  });

  router.get('/hosts/:id/fenceagents', (req, res) => {
    const host = hostOf(req);
    sendDoc(
      res,
      200,
      collection(
        'agents',
        'agent',
        host.pm.agents.map((a) => presentAgent(host, a, api(res).base)),
      ),
    );
  });

  router.get('/hosts/:id/fenceagents/:agentId', (req, res) => {
    const host = hostOf(req);
    const agent = found(host.pm.agents.find((a) => a.id === req.params.agentId));
    sendDoc(res, 200, { root: 'agent', body: presentAgent(host, agent, api(res).base) });
  });

  router.get('/hosts/:id/statistics', (req, res) => {
    sendDoc(res, 200, collection('statistics', 'statistic', presentHostStatistics(sim.engine, hostOf(req), api(res).base)));
  });

  router.post('/hosts/:id/:action', (req, res) => {
    const host = hostOf(req);
    const action = String(req.params.action);
    if (!['activate', 'deactivate', 'fence'].includes(action)) return sendEmpty(res, 404);
    const input = readAction(req, 'host', action);
    const { actor } = api(res);
    const actions = sim.engine.hostActions;
    runAction(res, echoOf(input), { collection: 'hosts', element: 'host', id: host.id }, () => {
      if (action === 'activate') return { job: actions.activate(host, actor) };
      if (action === 'deactivate') return { job: actions.deactivate(host, actor, input.reason) };
      const result = actions.fence(host, input.fence_type, actor);
      return {
        job: result.job,
        ...(result.powerStatus ? { extra: { power_management: { status: result.powerStatus } } } : {}),
      };
    });
  });

  return router;
}
