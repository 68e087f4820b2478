import express, { type Router } from 'express';
import { collection } from '../../present/links';
import { presentSchedulingPolicy, SCHEDULING_POLICY_NAMES } from '../../present/scheduling-policy';
import type { Simulator } from '../../simulator';
import { api } from '../context';
import { readSchedulingPolicy } from '../entity-reads';
import { sendDoc } from '../respond';

/** `/schedulingpolicies[/{id}]`: the built-in policies every cluster's `scheduling_policy` links to (read-only). */
export function schedulingPoliciesRouter(sim: Simulator): Router {
  const router = express.Router();
  router.get('/schedulingpolicies', (_req, res) => {
    const { base } = api(res);
    sendDoc(
      res,
      200,
      collection(
        'scheduling_policies',
        'scheduling_policy',
        SCHEDULING_POLICY_NAMES.map((n) => presentSchedulingPolicy(n, base)),
      ),
    );
  });
  router.get('/schedulingpolicies/:id', (req, res) => {
    sendDoc(res, 200, readSchedulingPolicy(sim, String(req.params.id), api(res).base));
  });
  return router;
}
