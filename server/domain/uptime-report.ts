/**
 * What a customer (and the panel) is told about one service's availability: uptime windows, calendar months with
 * their SLA verdict and credit, 90 daily bars and the incidents. Built by use-cases/uptime-reports.ts from the
 * stored incidents with the pure arithmetic in domain/availability.ts; presenters choose what goes out.
 */
import type { StepKind } from './incident-steps';

/**
 * Why a service was not up. `ha_restart`: it died with its host and the engine restarted it on another host;
 * `host_failure`: it died with its host and has not (yet) been restarted elsewhere; `waiting_for_room`: the engine
 * would restart it but no host has room for it (N+1 failed in practice), until it restarts; `crash`: the VM process
 * died on a healthy host; `host_contact_lost`: the engine lost its host but the VPS kept running there (soft fencing,
 * a cut management network) and came back "restored to Up" without a restart; `planned`: stopped or suspended by the
 * billing panel; `admin_stop`: stopped by an administrator in the engine (counted unless a maintenance window covers
 * it or the plan excludes such stops); `customer`: shut down from inside the guest; `maintenance`: moved away from a
 * host going to maintenance (no downtime when live migration works); `unknown`: the bridge cannot tell (events lost
 * or purged by the engine).
 */
export type AvailabilityCause =
  | 'ha_restart'
  | 'host_failure'
  | 'waiting_for_room'
  | 'crash'
  | 'host_contact_lost'
  | 'planned'
  | 'admin_stop'
  | 'customer'
  | 'maintenance'
  | 'unknown'
  /** The VM is gone from the engine though nobody asked the bridge to remove it (the VM reconcile found it). */
  | 'vm_missing';

export const AVAILABILITY_CAUSES: readonly AvailabilityCause[] = [
  'ha_restart',
  'host_failure',
  'waiting_for_room',
  'crash',
  'host_contact_lost',
  'planned',
  'admin_stop',
  'customer',
  'maintenance',
  'unknown',
  'vm_missing',
];

/** How an incident's seconds count for the SLA: against us, unknown, or excluded (planned or customer-caused). */
export type TimeClass = 'down' | 'unknown' | 'excluded';

/**
 * How an incident counts, as told to people: a time class, or `up` when its seconds count as up time (the VPS kept
 * running while the monitoring lost its host). Decided per plan by domain/sla-rules.ts.
 */
export type IncidentClass = TimeClass | 'up';

/** A step of the timeline as structured facts, for presenters to word (http/presenters/incident-text.ts `factText`). */
export interface IncidentFactStep {
  at: Date;
  kind: StepKind;
  /** Host names the step involves; empty for customers under CLIENT_HOST_NAMES=hide. */
  hosts: string[];
  /** Repeats in a row (a restart that keeps failing); 1 when once. */
  count: number;
  /** `customer_action` only. */
  action?: string;
}

/** A step still stored as a sentence (one no fact reads the same; it names no host): shown as written. */
export interface IncidentTextStep {
  at: Date;
  text: string;
}

export type IncidentStep = IncidentFactStep | IncidentTextStep;

export interface Incident {
  id: number;
  cause: AvailabilityCause;
  timeClass: IncidentClass;
  startedAt: Date;
  /** Null while it lasts. */
  endedAt: Date | null;
  /** Seconds not up (to the report's time when still open); 0 for a live migration. */
  durationSeconds: number;
  /** Of those, the seconds that count against the SLA as downtime (a stop partly inside a maintenance window). */
  countedSeconds: number;
  failedHost: string | null;
  restartHost: string | null;
  /** One sentence: "Host host2 failed at 03:12:04; your VPS was restarted on host3 at 03:14:37; down 2 min 33 s". */
  summary: string;
  steps: IncidentStep[];
  /** The announced maintenance window the stop fell in, if any. */
  maintenanceWindow: { title: string; message: string } | null;
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
  billingServiceId: string;
  clientId: string;
  hostname: string | null;
  /** The service's actual state (`active`, `suspended`, …). */
  state: string;
  /** What the engine last told us of the VM: `up`, `down`, `unknown`, … or null before it exists. */
  vmStatus: string | null;
  vm: { name: string | null; host: string | null } | null;
  plan: {
    productId: string;
    name: string;
    slaTargetPercent: number;
    timeZone: string;
    unknownCountsAsDown: boolean;
    contactLossCountsAsDown: boolean;
    unannouncedAdminStopsExcluded: boolean;
  };
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
