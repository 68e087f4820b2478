/**
 * What an admin does to one job, from the JSON admin API or the console alike: retry a dead or cancelled one (fresh
 * attempts, due now, and the worker is woken so it runs at once rather than at the next poll), cancel a waiting one,
 * discard a dead one. 404 for an unknown job, 409 when the job's state does not allow the action.
 */
import { ConflictError, NotFoundError } from '../errors';
import type { Job, JobQueue } from '../jobs/job-queue';

export class JobControls {
  constructor(private readonly d: { jobs: JobQueue; onQueued: () => void }) {}

  async retry(id: number): Promise<Job> {
    const job = await this.found(id);
    if (!(await this.d.jobs.retry(id)))
      throw new ConflictError(`Job ${id} is ${job.state}; only dead or cancelled jobs can be retried.`, undefined, 'job_not_retryable');
    this.d.onQueued();
    return (await this.d.jobs.get(id)) ?? job;
  }

  async cancel(id: number): Promise<Job> {
    const job = await this.found(id);
    if (!(await this.d.jobs.cancel(id)))
      throw new ConflictError(`Job ${id} is ${job.state}; only waiting jobs can be cancelled.`, undefined, 'job_not_cancellable');
    return (await this.d.jobs.get(id)) ?? job;
  }

  async discard(id: number): Promise<Job> {
    const job = await this.found(id);
    if (!(await this.d.jobs.discard(id)))
      throw new ConflictError(`Job ${id} is ${job.state}; only dead jobs can be discarded.`, undefined, 'job_not_discardable');
    return (await this.d.jobs.get(id)) ?? job;
  }

  private async found(id: number): Promise<Job> {
    const job = await this.d.jobs.get(id);
    if (!job) throw new NotFoundError('job', id);
    return job;
  }
}
