/**
 * The console's services pages: the searchable list, and one service with its VM, jobs, uptime and incidents (with
 * the hosts, which admins see and customers do not) and the engine's recent events for it.
 */
import { stepText } from '../presenters/incident-text';
import { formatDuration } from '../presenters/time-words';
import type { Plan } from '../../domain/plan';
import { ACTUAL_STATES, type Service } from '../../domain/service';
import type { ServiceUptimeReport, WindowName } from '../../domain/uptime-report';
import type { Job } from '../../jobs/job-queue';
import type { StoredEvent } from '../../repositories/engine-events';
import { formatMonthKey, formatPercent, formatPlainPercent, toneFor } from './client-area-format';

export const SERVICES_PER_PAGE = 50;

const STATE_TONE: Record<string, string> = { active: 'ok', failed: 'bad', vm_missing: 'bad' };
const JOB_TONE: Record<string, string> = { succeeded: 'ok', dead: 'bad', running: 'warn', queued: 'neutral', cancelled: 'neutral' };
const SEVERITY_TONE: Record<string, string> = { normal: 'neutral', warning: 'warn', error: 'bad', alert: 'bad' };
const WINDOW_LABEL: Record<WindowName, string> = {
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
};

const tone = (state: string) => STATE_TONE[state] ?? 'neutral';
const href = (billingServiceId: string) => `/admin/services/${encodeURIComponent(billingServiceId)}`;
const words = (s: string) => s.replace(/_/g, ' ');

/** `2026-11-03 03:12:04 UTC`: admins compare times across services and the engine's log, so one zone. */
export function utc(date: Date | null | undefined): string {
  return date ? `${date.toISOString().replace('T', ' ').slice(0, 19)} UTC` : '';
}

