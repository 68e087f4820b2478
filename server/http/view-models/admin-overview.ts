/** The console's overview page: counts that say where to look, and the last week's incidents with their hosts. */
import { incidentSeconds } from '../../domain/incident-report';
import { incidentSummary } from '../presenters/incident-text';
import { formatDuration } from '../presenters/time-words';
import { ACTUAL_STATES } from '../../domain/service';
import { defaultClass } from '../../domain/sla-rules';
import type { AdminOverview } from '../../use-cases/admin-overview';
import { presentWaitingForRoom } from './admin-waiting-for-room';

const STATE_TONE: Record<string, string> = {
  active: 'ok',
  failed: 'bad',
  vm_missing: 'bad',
  pending: 'neutral',
  provisioning: 'neutral',
  suspended: 'neutral',
  terminated: 'neutral',
};

/**
 * The banner for services whose VM is gone from the engine: nothing else on the page would say
 * that a customer has no VPS. Null when there is none.
 */
function vmMissingBanner(count: number) {
  if (count === 0) return null;
  return {
    text:
      `${count} ${count === 1 ? 'service has' : 'services have'} lost ${count === 1 ? 'its VM' : 'their VMs'}: ` +
      `gone from the engine though the bridge was not asked to remove ${count === 1 ? 'it' : 'them'}. ` +
      'The panel was told (service.failed, error vm_missing); its Create builds a new VPS, its Terminate ends the service.',
    href: '/admin/services?state=vm_missing',
  };
}

export function presentAdminOverview(o: AdminOverview) {
  const now = o.now.getTime();
  const ageSeconds = o.eventsReadAt ? Math.round((now - o.eventsReadAt.getTime()) / 1000) : null;
  return {
    title: 'Overview',
    nav: 'overview',
    services: ACTUAL_STATES.map((state) => {
      const count = o.services[state] ?? 0;
      // An active service whose VM waits for room is down, whatever its state says: say so on its tile.
      const down = state === 'active' ? o.waitingForRoom.length : 0;
      // Colour only what is there: an empty state is nothing to look at.
      const tone = down > 0 ? 'bad' : count > 0 ? (STATE_TONE[state] ?? 'warn') : 'neutral';
      return { state, count, tone, href: `/admin/services?state=${state}`, note: down > 0 ? `${down} down for lack of room` : null };
    }),
    waitingForRoom: presentWaitingForRoom(o.waitingForRoom, o.now),
    jobs: (['queued', 'running', 'dead'] as const).map((state) => ({
      state,
      count: o.jobs[state],
      tone: state === 'dead' && o.jobs.dead > 0 ? 'bad' : 'neutral',
      href: `/admin/jobs?state=${state}`,
    })),
    plans: o.plans,
    vmMissing: vmMissingBanner(o.services.vm_missing ?? 0),
    events:
      ageSeconds === null
        ? { text: 'The engine\u2019s events have not been read yet.', tone: 'warn' }
        : { text: `Engine events last read ${formatDuration(ageSeconds)} ago.`, tone: ageSeconds > 120 ? 'warn' : 'ok' },
    incidents: o.recentIncidents.map(({ incident, service }) => ({
      billingServiceId: service?.billingServiceId ?? '?',
      href: service ? `/admin/services/${encodeURIComponent(service.billingServiceId)}` : undefined,
      cause: incident.cause,
      countsAs: defaultClass(incident.cause),
      ongoing: incident.endedAt === null,
      started: new Date(incident.startedAt).toISOString().replace('T', ' ').slice(0, 19) + ' UTC',
      duration: formatDuration(incidentSeconds(incident, now)),
      summary: incidentSummary(incident, 'UTC', now),
    })),
    hasIncidents: o.recentIncidents.length > 0,
  };
}
