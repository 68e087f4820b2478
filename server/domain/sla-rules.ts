/**
 * What counts against the SLA, pure: each incident's cause, the plan's rules and the
 * announced maintenance windows give the spans the availability arithmetic measures (domain/availability.ts) and the
 * class the customer is told.
 *
 * | cause                                   | counts as                                                          |
 * |-----------------------------------------|--------------------------------------------------------------------|
 * | ha_restart, host_failure, waiting_for_room, crash | down                                                     |
 * | host_contact_lost (kept running)        | up; down when the plan says `contact_loss_counts_as_down`          |
 * | planned (the panel's suspension or stop)| excluded                                                           |
 * | customer (from inside the guest)        | excluded                                                           |
 * | admin_stop (an admin, in the engine)    | excluded inside an announced window covering its cluster or host;  |
 * |                                         | elsewhere down, or excluded when the plan says                     |
 * |                                         | `unannounced_admin_stops_excluded`                                 |
 * | maintenance (live migration)            | excluded, zero-length                                              |
 * | unknown (record lost)                   | unknown (down or left out per `unknown_counts_as_down`)            |
 */
import { type ActiveWindow, measureMs, type Span } from './availability';
import { type MaintenancePlace, type MaintenanceWindow, scopeIncludes } from './maintenance-window';
import type { AvailabilityCause, IncidentClass, TimeClass } from './uptime-report';

export interface SlaRules {
  unknownCountsAsDown: boolean;
  /** A loss of contact with the host while the VPS kept running counts as downtime (default false). */
  contactLossCountsAsDown: boolean;
  /** An admin's stop outside any announced window is excluded rather than counted (default false). */
  unannouncedAdminStopsExcluded: boolean;
}

export interface IncidentFacts {
  cause: AvailabilityCause;
  startedAt: number;
  endedAt: number | null;
  /** The host the VPS was on when it stopped. */
  failedHost: string | null;
}

export interface IncidentCount {
  /** How the incident is told: the class of most of its time (`down` when any of it counts). */
  timeClass: IncidentClass;
  /** What the availability arithmetic measures; may overlap (excluded wins, see availability.ts). */
  spans: Span[];
  /** Seconds that count against the SLA (down, and unknown where it counts as down). */
  countedSeconds: number;
  /** The first announced window the incident fell in, for an admin's stop. */
  window: MaintenanceWindow | null;
}

const BY_CAUSE: Readonly<Record<Exclude<AvailabilityCause, 'host_contact_lost' | 'admin_stop'>, TimeClass>> = {
  ha_restart: 'down',
  host_failure: 'down',
  waiting_for_room: 'down',
  crash: 'down',
  planned: 'excluded',
  customer: 'excluded',
  maintenance: 'excluded',
  unknown: 'unknown',
  // Removed outside the bridge: the customer has no VPS and nobody asked for that.
  vm_missing: 'down',
};

/**
 * How one incident counts, to `now` while it lasts. `place.cluster` is the service's cluster; the host is the
 * incident's `failedHost` (where the VPS was stopped). Only windows not cancelled count.
 */
export function countIncident(
  i: IncidentFacts,
  now: number,
  rules: SlaRules,
  windows: readonly MaintenanceWindow[],
  cluster: string | null,
): IncidentCount {
  const start = i.startedAt;
  const end = Math.max(start, i.endedAt ?? now);
  const counted = (spans: Span[]) => {
    const ms = measureMs(spans, start, end, { from: start, to: end } satisfies ActiveWindow);
    return Math.round((ms.down + (rules.unknownCountsAsDown ? ms.unknown : 0)) / 1000);
  };
  if (i.cause === 'host_contact_lost') {
    if (!rules.contactLossCountsAsDown) return { timeClass: 'up', spans: [], countedSeconds: 0, window: null };
    const spans: Span[] = [{ start, end, cls: 'down' }];
    return { timeClass: 'down', spans, countedSeconds: counted(spans), window: null };
  }
  if (i.cause === 'admin_stop') {
    const base: TimeClass = rules.unannouncedAdminStopsExcluded ? 'excluded' : 'down';
    const spans: Span[] = [{ start, end, cls: base }];
    const place: MaintenancePlace = { cluster, host: i.failedHost };
    let window: MaintenanceWindow | null = null;
    for (const w of windows) {
      if (w.cancelledAt !== null || !scopeIncludes(w.scope, place)) continue;
      const a = Math.max(start, w.startsAt.getTime());
      const b = Math.min(end, w.endsAt.getTime());
      // A stop begun inside the window is announced, even when it is still under way at the instant it starts.
      if (b > a || (a === b && a === start && start >= w.startsAt.getTime() && start < w.endsAt.getTime())) {
        if (b > a) spans.push({ start: a, end: b, cls: 'excluded' });
        window ??= w;
      }
    }
    const seconds = counted(spans);
    const timeClass: IncidentClass = seconds > 0 ? 'down' : window || base === 'excluded' ? 'excluded' : 'down';
    return { timeClass, spans, countedSeconds: seconds, window };
  }
  const cls = BY_CAUSE[i.cause];
  const spans: Span[] = [{ start, end, cls }];
  return { timeClass: cls, spans, countedSeconds: cls === 'excluded' ? 0 : counted(spans), window: null };
}

/**
 * How a cause counts under the default rules and no maintenance window: what a console list without a plan at hand
 * shows (an admin's stop reads as down, the customer's report may still exclude it).
 */
export function defaultClass(cause: AvailabilityCause): IncidentClass {
  if (cause === 'host_contact_lost') return 'up';
  if (cause === 'admin_stop') return 'down';
  return BY_CAUSE[cause];
}

/** Whether any of the incidents needs the maintenance windows to be counted. */
export function needsWindows(incidents: ReadonlyArray<Pick<IncidentFacts, 'cause'>>): boolean {
  return incidents.some((i) => i.cause === 'admin_stop');
}
