import express, { type Router } from 'express';
import { collection } from '../../present/links';
import { presentSchedulingPolicy, SCHEDULING_POLICY_NAMES, schedulingPolicyName } from '../../present/scheduling-policy';
import type { Simulator } from '../../simulator';
import { api } from '../context';
import { sendDoc } from '../respond';
import { type EntityRead, found } from './shared';

const readPolicy: EntityRead = (_sim, id, base) => ({
  root: 'scheduling_policy',
  body: presentSchedulingPolicy(found(schedulingPolicyName(id)), base),
});

/** The plain entity reads under `/schedulingpolicies`. */
export const schedulingPolicyReads: Readonly<Record<string, EntityRead>> = { schedulingpolicies: readPolicy };

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
    sendDoc(res, 200, readPolicy(sim, String(req.params.id), api(res).base));
  });
  return router;
}