function clip(text: string | null, max = 140): string {
  if (!text) return '';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export interface ServiceListInput {
  items: Service[];
  total: number;
  page: number;
  q: string;
  state: string;
  plans: ReadonlyMap<number, Plan>;
}

export function presentServiceList({ items, total, page, q, state, plans }: ServiceListInput) {
  const pages = Math.max(1, Math.ceil(total / SERVICES_PER_PAGE));
  const link = (p: number) => {
    const params = new URLSearchParams();
    if (q) params.set('q', q);
    if (state) params.set('state', state);
    if (p > 1) params.set('page', String(p));
    const s = params.toString();
    return `/admin/services${s ? `?${s}` : ''}`;
  };
  const first = total === 0 ? 0 : (page - 1) * SERVICES_PER_PAGE + 1;
  return {
    title: 'Services',
    nav: 'services',
    q,
    states: [
      { value: '', label: 'Any state', selected: state === '' },
      ...ACTUAL_STATES.map((s) => ({ value: s, label: s, selected: s === state })),
    ],
    filtered: Boolean(q || state),
    total,
    range: total === 0 ? '' : `${first}–${first + items.length - 1} of ${total}`,
    services: items.map((s) => {
      const plan = plans.get(s.planId);
      return {
        billingServiceId: s.billingServiceId,
        href: href(s.billingServiceId),
        clientId: s.clientId,
        hostname: s.hostname ?? '',
        plan: plan?.name ?? `plan ${s.planId}`,
        productId: plan?.productId ?? '',
        desired: s.desiredState,
        actual: s.actualState,
        tone: tone(s.actualState),
        vmName: s.vmName ?? '',
        vmHost: s.vmHost ?? '',
        lastError: clip(s.lastError),
      };
    }),
    pager: pages > 1 ? { page, pages, prev: page > 1 ? link(page - 1) : null, next: page < pages ? link(page + 1) : null } : null,
  };
}

export interface ServicePageInput {
  service: Service;
  plan: Plan | undefined;
  jobs: Job[];
  events: StoredEvent[];
  report: ServiceUptimeReport | undefined;
  done?: string;
}

const DONE: Record<string, string> = {
  retry: 'Provisioning was queued again. The state changes here as the worker runs it; reload to follow it.',
};

function presentUptime(r: ServiceUptimeReport) {
  const target = r.plan.slaTargetPercent;
  const month = r.currentMonth;
  return {
    activeSince: r.activeSince ? utc(r.activeSince) : null,
    windows: r.windows.map((w) => ({
      label: WINDOW_LABEL[w.window],
      value: formatPercent(w.uptimePercent),
      tone: toneFor(w.uptimePercent, target),
      down: w.downSeconds > 0 ? `${formatDuration(w.downSeconds)} down` : 'no downtime',
    })),
    month: {
      label: formatMonthKey(month.month),
      uptime: formatPercent(month.uptimePercent),
      target: formatPlainPercent(target),
      verdict: month.sla.met === null ? 'not measured' : month.sla.met ? (month.sla.complete ? 'met' : 'met so far') : 'missed',
      tone: month.sla.met === null ? 'neutral' : month.sla.met ? 'ok' : 'bad',
      credit: month.sla.creditPercent > 0 ? `${formatPlainPercent(month.sla.creditPercent)} credit owed` : 'no credit owed',
    },
    incidents: r.incidents.map((i) => ({
      cause: words(i.cause),
      countsAs: i.timeClass,
      started: utc(i.startedAt),
      ongoing: i.endedAt === null,
      duration: formatDuration(i.durationSeconds),
      hosts: i.failedHost
        ? i.restartHost && i.restartHost !== i.failedHost
          ? `${i.failedHost} → ${i.restartHost}`
          : i.failedHost
        : (i.restartHost ?? ''),
      summary: i.summary,
      steps: i.steps.map((s) => ({ at: utc(s.at), text: stepText(s) })),
    })),
  };
}

export function presentServicePage({ service: s, plan, jobs, events, report, done }: ServicePageInput) {
  const cancellation = s.cancellationType ? `${words(s.cancellationType)}, requested ${utc(s.cancellationRequestedAt)}` : 'none';
  return {
    title: `Service ${s.billingServiceId}`,
    nav: 'services',
    billingServiceId: s.billingServiceId,
    hostname: s.hostname,
    clientId: s.clientId,
    actual: s.actualState,
    tone: tone(s.actualState),
    done: done ? DONE[done] : undefined,
    canRetry: s.actualState === 'failed',
    retryAction: `${href(s.billingServiceId)}/retry`,
    lastError: s.lastError,
    facts: [
      { label: 'Billing service id', value: s.billingServiceId },
      { label: 'Client id', value: s.clientId },
      { label: 'Hostname', value: s.hostname ?? '—' },
      { label: 'Plan', value: plan ? `${plan.name} (product ${plan.productId}, cluster ${plan.cluster})` : `plan ${s.planId} (deleted)` },
      { label: 'Desired state', value: s.desiredState },
      { label: 'Actual state', value: s.actualState },
      { label: 'VM id', value: s.vmId ?? '—' },
      { label: 'VM name', value: s.vmName ?? '—' },
      { label: 'VM host', value: s.vmHost ?? '—' },
      { label: 'Cancellation', value: cancellation },
      { label: 'Created', value: utc(s.createdAt) },
      { label: 'Updated', value: utc(s.updatedAt) },
      { label: 'First ran', value: s.activatedAt ? utc(s.activatedAt) : 'never' },
      { label: 'Last panel event', value: s.lastEventAt ? utc(s.lastEventAt) : '—' },
    ],
    uptime: report ? presentUptime(report) : null,
    jobs: jobs.map((j) => ({
      id: j.id,
      href: `/admin/jobs/${j.id}`,
      kind: j.kind,
      state: j.state,
      tone: JOB_TONE[j.state] ?? 'neutral',
      attempts: `${j.attempts} of ${j.maxAttempts}`,
      lastError: clip(j.lastError, 200),
      created: utc(j.createdAt),
      updated: utc(j.updatedAt),
    })),
    events: events.map((e) => ({
      at: utc(e.occurredAt),
      code: e.code,
      severity: e.severity,
      tone: SEVERITY_TONE[e.severity] ?? 'neutral',
      host: e.hostName ?? '',
      description: e.description,
    })),
  };
}
