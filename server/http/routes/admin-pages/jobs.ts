/**
 * Admin console pages for the job queue: the list by state and kind (newest first, "older" pages by id), one job with
 * its full error, and the two things an admin does about a dead job: retry it, or discard it.
 */
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Container } from '../../../container';
import { ConflictError, NotFoundError } from '../../../errors';
import type { Job } from '../../../jobs/job-queue';
import { parseOrThrow } from '../../middleware/validate';
import { JOB_STATES, presentAdminJob, presentAdminJobs } from '../../view-models/admin-jobs';

const PAGE_SIZE = 50;

// A filter link or the kind <select> may send an empty value for "all".
const blankless = (v: unknown) => (v === '' ? undefined : v);
const listQuery = z.object({
  state: z.preprocess(
    blankless,
    z.enum(JOB_STATES as [string, ...string[]], { message: `must be one of ${JOB_STATES.join(', ')}` }).optional(),
  ),
  kind: z.preprocess(
    blankless,
    z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a job kind such as reconcile')
      .optional(),
  ),
  before_id: z.preprocess(blankless, z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional()),
});

/** Only a page of this console's job list or a job page is returned to after an action (no open redirect). */
function returnTo(body: unknown, fallback: string): string {
  const v = (body as Record<string, unknown> | undefined)?.return_to;
  return typeof v === 'string' && /^\/admin\/jobs(\/\d{1,16})?(\?[A-Za-z0-9_=&%.-]*)?$/.test(v) ? v : fallback;
}

function withDone(path: string, what: string, id: number): string {
  const url = new URL(path, 'http://console.invalid');
  url.searchParams.set('done', what);
  url.searchParams.set('job', String(id));
  return `${url.pathname}${url.search}`;
}

export function adminJobPages(c: Container): Router {
  const router = Router();

  const jobOf = async (req: Request): Promise<Job> => {
    const raw = String(req.params.id ?? '');
    const job = /^[1-9]\d{0,15}$/.test(raw) ? await c.jobs.get(Number(raw)) : undefined;
    if (!job) throw new NotFoundError('job', raw);
    return job;
  };

  const renderJob = async (
    res: Response,
    status: number,
    job: Job,
    extra: { done?: { what?: unknown; job?: unknown }; error?: string } = {},
  ) => {
    const service =
      job.serviceRowId === null ? undefined : (await c.repos.services.findManyByIds([job.serviceRowId])).get(job.serviceRowId);
    res
      .status(status)
      .render('admin/job', presentAdminJob({ job, service, now: c.clock.now(), done: extra.done ?? {}, error: extra.error }));
  };

  router.get('/', async (req, res) => {
    const q = parseOrThrow(listQuery, req.query, 'query');
    const filter = { state: q.state as Job['state'] | undefined, kind: q.kind, beforeId: q.before_id };
    const [jobs, counts] = await Promise.all([c.jobs.list({ ...filter, limit: PAGE_SIZE }), c.jobs.countByState()]);
    const serviceRowIds = [...new Set(jobs.map((j) => j.serviceRowId).filter((id): id is number => id !== null))];
    const services = await c.repos.services.findManyByIds(serviceRowIds);
    res.render(
      'admin/jobs',
      presentAdminJobs({
        jobs,
        counts,
        services,
        filter,
        limit: PAGE_SIZE,
        now: c.clock.now(),
        done: { what: req.query.done, job: req.query.job },
      }),
    );
  });

  router.get('/:id', async (req, res) => {
    await renderJob(res, 200, await jobOf(req), { done: { what: req.query.done, job: req.query.job } });
  });

  /** Runs the admin's action on the job; a refusal (409) shows on the job's page, success goes back where it was asked. */
  const act = (action: 'retry' | 'discard', done: string) => async (req: Request, res: Response) => {
    const job = await jobOf(req);
    try {
      await c.jobControls[action](job.id);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      await renderJob(res, err.status, (await c.jobs.get(job.id)) ?? job, { error: err.message });
      return;
    }
    res.redirect(303, withDone(returnTo(req.body, `/admin/jobs/${job.id}`), done, job.id));
  };

  router.post('/:id/retry', act('retry', 'retried'));
  router.post('/:id/discard', act('discard', 'discarded'));

  return router;
}
