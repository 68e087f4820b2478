/** Admin view of the job queue: list by state, look at one, retry a dead one, cancel a waiting one. */
import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../errors';
import { JOB_KINDS } from '../../jobs/job-kinds';
import type { JobQueue } from '../../jobs/job-queue';
import type { JobControls } from '../../use-cases/job-controls';
import { parseOrThrow } from '../middleware/validate';
import { presentJob } from '../presenters/job';

const listQuery = z
  .object({
    state: z.enum(['queued', 'running', 'succeeded', 'dead', 'cancelled']).optional(),
    kind: z.enum(JOB_KINDS).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    before_id: z.coerce.number().int().positive().optional(),
  })
  .strict();
const idParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, 'must be a job id')
    .transform(Number),
});

export function adminJobsRouter(jobs: JobQueue, controls: JobControls): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const q = parseOrThrow(listQuery, req.query, 'query');
    const list = await jobs.list({ state: q.state, kind: q.kind, limit: q.limit, beforeId: q.before_id });
    res.json({ jobs: list.map(presentJob), counts: await jobs.countByState() });
  });

  router.get('/:id', async (req, res) => {
    const { id } = parseOrThrow(idParams, req.params);
    const job = await jobs.get(id);
    if (!job) throw new NotFoundError('job', id);
    res.json(presentJob(job));
  });

  router.post('/:id/retry', async (req, res) => {
    const { id } = parseOrThrow(idParams, req.params);
    res.json(presentJob(await controls.retry(id)));
  });

  router.post('/:id/cancel', async (req, res) => {
    const { id } = parseOrThrow(idParams, req.params);
    res.json(presentJob(await controls.cancel(id)));
  });

  return router;
}
