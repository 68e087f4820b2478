/**
 * The customer's client area: turns uptime reports into view models for `views/client/*.hbs`. Everything a page
 * shows is decided here (wording, rounding, colours, chart geometry), so the templates only place ready strings and
 * numbers, and these functions can be tested without a browser. Pure: no clock, no I/O; "now" is the report's
 * `generatedAt`.
 *
 * This file assembles the pages; the parts live beside it (`client-area-format`, `-badge`, `-chart`, `-incidents`,
 * `-sla`) and are re-exported here, so routes and tests import the client area from one place.
 */
import { formatDuration } from '../presenters/time-words';
import type { ServiceUptimeReport, UptimeWindow, WindowName } from '../../domain/uptime-report';
import { presentVpsAccess, type AccessBox, type VpsAccessInput } from './client-area-access';
import { stateBadge, type Badge } from './client-area-badge';
import { presentChart, type BarChart } from './client-area-chart';
import { formatDate, formatDateTime, formatPercent, formatPlainPercent, toneFor, type Tone } from './client-area-format';
import { presentIncident, type IncidentView } from './client-area-incidents';
import {
  presentPastCredits,
  presentPastMonth,
  presentSla,
  slaStatus,
  type PastCredit,
  type PastMonthRow,
  type SlaBox,
  type SlaStatus,
} from './client-area-sla';

export { formatDuration };
export { presentVpsAccess, type AccessBox, type AccessItem, type VpsAccessInput } from './client-area-access';
export { formatDate, formatDateTime, formatPercent, type Tone } from './client-area-format';
export type { Badge } from './client-area-badge';
export { dayClass, dayTooltip, type BarChart, type ChartBar, type ChartLegendItem, type ProblemDay } from './client-area-chart';
export { causeLabel, type IncidentStepView, type IncidentView } from './client-area-incidents';
export { creditText, slaStatus, type PastCredit, type PastMonthRow, type SlaBox, type SlaStatus } from './client-area-sla';

export interface UptimeFigure {
  window: WindowName;
  label: string;
  /** `99.982 %`, or `—` when nothing was measured. */
  value: string;
  measured: boolean;
  tone: Tone;
  /** `down 2 min 33 s`; `no downtime` only beside 100 %; null when not measured. */
  downText: string | null;
  /** `unknown 4 min 10 s` when the monitoring has a gap; null otherwise. */
  unknownText: string | null;
  /** `not measured: the VPS was not active yet`, `since 3 Nov 2026`; null for a fully measured window. */
  note: string | null;
}

export interface ClientServicePage {
  title: string;
  hostname: string | null;
  billingServiceId: string;
  heading: string;
  badge: Badge;
  /** How to reach the VPS (addresses, OS, user name); null when the page was rendered without it. */
  access: AccessBox | null;
  planName: string;
  targetText: string;
  timeZone: string;
  activeSinceText: string | null;
  freshness: { text: string; stale: boolean };
  figures: UptimeFigure[];
  chart: BarChart;
  incidents: IncidentView[];
  hasIncidents: boolean;
  sla: SlaBox;
  pastMonths: PastMonthRow[];
  hasPastMonths: boolean;
  /** Finished months that missed the target, newest first: what the customer may claim. */
  pastCredits: PastCredit[];
  listHref: string;
}

export interface ClientServiceRow {
  hostname: string;
  billingServiceId: string;
  badge: Badge;
  planName: string;
  uptime30d: string;
  uptime30dTone: Tone;
  sla: SlaStatus;
  href: string;
}

export interface ClientServiceList {
  title: string;
  services: ClientServiceRow[];
  empty: boolean;
}

const WINDOW_ORDER: ReadonlyArray<[WindowName, string]> = [
  ['24h', 'Last 24 hours'],
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
  ['90d', 'Last 90 days'],
];

function presentFigure(name: WindowName, label: string, w: UptimeWindow | undefined, report: ServiceUptimeReport): UptimeFigure {
  const target = report.plan.slaTargetPercent;
  if (!w || w.uptimePercent === null) {
    return {
      window: name,
      label,
      value: '—',
      measured: false,
      tone: 'neutral',
      downText: null,
      unknownText: null,
      note: report.activeSince === null ? 'Not measured: the VPS has not run yet' : 'Not measured in this period',
    };
  }
  const since = report.activeSince && report.activeSince.getTime() > w.from.getTime() ? report.activeSince : null;
  return {
    window: name,
    label,
    value: formatPercent(w.uptimePercent),
    measured: true,
    tone: toneFor(w.uptimePercent, target),
    downText: downText(w, report.plan.unknownCountsAsDown),
    unknownText:
      w.unknownSeconds > 0
        ? `unknown ${formatDuration(w.unknownSeconds)}${report.plan.unknownCountsAsDown ? ', counted as down' : ', left out'}`
        : null,
    note: since ? `since ${formatDate(since, report.plan.timeZone)}` : null,
  };
}

