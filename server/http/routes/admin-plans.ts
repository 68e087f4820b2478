/** Admin CRUD for plan mappings under /api/v1/admin/plans. Thin: validate → service → present. */
import { Router } from 'express';
import type { PlanService } from '../../use-cases/plans';
import { parseOrThrow } from '../middleware/validate';
import { presentPlan } from '../presenters/plan';
import { planBody, planIdParams, planListQuery, planPatchBody } from './admin-plans.schema';

export function adminPlansRouter(plans: PlanService, publicUrl: string): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const query = parseOrThrow(planListQuery, req.query, 'query');
    const list = await plans.list({ productId: query.product_id });
    res.json({ plans: list.map(presentPlan) });
  });

  router.get('/:id', async (req, res) => {
    const { id } = parseOrThrow(planIdParams, req.params);
    res.json(presentPlan(await plans.get(id)));
  });

  router.post('/', async (req, res) => {
    const input = parseOrThrow(planBody, req.body ?? {});
    const plan = await plans.create(input);
    res.status(201).location(`${publicUrl}/api/v1/admin/plans/${plan.id}`).json(presentPlan(plan));
  });

  router.put('/:id', async (req, res) => {
    const { id } = parseOrThrow(planIdParams, req.params);
    const input = parseOrThrow(planBody, req.body ?? {});
    res.json(presentPlan(await plans.replace(id, input)));
  });

  router.patch('/:id', async (req, res) => {
    const { id } = parseOrThrow(planIdParams, req.params);
    const patch = parseOrThrow(planPatchBody, req.body ?? {});
    res.json(presentPlan(await plans.patch(id, patch)));
  });

  router.delete('/:id', async (req, res) => {
    const { id } = parseOrThrow(planIdParams, req.params);
    await plans.delete(id);
    res.status(204).end();
  });

  return router;
}
