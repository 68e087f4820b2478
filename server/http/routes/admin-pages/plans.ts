/**
 * Admin console pages for plans: list, create, edit and delete (after a confirmation page). The form is validated by
 * the JSON API's own schema and PlanService, so a plan the console accepts is one the API accepts, and the reverse.
 */
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../../container';
import { ConflictError, NotFoundError, ValidationError } from '../../../errors';
import { OvirtError } from '../../../ovirt';
import {
  type EngineChoices,
  type FormProblem,
  type PlanFormValues,
  presentAdminPlans,
  presentPlanDelete,
  presentPlanForm,
} from '../../view-models/admin-plans';
import { planIdParams } from '../admin-plans.schema';
import { formProblems, parsePlanForm, planFormDefaults, planFormFromBody, planFormFromPlan } from './plan-form';

/** A form page should not hang on a slow engine: after this long it falls back to typed names. */
const ENGINE_READ_MS = 4000;

class EngineSlowError extends Error {}

const uniqueSorted = (names: string[]) => [...new Set(names)].sort((a, b) => a.localeCompare(b));

/** Templates and clusters as the engine lists them; never throws, an unreadable engine becomes a warning instead. */
async function engineChoices(c: Container): Promise<EngineChoices> {
  const ovirt = c.ovirt;
  if (!ovirt) return { problem: 'No oVirt engine is configured (OVIRT_URL is not set), so type the template and cluster names by hand.' };
  let timer: NodeJS.Timeout | undefined;
  try {
    const slow = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new EngineSlowError()), ENGINE_READ_MS);
    });
    const [templates, clusters] = await Promise.race([Promise.all([ovirt.listTemplates(), ovirt.listClusters()]), slow]);
    return { templates: uniqueSorted(templates.map((t) => t.name)), clusters: uniqueSorted(clusters.map((cl) => cl.name)) };
  } catch (err) {
    const why =
      err instanceof EngineSlowError
        ? `it did not answer within ${ENGINE_READ_MS / 1000} s`
        : err instanceof OvirtError
          ? err.publicDetail
          : 'an unexpected error, see the log';
    c.logger.warn({ err }, 'plan form: the engine\u2019s templates and clusters could not be read');
    return { problem: `The engine\u2019s templates and clusters could not be read (${why}), so type their names by hand.` };
  } finally {
    clearTimeout(timer);
  }
}

/** A plan id from the path; anything that is not one is a page that does not exist. */
function planIdOf(req: Request): number {
  const parsed = planIdParams.safeParse(req.params);
  if (!parsed.success) throw new NotFoundError('plan', String(req.params.id ?? ''));
  return parsed.data.id;
}

/** The form's problems from a refused save: field errors beside their inputs, anything else at the top. */
function refusal(err: ValidationError | ConflictError, values: PlanFormValues): { problems: FormProblem[]; formError?: string } {
  if (err instanceof ValidationError) return { problems: formProblems(err.problems, values) };
  if (err.code === 'duplicate_product_id') return { problems: [{ field: 'product_id', input: 'product_id', message: err.message }] };
  return { problems: [], formError: err.message };
}

export function adminPlanPages(c: Container): Router {
  const router = Router();

  const renderForm = async (
    res: Response,
    status: number,
    form: { planId?: number; planName?: string; values: PlanFormValues; problems?: FormProblem[]; formError?: string },
  ) => {
    const engine = await engineChoices(c);
    res.status(status).render('admin/plan-form', presentPlanForm({ ...form, problems: form.problems ?? [], engine }));
  };

  /** Saves the posted form with `save`; a refusal re-renders the form with what was typed and why (400 or 409). */
  const saveFrom = async (
    req: Request,
    res: Response,
    save: (values: PlanFormValues) => Promise<string>,
    form: { planId?: number; planName?: string },
  ) => {
    const values = planFormFromBody(req.body);
    try {
      res.redirect(303, await save(values));
    } catch (err) {
      if (!(err instanceof ValidationError || err instanceof ConflictError)) throw err;
      await renderForm(res, err.status, { ...form, values, ...refusal(err, values) });
    }
  };

  router.get('/', async (req, res) => {
    res.render('admin/plans', presentAdminPlans(await c.plans.list(), { what: req.query.done, plan: req.query.plan }));
  });

  router.get('/new', async (_req, res) => {
    await renderForm(res, 200, { values: planFormDefaults() });
  });

  router.post('/', async (req, res) => {
    await saveFrom(
      req,
      res,
      async (values) => {
        const plan = await c.plans.create(parsePlanForm(values));
        return `/admin/plans?done=created&plan=${plan.id}`;
      },
      {},
    );
  });

  router.get('/:id/edit', async (req, res) => {
    const plan = await c.plans.get(planIdOf(req));
    await renderForm(res, 200, { planId: plan.id, planName: plan.name, values: planFormFromPlan(plan) });
  });

  router.post('/:id', async (req, res) => {
    const current = await c.plans.get(planIdOf(req));
    await saveFrom(
      req,
      res,
      async (values) => {
        const plan = await c.plans.replace(current.id, parsePlanForm(values));
        return `/admin/plans?done=saved&plan=${plan.id}`;
      },
      { planId: current.id, planName: current.name },
    );
  });

  router.get('/:id/delete', async (req, res) => {
    const plan = await c.plans.get(planIdOf(req));
    res.render('admin/plan-delete', presentPlanDelete(plan, await c.repos.services.countByPlan(plan.id)));
  });

  router.post('/:id/delete', async (req, res) => {
    const plan = await c.plans.get(planIdOf(req));
    try {
      await c.plans.delete(plan.id);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      res.status(409).render('admin/plan-delete', presentPlanDelete(plan, await c.repos.services.countByPlan(plan.id), err.message));
      return;
    }
    res.redirect(303, `/admin/plans?done=deleted&plan=${plan.id}`);
  });

  return router;
}
