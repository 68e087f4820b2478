/** Admin view of the job queue: list by state, look at one, retry a dead one, cancel a waiting one. */
import { Router } from 'express';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../errors';
import { JOB_KINDS } from '../../jobs/job-kinds';
import type { JobQueue } from '../../jobs/job-queue';
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

export function adminJobsRouter(jobs: JobQueue): Router {
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
    const job = await jobs.get(id);
    if (!job) throw new NotFoundError('job', id);
    if (!(await jobs.retry(id)))
      throw new ConflictError(`Job ${id} is ${job.state}; only dead or cancelled jobs can be retried.`, undefined, 'job_not_retryable');
    res.json(presentJob((await jobs.get(id)) ?? job));
  });

  router.post('/:id/cancel', async (req, res) => {
    const { id } = parseOrThrow(idParams, req.params);
    const job = await jobs.get(id);
    if (!job) throw new NotFoundError('job', id);
    if (!(await jobs.cancel(id)))
      throw new ConflictError(`Job ${id} is ${job.state}; only waiting jobs can be cancelled.`, undefined, 'job_not_cancellable');
    res.json(presentJob((await jobs.get(id)) ?? job));
  });

  return router;
}
