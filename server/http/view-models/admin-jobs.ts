/** The console's job pages: the queue by state with counts, one job with every field, and what can be done to it. */
import { formatDuration } from '../presenters/time-words';
import type { Service } from '../../domain/service';
import { JOB_KINDS } from '../../jobs/job-kinds';
import type { Job, JobState } from '../../jobs/job-queue';

export const JOB_STATES: readonly JobState[] = ['queued', 'running', 'dead', 'succeeded', 'cancelled'];

const STATE_TONE: Record<JobState, string> = { queued: 'neutral', running: 'info', dead: 'bad', succeeded: 'ok', cancelled: 'neutral' };
const ERROR_PREVIEW = 140;

const DONE: Record<string, (id: string) => string> = {
  retried: (id) => `Job ${id} is queued again with fresh attempts.`,
  discarded: (id) => `Job ${id} was discarded; it is cancelled and no longer listed as dead.`,
};

export interface JobListFilter {
  state?: JobState;
  kind?: string;
  beforeId?: number;
}

export function formatTime(d: Date): string {
  return `${d.toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}

function relative(d: Date, now: Date): string {
  const seconds = Math.round((d.getTime() - now.getTime()) / 1000);
  if (Math.abs(seconds) < 1) return 'now';
  return seconds > 0 ? `in ${formatDuration(seconds)}` : `${formatDuration(-seconds)} ago`;
}

function time(d: Date | null, now: Date) {
  // `short` is for table cells whose column header says UTC.
  return d ? { iso: d.toISOString(), text: formatTime(d), short: formatTime(d).slice(0, -4), relative: relative(d, now) } : undefined;
}

/** The link to a job's service: jobs keep the services row id, admins know the billing service id. */
function serviceLink(job: Job, services: Map<number, Service>) {
  if (job.serviceRowId === null) return undefined;
  const s = services.get(job.serviceRowId);
  return s
    ? { text: s.billingServiceId, href: `/admin/services/${encodeURIComponent(s.billingServiceId)}`, hostname: s.hostname ?? undefined }
    : { text: `row ${job.serviceRowId} (no longer exists)`, href: undefined, hostname: undefined };
}

function listHref(filter: JobListFilter): string {
  const q = new URLSearchParams();
  if (filter.state) q.set('state', filter.state);
  if (filter.kind) q.set('kind', filter.kind);
  if (filter.beforeId !== undefined) q.set('before_id', String(filter.beforeId));
  const s = q.toString();
  return s ? `/admin/jobs?${s}` : '/admin/jobs';
}

function flashOf(done: { what?: unknown; job?: unknown }): string | undefined {
  const say = typeof done.what === 'string' ? DONE[done.what] : undefined;
  return say && typeof done.job === 'string' && /^\d{1,16}$/.test(done.job) ? say(done.job) : undefined;
}

export function presentAdminJobs(input: {
  jobs: Job[];
  counts: Record<JobState, number>;
  services: Map<number, Service>;
  filter: JobListFilter;
  limit: number;
  now: Date;
  done: { what?: unknown; job?: unknown };
}) {
  const { jobs, counts, filter, now } = input;
  const total = JOB_STATES.reduce((n, s) => n + counts[s], 0);
  const here = listHref(filter);
  const last = jobs[jobs.length - 1];
  const kinds: string[] = [...JOB_KINDS];
  if (filter.kind && !kinds.includes(filter.kind)) kinds.push(filter.kind);
  const stateWord = filter.state ? `${filter.state} ` : '';
  const pager = {
    newestHref: filter.beforeId !== undefined ? listHref({ state: filter.state, kind: filter.kind }) : undefined,
    // A full page may have more behind it; the next page starts below its last (oldest) id.
    olderHref: last && jobs.length >= input.limit ? listHref({ state: filter.state, kind: filter.kind, beforeId: last.id }) : undefined,
  };
  return {
    title: filter.state ? `Jobs: ${filter.state}` : 'Jobs',
    nav: 'jobs',
    flash: flashOf(input.done),
    tabs: [
      { label: 'All', count: total, href: listHref({ kind: filter.kind }), current: !filter.state, tone: 'neutral' },
      ...JOB_STATES.map((state) => ({
        label: state,
        count: counts[state],
        href: listHref({ state, kind: filter.kind }),
        current: filter.state === state,
        tone: state === 'dead' && counts.dead > 0 ? 'bad' : 'neutral',
      })),
    ],
    state: filter.state,
    kinds: [
      { value: '', label: 'All kinds', selected: !filter.kind },
      ...kinds.map((k) => ({ value: k, label: k, selected: k === filter.kind })),
    ],
    kind: filter.kind,
    caption: `${stateWord}jobs${filter.kind ? ` of kind ${filter.kind}` : ''}, newest first`,
    hasJobs: jobs.length > 0,
    empty: filter.beforeId !== undefined ? 'No older jobs.' : `No ${stateWord}jobs${filter.kind ? ` of kind ${filter.kind}` : ''}.`,
    returnTo: here,
    jobs: jobs.map((job) => {
      const error = job.lastError ?? '';
      return {
        id: job.id,
        href: `/admin/jobs/${job.id}`,
        kind: job.kind,
        state: job.state,
        tone: STATE_TONE[job.state],
        service: serviceLink(job, input.services),
        attempts: `${job.attempts} / ${job.maxAttempts}`,
        runAfter: time(job.runAfter, now),
        updated: time(job.updatedAt, now),
        error: error.length > ERROR_PREVIEW ? `${error.slice(0, ERROR_PREVIEW)}\u2026` : error,
        canRetry: job.state === 'dead' || job.state === 'cancelled',
        canDiscard: job.state === 'dead',
      };
    }),
    ...pager,
    pager: pager.newestHref !== undefined || pager.olderHref !== undefined,
  };
}

export function presentAdminJob(input: {
  job: Job;
  service: Service | undefined;
  now: Date;
  done: { what?: unknown; job?: unknown };
  error?: string;
}) {
  const { job, now } = input;
  const services = new Map<number, Service>(input.service && job.serviceRowId !== null ? [[job.serviceRowId, input.service]] : []);
  return {
    title: `Job ${job.id}`,
    nav: 'jobs',
    flash: flashOf(input.done),
    error: input.error,
    id: job.id,
    kind: job.kind,
    state: job.state,
    tone: STATE_TONE[job.state],
    service: serviceLink(job, services),
    serviceRowId: job.serviceRowId,
    attempts: `${job.attempts} of ${job.maxAttempts}`,
    runAfter: time(job.runAfter, now),
    lease: job.state === 'running' && job.leaseOwner ? { owner: job.leaseOwner, expires: time(job.leaseExpiresAt, now) } : undefined,
    created: time(job.createdAt, now),
    updated: time(job.updatedAt, now),
    finished: time(job.finishedAt, now),
    payload: JSON.stringify(job.payload, null, 2),
    lastError: job.lastError ?? undefined,
    canRetry: job.state === 'dead' || job.state === 'cancelled',
    canDiscard: job.state === 'dead',
    returnTo: `/admin/jobs/${job.id}`,
    listHref: listHref({ state: job.state }),
  };
}
