/**
 * The admin's failover history, pure: the incidents of services that died with a host, grouped
 * into host failures — the post-mortem a provider writes after one: which host, when, which services it took down,
 * in which order the engine restarted them (HA priority first, docs/ovirt-api.md §13.4) and how long each took.
 *
 * One failure is one host and one outage: its VMs' incidents start at the host's first sign of trouble, so they share
 * a start; incidents of the same host that start within GROUP_MS of the failure's first are the same failure.
 */
import type { AvailabilityCause } from './uptime-report';

/** Causes that mean "died with its host" (contact lost: the host went silent but its VMs kept running). */
export const HOST_FAILURE_CAUSES: readonly AvailabilityCause[] = ['ha_restart', 'host_failure', 'waiting_for_room', 'host_contact_lost'];

/** Incidents of one host that start this close together belong to one failure. */
export const GROUP_MS = 10 * 60_000;

export interface FailureIncident {
  serviceRowId: number;
  cause: AvailabilityCause;
  failedHost: string;
  restartHost: string | null;
  /** Epoch ms. */
  startedAt: number;
  endedAt: number | null;
}

export interface AffectedService {
  serviceRowId: number;
  cause: AvailabilityCause;
  /** The plan's HA priority (0–100; higher restarts first); null when the plan is gone. */
  priority: number | null;
  restartHost: string | null;
  /** When it ran again; null while it is still down. */
  restartedAt: number | null;
  /** Seconds from the failure to running again (to now while down). */
  secondsToRestart: number;
  /** 1 for the first restarted; null while down. */
  restartRank: number | null;
}

export interface HostFailure {
  host: string;
  startedAt: number;
  /** When the last of its services ran again; null while one is still down. */
  endedAt: number | null;
  services: AffectedService[];
  /** Restarted services a lower-priority service came back before (the engine's order was not kept). */
  outOfOrder: number;
  /** Seconds from the failure to the first and the last restart (null when none restarted yet). */
  firstRestartSeconds: number | null;
  lastRestartSeconds: number | null;
  stillDown: number;
}

/**
 * Groups incidents into failures, newest failure first. Within one, services are listed in restart order (those still
 * down last, highest priority first).
 */
export function groupHostFailures(
  incidents: readonly FailureIncident[],
  priorityOf: (serviceRowId: number) => number | null,
  now: number,
): HostFailure[] {
  const sorted = [...incidents].sort((a, b) => a.failedHost.localeCompare(b.failedHost) || a.startedAt - b.startedAt);
  const groups: FailureIncident[][] = [];
  for (const i of sorted) {
    const last = groups[groups.length - 1];
    const head = last?.[0];
    if (last && head && head.failedHost === i.failedHost && i.startedAt - head.startedAt <= GROUP_MS) last.push(i);
    else groups.push([i]);
  }
  return groups.map((g) => failureOf(g, priorityOf, now)).sort((a, b) => b.startedAt - a.startedAt || a.host.localeCompare(b.host));
}

function failureOf(group: FailureIncident[], priorityOf: (serviceRowId: number) => number | null, now: number): HostFailure {
  const startedAt = Math.min(...group.map((i) => i.startedAt));
  // One service, one line: a service with two incidents in one failure (unknown, then confirmed) keeps its last.
  const byService = new Map<number, FailureIncident>();
  for (const i of group) {
    const seen = byService.get(i.serviceRowId);
    if (!seen || i.startedAt >= seen.startedAt) byService.set(i.serviceRowId, i);
  }
  const services: AffectedService[] = [...byService.values()].map((i) => ({
    serviceRowId: i.serviceRowId,
    cause: i.cause,
    priority: priorityOf(i.serviceRowId),
    restartHost: i.restartHost,
    restartedAt: i.endedAt,
    secondsToRestart: Math.max(0, Math.round(((i.endedAt ?? now) - startedAt) / 1000)),
    restartRank: null,
  }));
  services.sort((a, b) => {
    if (a.restartedAt !== null && b.restartedAt !== null) return a.restartedAt - b.restartedAt || (b.priority ?? -1) - (a.priority ?? -1);
    if (a.restartedAt !== null) return -1;
    if (b.restartedAt !== null) return 1;
    return (b.priority ?? -1) - (a.priority ?? -1) || a.serviceRowId - b.serviceRowId;
  });
  let rank = 0;
  let outOfOrder = 0;
  const restarted = services.filter((s) => s.restartedAt !== null);
  for (const s of restarted) s.restartRank = ++rank;
  // A service counts as out of order when one restarted before it had a lower priority (ties share a slot).
  for (let k = 0; k < restarted.length; k++) {
    const mine = restarted[k]?.priority ?? null;
    if (
      mine !== null &&
      restarted.slice(0, k).some((e) => e.priority !== null && e.priority < mine && (e.restartedAt ?? 0) < (restarted[k]?.restartedAt ?? 0))
    )
      outOfOrder++;
  }
  const stillDown = services.length - restarted.length;
  const first = restarted[0];
  const last = restarted[restarted.length - 1];
  return {
    host: group[0]?.failedHost ?? '?',
    startedAt,
    endedAt: stillDown > 0 || !last ? null : last.restartedAt,
    services,
    outOfOrder,
    firstRestartSeconds: first ? first.secondsToRestart : null,
    lastRestartSeconds: last ? last.secondsToRestart : null,
    stillDown,
  };
}