/**
 * What a figure's card says under the percentage. "No downtime" only beside 100 %: a figure below it has counted
 * seconds (down, or unknown time that counts as down), even when they are fewer than one whole second (the
 * 24 h card once said "no downtime" beside 99.998 %).
 */
function downText(w: UptimeWindow, unknownCountsAsDown: boolean): string {
  if (w.uptimePercent !== null && w.uptimePercent >= 100) return 'no downtime';
  const counted = w.downSeconds + (unknownCountsAsDown ? w.unknownSeconds : 0);
  return counted > 0 ? `down ${formatDuration(counted)}` : 'down less than 1 s';
}

/** Older than this, the figures may miss a recent outage, and the page says so. */
const STALE_AFTER_MS = 10 * 60 * 1000;

function headingFor(report: ServiceUptimeReport): string {
  return report.hostname ?? `VPS #${report.billingServiceId}`;
}

function serviceHref(billingServiceId: string): string {
  return `/client/services/${encodeURIComponent(billingServiceId)}`;
}

/**
 * The view model of `views/client/service.hbs`: one VPS's state, how to reach it (`vps`: its addresses, OS and user
 * name), uptime figures, 90-day chart, incident timeline, this month's SLA and past months, with every time in the
 * plan's time zone.
 */
export function presentClientServicePage(report: ServiceUptimeReport, vps?: VpsAccessInput): ClientServicePage {
  const tz = report.plan.timeZone;
  const heading = headingFor(report);
  const byName = new Map(report.windows.map((w) => [w.window, w]));
  const read = report.eventsReadAt;
  const stale = read === null || report.generatedAt.getTime() - read.getTime() > STALE_AFTER_MS;
  const currentKey = report.currentMonth.month;
  const finished = report.months.filter((m) => m.month !== currentKey);
  const pastMonths = finished.map((m) => presentPastMonth(m, report.plan.unknownCountsAsDown));
  const pastCredits = presentPastCredits(finished);
  const incidents = report.incidents.map((i) => presentIncident(i, report));
  return {
    title: `${heading} — uptime`,
    hostname: report.hostname,
    billingServiceId: report.billingServiceId,
    heading,
    badge: stateBadge(report),
    access: vps ? presentVpsAccess(vps) : null,
    planName: report.plan.name,
    targetText: formatPlainPercent(report.plan.slaTargetPercent),
    timeZone: tz,
    activeSinceText: report.activeSince ? formatDateTime(report.activeSince, tz) : null,
    freshness: {
      text: read === null ? 'The monitoring has not read this VPS yet' : `Monitoring data as of ${formatDateTime(read, tz)}`,
      stale,
    },
    figures: WINDOW_ORDER.map(([name, label]) => presentFigure(name, label, byName.get(name), report)),
    chart: presentChart(report),
    incidents,
    hasIncidents: incidents.length > 0,
    sla: presentSla(report),
    pastMonths,
    hasPastMonths: pastMonths.length > 0,
    pastCredits,
    listHref: '/client/services',
  };
}

/** The view model of `views/client/services.hbs`: one row per VPS of the customer, in the given order. */
export function presentClientServiceList(reports: ServiceUptimeReport[]): ClientServiceList {
  const services = reports.map((report): ClientServiceRow => {
    const thirty = report.windows.find((w) => w.window === '30d');
    const p = thirty?.uptimePercent ?? null;
    return {
      hostname: headingFor(report),
      billingServiceId: report.billingServiceId,
      badge: stateBadge(report),
      planName: report.plan.name,
      uptime30d: formatPercent(p),
      uptime30dTone: toneFor(p, report.plan.slaTargetPercent),
      sla: slaStatus(report.currentMonth),
      href: serviceHref(report.billingServiceId),
    };
  });
  return { title: 'Your services', services, empty: services.length === 0 };
}
