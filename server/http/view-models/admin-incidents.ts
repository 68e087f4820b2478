/**
 * `/admin/incidents`: the provider's failover history. One card per host failure: when and which host, how long until
 * the first and the last of its services ran again, and a table of those services in the order the engine restarted
 * them with their HA priority, where each came back and after how long — and a word when that order was not the
 * priorities' (a lower priority came back first). Host names are shown: this is the admins' page.
 */
import { formatDuration } from '../presenters/time-words';
import type { HostFailure } from '../../domain/host-failures';
import type { HostFailureHistory } from '../../use-cases/host-failures';
import { utc } from './admin-services';

export const DAY_CHOICES = [7, 30, 90] as const;

const CAUSE_WORDS: Record<string, string> = {
  ha_restart: 'restarted elsewhere',
  host_failure: 'down with its host',
  waiting_for_room: 'waiting for room',
  host_contact_lost: 'kept running (contact lost)',
};

function priorityLabel(p: number | null): string {
  if (p === null) return 'plan deleted';
  // The oVirt UI's bands (docs/ovirt-api.md §8.1): 0–25 Low, 26–74 Medium, 75–100 High.
  return `${p} (${p >= 75 ? 'High' : p >= 26 ? 'Medium' : 'Low'})`;
}

function presentFailure(f: HostFailure, h: HostFailureHistory) {
  const serviceOf = (id: number) => h.services.get(id);
  const restarted = f.services.length - f.stillDown;
  const summary = [
    `${f.services.length} ${f.services.length === 1 ? 'service' : 'services'} affected`,
    f.firstRestartSeconds === null ? 'none running again yet' : `first running again after ${formatDuration(f.firstRestartSeconds)}`,
    f.lastRestartSeconds !== null && restarted > 1 ? `last after ${formatDuration(f.lastRestartSeconds)}` : null,
    f.stillDown > 0 ? `${f.stillDown} still down` : null,
  ].filter(Boolean);
  return {
    host: f.host,
    started: utc(new Date(f.startedAt)),
    ongoing: f.endedAt === null,
    summary: summary.join('; '),
    order:
      f.outOfOrder > 0
        ? {
            tone: 'warn',
            text:
              `${f.outOfOrder} ${f.outOfOrder === 1 ? 'service' : 'services'} came back after one of lower HA priority: ` +
              "check the hosts' free memory and the priorities.",
          }
        : { tone: 'ok', text: restarted > 1 ? 'Restarted in HA priority order.' : null },
    services: f.services.map((s) => {
      const svc = serviceOf(s.serviceRowId);
      return {
        rank: s.restartRank ?? '—',
        billingServiceId: svc?.billingServiceId ?? `#${s.serviceRowId}`,
        href: svc ? `/admin/services/${encodeURIComponent(svc.billingServiceId)}` : null,
        hostname: svc?.hostname ?? '',
        priority: priorityLabel(s.priority),
        outcome: CAUSE_WORDS[s.cause] ?? s.cause.replace(/_/g, ' '),
        down: s.restartedAt === null,
        restartHost: s.restartHost ?? '—',
        restartedAt: s.restartedAt === null ? 'still down' : utc(new Date(s.restartedAt)),
        toRestart: `${formatDuration(s.secondsToRestart)}${s.restartedAt === null ? ' so far' : ''}`,
      };
    }),
  };
}

export function presentHostFailures(h: HostFailureHistory) {
  return {
    title: 'Incidents',
    nav: 'incidents',
    days: h.days,
    choices: DAY_CHOICES.map((d) => ({ days: d, href: `/admin/incidents?days=${d}`, current: d === h.days })),
    failures: h.failures.map((f) => presentFailure(f, h)),
    hasFailures: h.failures.length > 0,
    generated: utc(h.now),
  };
}
