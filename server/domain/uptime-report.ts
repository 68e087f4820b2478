/**
 * What a customer (and the panel) is told about one service's availability: uptime windows, calendar months with
 * their SLA verdict and credit, 90 daily bars and the incidents. Built by services/uptime-reports.ts from the
 * stored incidents with the pure arithmetic in domain/availability.ts; presenters choose what goes out.
 */

/**
 * Why a service was not up. `ha_restart`: it died with its host and the engine restarted it on another host;
 * `host_failure`: it died with its host and has not (yet) been restarted elsewhere; `crash`: the VM process died on a
 * healthy host; `planned`: stopped, suspended or changed by the panel or by us; `customer`: shut down from inside the
 * guest; `maintenance`: moved away from a host going to maintenance (no downtime when live migration works);
 * `unknown`: the bridge cannot tell (events lost or purged by the engine).
 */
export type AvailabilityCause = 'ha_restart' | 'host_failure' | 'crash' | 'planned' | 'customer' | 'maintenance' | 'unknown';

/** How an incident's seconds count for the SLA: against us, unknown, or excluded (planned or customer-caused). */
export type TimeClass = 'down' | 'unknown' | 'excluded';

export const CAUSE_CLASS: Readonly<Record<AvailabilityCause, TimeClass>> = {
  ha_restart: 'down',
  host_failure: 'down',
  crash: 'down',
  planned: 'excluded',
  customer: 'excluded',
  maintenance: 'excluded',
  unknown: 'unknown',
};

export interface IncidentStep {
  at: Date;
  /** One line a customer understands, e.g. "Host host2 stopped responding". */
  text: string;
}

export interface Incident {
  id: number;
  cause: AvailabilityCause;
  timeClass: TimeClass;
  startedAt: Date;
  /** Null while it lasts. */
  endedAt: Date | null;
  /** Seconds not up (to the report's time when still open); 0 for a live migration. */
  durationSeconds: number;
  failedHost: string | null;
  restartHost: string | null;
  /** One sentence: "Host host2 failed at 03:12:04; your VPS was restarted on host3 at 03:14:37; down 2 min 33 s". */
  summary: string;
  steps: IncidentStep[];
}

/** Seconds of one period, split by class. `measured` is the part of the period the service was active. */
export interface SecondsBreakdown {
  measuredSeconds: number;
  downSeconds: number;
  unknownSeconds: number;
  excludedSeconds: number;
  /**
   * SLA uptime in percent: (measured − excluded − down − unknown if it counts as down) / (measured − excluded −
   * unknown if it does not count). Null when nothing of the period was measured.
   */
  uptimePercent: number | null;
}

export type WindowName = '24h' | '7d' | '30d' | '90d';

export interface UptimeWindow extends SecondsBreakdown {
  window: WindowName;
  from: Date;
  to: Date;
}

export interface MonthSla {
  targetPercent: number;
  /** Met so far (a month in progress can still be missed). Null when nothing was measured. */
  met: boolean | null;
  /** Credit owed in percent of the month's fee (0 when met). */
  creditPercent: number;
  /** False while the month is still running. */
  complete: boolean;
}

export interface UptimeMonth extends SecondsBreakdown {
  /** `YYYY-MM` in the plan's time zone. */
  month: string;
  from: Date;
  to: Date;
  sla: MonthSla;
}

export interface UptimeDay extends SecondsBreakdown {
  /** `YYYY-MM-DD` in the plan's time zone. */
  date: string;
  from: Date;
  to: Date;
  /** Incidents that touch this day. */
  incidents: number;
}

export interface ServiceUptimeReport {
  serviceId: string;
  clientId: string;
  hostname: string | null;
  /** The service's actual state (`active`, `suspended`, …). */
  state: string;
  /** What the engine last told us of the VM: `up`, `down`, `unknown`, … or null before it exists. */
  vmStatus: string | null;
  vm: { name: string | null; host: string | null } | null;
  plan: { productId: string; name: string; slaTargetPercent: number; timeZone: string; unknownCountsAsDown: boolean };
  /** When the VPS first ran; null while it never has. Nothing before it counts. */
  activeSince: Date | null;
  generatedAt: Date;
  windows: UptimeWindow[];
  /** Calendar months since activation, newest first (at most 12). */
  months: UptimeMonth[];
  currentMonth: UptimeMonth;
  /** The last 90 days, oldest first, today last. */
  days: UptimeDay[];
  /** Newest first. */
  incidents: Incident[];
  /** When the bridge last read the engine's events (null before the first read): how fresh the figures are. */
  eventsReadAt: Date | null;
}
