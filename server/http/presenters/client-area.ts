/**
 * The customer's client area: turns uptime reports into view models for `views/client/*.hbs`. Everything a page
 * shows is decided here (wording, rounding, colours, chart geometry), so the templates only place ready strings and
 * numbers, and these functions can be tested without a browser. Pure: no clock, no I/O; "now" is the report's
 * `generatedAt`.
 */
import type {
  AvailabilityCause,
  Incident,
  ServiceUptimeReport,
  TimeClass,
  UptimeDay,
  UptimeMonth,
  UptimeWindow,
  WindowName,
} from '../../domain/uptime-report';

export type Tone = 'ok' | 'warn' | 'bad' | 'neutral';

export interface Badge {
  text: string;
  tone: Tone;
  /** One sentence under the badge; null when the badge says it all. */
  detail: string | null;
}

export interface UptimeFigure {
  window: WindowName;
  label: string;
  /** `99.982 %`, or `—` when nothing was measured. */
  value: string;
  measured: boolean;
  tone: Tone;
  /** `down 2 min 33 s`, `no downtime`; null when not measured. */
  downText: string | null;
  /** `unknown 4 min 10 s` when the monitoring has a gap; null otherwise. */
  unknownText: string | null;
  /** `not measured: the VPS was not active yet`, `since 3 Nov 2026`; null for a fully measured window. */
  note: string | null;
}

export interface ChartBar {
  x: number;
  y: number;
  width: number;
  height: number;
  /** `bar-up`, `bar-minor`, `bar-degraded`, `bar-down`, `bar-unknown`, `bar-none`, `bar-inactive`. */
  className: string;
  /** The `<title>` tooltip: `3 Nov 2026 — 99.82 % · down 2 min 33 s · 1 incident`. */
  tooltip: string;
  /** `YYYY-MM-DD`, for `data-date` (tests and anyone scripting the page). */
  date: string;
}

export interface ChartLegendItem {
  className: string;
  label: string;
}

export interface ProblemDay {
  date: string;
  dateText: string;
  uptime: string;
  down: string;
  unknown: string;
  incidents: number;
}

export interface BarChart {
  width: number;
  height: number;
  viewBox: string;
  bars: ChartBar[];
  /** What a screen reader hears instead of 90 rectangles. */
  ariaLabel: string;
  startLabel: string;
  endLabel: string;
  /** `99.982 % uptime over the last 90 days`. */
  caption: string;
  legend: ChartLegendItem[];
  /** Days not at 100 % (newest first), listed under the chart for phones and keyboards, which get no hover. */
  problemDays: ProblemDay[];
}

export interface IncidentStepView {
  timeText: string;
  iso: string;
  text: string;
}

export interface IncidentView {
  id: number;
  cause: AvailabilityCause;
  causeLabel: string;
  tone: Tone;
  /** How it counts for the SLA: `Counted as downtime`, `Not counted against the SLA`, … */
  countsText: string;
  countsTone: Tone;
  ongoing: boolean;
  startText: string;
  startIso: string;
  /** `ongoing` while it lasts. */
  endText: string;
  endIso: string | null;
  durationText: string;
  summary: string;
  steps: IncidentStepView[];
}

export interface SlaStatus {
  text: string;
  tone: Tone;
}

export interface SlaBox {
  monthLabel: string;
  uptime: string;
  targetText: string;
  status: SlaStatus;
  creditOwed: boolean;
  /** `Credit owed so far: 5 % of this month's fee` or `No credit owed`. */
  creditText: string;
  downtimeText: string;
  /** Downtime a whole month may have at the target: `43 min 12 s`. */
  allowedText: string;
  /** How much of that allowance the downtime counted so far uses, for a meter (width in percent, capped at 100). */
  budget: { width: number; text: string; tone: Tone };
  unknownText: string | null;
  excludedText: string | null;
  excludedNote: string;
  unknownNote: string;
  complete: boolean;
}

export interface PastMonthRow {
  month: string;
  monthLabel: string;
  uptime: string;
  downtimeText: string;
  targetText: string;
  status: SlaStatus;
  creditText: string;
}

export interface PastCredit {
  monthLabel: string;
  /** `August 2026: 99.846 % was below the 99.9 % target — credit owed: 5 % of that month's fee`. */
  text: string;
}

export interface ClientServicePage {
  title: string;
  hostname: string | null;
  serviceId: string;
  heading: string;
  badge: Badge;
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
  serviceId: string;
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

const MONTHS_SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * A duration as people say it, at most two units: `0 s`, `45 s`, `2 min 33 s`, `2 min`, `1 h 4 min`, `3 d 2 h`.
 * Seconds are rounded to whole seconds; negative or non-finite input reads as `0 s`.
 */
export function formatDuration(seconds: number): string {
  const s = Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds) : 0;
  if (s < 60) return `${s} s`;
  const pair = (big: number, bigUnit: string, small: number, smallUnit: string) =>
    small > 0 ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`;
  if (s < 3600) return pair(Math.floor(s / 60), 'min', s % 60, 's');
  if (s < 86400) return pair(Math.floor(s / 3600), 'h', Math.floor((s % 3600) / 60), 'min');
  return pair(Math.floor(s / 86400), 'd', Math.floor((s % 86400) / 3600), 'h');
}

/**
 * An uptime percentage with a fixed number of decimals: `99.982 %`; exactly `100 %` only when it is 100; `—` when
 * nothing was measured. Rounds down, never up: 99.9996 % is not "100.000 %", and a customer must never see a
 * figure better than the one the SLA is judged on.
 */
export function formatPercent(percent: number | null | undefined, decimals = 3): string {
  if (percent === null || percent === undefined || !Number.isFinite(percent)) return '—';
  if (percent >= 100) return '100 %';
  const scale = 10 ** decimals;
  // The epsilon keeps binary noise (99.982 stored as 99.98199999…) from losing a digit.
  const floored = Math.floor(Math.max(0, percent) * scale + 1e-7) / scale;
  return `${floored.toFixed(decimals)} %`;
}

/** A target or credit as the contract states it, without padding: `99.9 %`, `99.95 %`, `5 %`. */
function formatPlainPercent(percent: number): string {
  return `${Number(percent.toFixed(4))} %`;
}

const dateTimeFormatters = new Map<string, { parts: Intl.DateTimeFormat; zoneName: Intl.DateTimeFormat }>();

function formattersFor(timeZone: string) {
  let f = dateTimeFormatters.get(timeZone);
  if (!f) {
    f = {
      // Numbers from en-US parts, assembled by hand: en-GB's month names changed across ICU versions ("Sep"/"Sept").
      parts: new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      }),
      // en-GB names European zones (CET, CEST, BST) and writes others as GMT+x; both read well here.
      zoneName: new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' }),
    };
    dateTimeFormatters.set(timeZone, f);
  }
  return f;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  time: string;
  zone: string;
}

function wallClock(date: Date, timeZone: string): WallClock {
  const f = formattersFor(timeZone);
  const p: Record<string, string> = {};
  for (const part of f.parts.formatToParts(date)) p[part.type] = part.value;
  const zone = f.zoneName.formatToParts(date).find((x) => x.type === 'timeZoneName')?.value ?? timeZone;
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    time: `${p.hour ?? '00'}:${p.minute ?? '00'}:${p.second ?? '00'}`,
    zone,
  };
}

function dateText(year: number, month: number, day: number): string {
  return `${day} ${MONTHS_SHORT[month - 1] ?? '?'} ${year}`;
}

/**
 * A moment on the plan's wall clock: `3 Nov 2026, 03:12:04 UTC` (`…, 04:12:04 CET` in Europe/Berlin). The plan's
 * zone, not the browser's, because SLA days and months are cut in that zone.
 */
export function formatDateTime(date: Date, timeZone: string): string {
  const w = wallClock(date, timeZone);
  return `${dateText(w.year, w.month, w.day)}, ${w.time} ${w.zone}`;
}

/** The calendar date of a moment on the plan's wall clock: `3 Nov 2026`. */
export function formatDate(date: Date, timeZone: string): string {
  const w = wallClock(date, timeZone);
  return dateText(w.year, w.month, w.day);
}

/** A report's calendar date (`YYYY-MM-DD`, already in the plan's zone) as `3 Nov 2026`. */
function formatDayKey(key: string): string {
  const [y, m, d] = key.split('-').map(Number);
  return dateText(y ?? 0, m ?? 1, d ?? 1);
}

/** A report's month (`YYYY-MM`) as `November 2026`. */
function formatMonthKey(key: string): string {
  const [y, m] = key.split('-').map(Number);
  return `${MONTHS_LONG[(m ?? 1) - 1] ?? '?'} ${y ?? ''}`;
}

function daysInMonth(key: string): number {
  const [y, m] = key.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, m ?? 1, 0)).getUTCDate();
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Below 95 % is an outage-sized day whatever the target; the spec's red line. */
const RED_BELOW = 95;

function toneFor(percent: number | null, target: number): Tone {
  if (percent === null) return 'neutral';
  if (percent >= target) return 'ok';
  return percent < RED_BELOW ? 'bad' : 'warn';
}

const HOST_FAILURE: ReadonlySet<AvailabilityCause> = new Set(['ha_restart', 'host_failure']);

/**
 * The state badge. An open host-failure incident wins over everything: the customer is looking at the page
 * because the VPS is gone, and "Running" or "Down" would both be wrong in a moment.
 */
function stateBadge(report: ServiceUptimeReport): Badge {
  const open = report.incidents.find((i) => i.endedAt === null);
  if (open && HOST_FAILURE.has(open.cause)) {
    return { text: 'Restarting after a host failure', tone: 'warn', detail: 'The server your VPS ran on failed. High availability is starting it on another host; no action is needed from you.' };
  }
  switch (report.state) {
    case 'pending':
    case 'provisioning':
      return { text: 'Being set up', tone: 'neutral', detail: 'Your VPS is being created. Uptime is measured from the moment it first runs.' };
    case 'suspending':
    case 'suspended':
      return { text: 'Suspended', tone: 'neutral', detail: 'Suspended by your provider or the billing panel. This time does not count against the SLA.' };
    case 'terminating':
    case 'terminated':
      return { text: 'Cancelled', tone: 'neutral', detail: null };
    case 'failed':
      return { text: 'Setup failed', tone: 'bad', detail: 'Your provider has been told and will contact you.' };
  }
  if (open) {
    switch (open.cause) {
      case 'crash':
        return { text: 'Restarting after a crash', tone: 'warn', detail: 'Your VPS stopped unexpectedly and is being restarted automatically.' };
      case 'customer':
        return { text: 'Shut down from inside', tone: 'neutral', detail: 'The VPS was shut down from inside (by its operating system or a user). Start it again from the billing panel.' };
      case 'planned':
        return { text: 'Stopped by your provider', tone: 'neutral', detail: null };
      case 'maintenance':
        return { text: 'Running — moving to another host', tone: 'ok', detail: null };
      case 'unknown':
        return { text: 'Status unknown', tone: 'warn', detail: 'The monitoring has lost track of this VPS for the moment.' };
    }
  }
  switch (report.vmStatus) {
    case 'up':
      return { text: 'Running', tone: 'ok', detail: null };
    case 'migrating':
      return { text: 'Running — moving to another host', tone: 'ok', detail: null };
    case 'powering_up':
    case 'reboot_in_progress':
    case 'wait_for_launch':
      return { text: 'Starting', tone: 'warn', detail: null };
    case 'powering_down':
      return { text: 'Shutting down', tone: 'warn', detail: null };
    case 'paused':
    case 'suspended':
      return { text: 'Paused', tone: 'warn', detail: null };
    case 'down':
      return { text: 'Down', tone: 'bad', detail: null };
    case 'not_responding':
      return { text: 'Not responding', tone: 'bad', detail: null };
    case null:
      return report.activeSince === null
        ? { text: 'Being set up', tone: 'neutral', detail: null }
        : { text: 'Status unknown', tone: 'neutral', detail: null };
    default:
      return { text: 'Status unknown', tone: 'neutral', detail: null };
  }
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
    downText: w.downSeconds > 0 ? `down ${formatDuration(w.downSeconds)}` : 'no downtime',
    unknownText: w.unknownSeconds > 0 ? `unknown ${formatDuration(w.unknownSeconds)}` : null,
    note: since ? `since ${formatDate(since, report.plan.timeZone)}` : null,
  };
}

/** Chart geometry in viewBox units; the SVG stretches to the page width (preserveAspectRatio="none"). */
const BAR_WIDTH = 6;
const BAR_GAP = 2;
const CHART_HEIGHT = 40;
const STUB_HEIGHT = 6;
const CHART_DAYS = 90;

/**
 * The colour class of one day. A day below target shows its outage colour even when part of it is unknown: the
 * stripe must not hide a real outage; otherwise any unknown time stripes the day, so a gap in the monitoring never
 * passes for a clean day.
 */
export function dayClass(day: UptimeDay, targetPercent: number, activeSince: Date | null): string {
  if (activeSince === null || day.to.getTime() <= activeSince.getTime()) return 'bar-inactive';
  const p = day.uptimePercent;
  if (p === null) return day.unknownSeconds > 0 ? 'bar-unknown' : 'bar-none';
  if (p < RED_BELOW) return 'bar-down';
  if (p < targetPercent) return 'bar-degraded';
  if (day.unknownSeconds > 0) return 'bar-unknown';
  return p >= 100 ? 'bar-up' : 'bar-minor';
}

/** The tooltip of one day: `3 Nov 2026 — 99.82 % · down 2 min 33 s · 1 incident`. */
export function dayTooltip(day: UptimeDay, activeSince: Date | null, isToday = false): string {
  const date = formatDayKey(day.date) + (isToday ? ' (today)' : '');
  if (activeSince === null || day.to.getTime() <= activeSince.getTime()) return `${date} — not active yet`;
  const parts: string[] = [];
  if (day.uptimePercent === null && day.excludedSeconds > 0 && day.downSeconds === 0 && day.unknownSeconds === 0) {
    // A day spent suspended or shut down on purpose has no uptime figure, but it is not missing data either.
    parts.push(`planned downtime, not counted (${formatDuration(day.excludedSeconds)})`);
    if (day.incidents > 0) parts.push(plural(day.incidents, 'incident', 'incidents'));
    const [first, ...rest] = parts;
    return [`${date} — ${first ?? ''}`, ...rest].join(' · ');
  }
  if (day.uptimePercent === null) parts.push('no data');
  else parts.push(formatPercent(day.uptimePercent, 2));
  if (day.downSeconds > 0) parts.push(`down ${formatDuration(day.downSeconds)}`);
  if (day.unknownSeconds > 0) parts.push(`unknown ${formatDuration(day.unknownSeconds)}`);
  if (day.excludedSeconds > 0) parts.push(`planned ${formatDuration(day.excludedSeconds)} (not counted)`);
  if (day.incidents > 0) parts.push(plural(day.incidents, 'incident', 'incidents'));
  else if (day.uptimePercent !== null && day.downSeconds === 0 && day.unknownSeconds === 0) parts.push('no downtime');
  const [first, ...rest] = parts;
  return [`${date} — ${first ?? ''}`, ...rest].join(' · ');
}

const LEGEND: ChartLegendItem[] = [
  { className: 'bar-up', label: '100 %' },
  { className: 'bar-minor', label: 'Within target' },
  { className: 'bar-degraded', label: 'Below target' },
  { className: 'bar-down', label: 'Below 95 %' },
  { className: 'bar-unknown', label: 'Partly unknown' },
  { className: 'bar-none', label: 'No data or planned' },
  { className: 'bar-inactive', label: 'Not active yet' },
];

function presentChart(report: ServiceUptimeReport): BarChart {
  const target = report.plan.slaTargetPercent;
  const days = report.days.slice(-CHART_DAYS);
  const slots = Math.max(CHART_DAYS, days.length);
  const step = BAR_WIDTH + BAR_GAP;
  const width = slots * step - BAR_GAP;
  // Right-aligned: today is always the last slot, even when the report has fewer days.
  const offset = slots - days.length;
  const counts = new Map<string, number>();
  const bars = days.map((day, i): ChartBar => {
    const className = dayClass(day, target, report.activeSince);
    counts.set(className, (counts.get(className) ?? 0) + 1);
    // Days before activation are a low stub: "nothing here yet", visibly different from a measured day.
    const height = className === 'bar-inactive' ? STUB_HEIGHT : CHART_HEIGHT;
    return {
      x: (offset + i) * step,
      y: CHART_HEIGHT - height,
      width: BAR_WIDTH,
      height,
      className,
      tooltip: dayTooltip(day, report.activeSince, i === days.length - 1),
      date: day.date,
    };
  });
  const n = (c: string) => counts.get(c) ?? 0;
  const described: string[] = [];
  if (n('bar-up')) described.push(`${plural(n('bar-up'), 'day', 'days')} at 100 %`);
  if (n('bar-minor')) described.push(`${plural(n('bar-minor'), 'day', 'days')} with downtime within the target`);
  if (n('bar-degraded') + n('bar-down')) described.push(`${plural(n('bar-degraded') + n('bar-down'), 'day', 'days')} below the ${formatPlainPercent(target)} target`);
  if (n('bar-unknown')) described.push(`${plural(n('bar-unknown'), 'day', 'days')} partly unknown`);
  if (n('bar-none')) described.push(`${plural(n('bar-none'), 'day', 'days')} without data`);
  if (n('bar-inactive')) described.push(`${plural(n('bar-inactive'), 'day', 'days')} before the VPS was active`);
  const ninety = report.windows.find((w) => w.window === '90d');
  const problemDays = days
    .filter((d, i) => {
      const c = bars[i]?.className;
      return c !== 'bar-up' && c !== 'bar-inactive' && c !== 'bar-none' && (d.downSeconds > 0 || d.unknownSeconds > 0 || (d.uptimePercent ?? 100) < 100);
    })
    .reverse()
    .map((d) => ({
      date: d.date,
      dateText: formatDayKey(d.date),
      uptime: formatPercent(d.uptimePercent, 2),
      down: d.downSeconds > 0 ? formatDuration(d.downSeconds) : '—',
      unknown: d.unknownSeconds > 0 ? formatDuration(d.unknownSeconds) : '—',
      incidents: d.incidents,
    }));
  return {
    width,
    height: CHART_HEIGHT,
    viewBox: `0 0 ${width} ${CHART_HEIGHT}`,
    bars,
    ariaLabel: `Daily uptime for the last ${days.length} days: ${described.join(', ') || 'no days'}.`,
    startLabel: `${CHART_DAYS} days ago`,
    endLabel: 'Today',
    caption: ninety && ninety.uptimePercent !== null ? `${formatPercent(ninety.uptimePercent)} uptime over the last 90 days` : 'Not measured over the last 90 days yet',
    // Only the colours this chart uses, so the legend explains the chart instead of every possible case.
    legend: LEGEND.filter((item) => item.className === 'bar-up' || counts.has(item.className)),
    problemDays,
  };
}

/** The cause in the customer's words. */
export function causeLabel(incident: Pick<Incident, 'cause' | 'endedAt'>): string {
  switch (incident.cause) {
    case 'ha_restart':
      return incident.endedAt === null ? 'Host failure — restarting automatically on another host' : 'Host failure — restarted automatically on another host';
    case 'host_failure':
      return incident.endedAt === null ? 'Host failure — waiting to restart on another host' : 'Host failure — down with its host';
    case 'crash':
      return 'VPS crashed — restarted automatically';
    case 'planned':
      return 'Planned: stopped by your provider / billing';
    case 'customer':
      return 'Shut down from inside the VPS';
    case 'maintenance':
      return 'Host maintenance — moved live, no downtime';
    case 'unknown':
      return 'Unknown — the monitoring record is incomplete';
  }
}

const CAUSE_TONE: Readonly<Record<AvailabilityCause, Tone>> = {
  ha_restart: 'warn',
  host_failure: 'bad',
  crash: 'warn',
  planned: 'neutral',
  customer: 'neutral',
  maintenance: 'ok',
  unknown: 'neutral',
};

function countsTone(timeClass: TimeClass, unknownCountsAsDown: boolean): Tone {
  if (timeClass === 'down' || (timeClass === 'unknown' && unknownCountsAsDown)) return 'warn';
  return 'neutral';
}

function countsText(timeClass: TimeClass, unknownCountsAsDown: boolean): string {
  switch (timeClass) {
    case 'down':
      return 'Counted as downtime';
    case 'excluded':
      return 'Not counted against the SLA';
    case 'unknown':
      return unknownCountsAsDown ? 'Counted as downtime (in your favour)' : 'Left out of the SLA calculation';
  }
}

function presentIncident(incident: Incident, report: ServiceUptimeReport): IncidentView {
  const tz = report.plan.timeZone;
  const start = wallClock(incident.startedAt, tz);
  // Steps on the start's day show the time alone; a step after midnight says which day.
  const stepTime = (at: Date) => {
    const w = wallClock(at, tz);
    return w.year === start.year && w.month === start.month && w.day === start.day ? w.time : formatDateTime(at, tz);
  };
  return {
    id: incident.id,
    cause: incident.cause,
    causeLabel: causeLabel(incident),
    tone: CAUSE_TONE[incident.cause],
    countsText: countsText(incident.timeClass, report.plan.unknownCountsAsDown),
    countsTone: countsTone(incident.timeClass, report.plan.unknownCountsAsDown),
    ongoing: incident.endedAt === null,
    startText: formatDateTime(incident.startedAt, tz),
    startIso: incident.startedAt.toISOString(),
    endText: incident.endedAt ? stepTime(incident.endedAt) : 'ongoing',
    endIso: incident.endedAt ? incident.endedAt.toISOString() : null,
    durationText: formatDuration(incident.durationSeconds) + (incident.endedAt === null ? ' so far' : ''),
    summary: incident.summary,
    steps: incident.steps.map((s) => ({ timeText: stepTime(s.at), iso: s.at.toISOString(), text: s.text })),
  };
}

/** The SLA verdict of one month as a short status. */
export function slaStatus(month: UptimeMonth): SlaStatus {
  const { met, complete } = month.sla;
  if (met === null) return { text: 'Not measured yet', tone: 'neutral' };
  if (complete) return met ? { text: 'Met', tone: 'ok' } : { text: 'Missed', tone: 'bad' };
  return met ? { text: 'Met so far', tone: 'ok' } : { text: 'Missed so far', tone: 'bad' };
}

/** The credit line: `Credit owed: 5 % of this month's fee`, `Credit owed so far: …`, or `No credit owed`. */
export function creditText(month: UptimeMonth): string {
  if (month.sla.creditPercent <= 0) return month.sla.complete ? 'No credit owed' : 'No credit owed so far';
  return `Credit owed${month.sla.complete ? '' : ' so far'}: ${formatPlainPercent(month.sla.creditPercent)} of this month's fee`;
}

/** The downtime a full calendar month may have at the target (DST's hour either way is ignored: 3.6 s at 99.9 %). */
function allowedSeconds(month: string, targetPercent: number): number {
  // Rounded, not floored: 100 − 99.9 is 0.0999999… in binary and would cost a second.
  return Math.round((daysInMonth(month) * 86400 * Math.max(0, 100 - targetPercent)) / 100);
}

function budgetMeter(used: number, allowed: number): SlaBox['budget'] {
  const share = allowed > 0 ? (used / allowed) * 100 : used > 0 ? 100 : 0;
  const width = Math.min(100, Math.round(share * 10) / 10);
  const tone: Tone = share >= 100 ? 'bad' : share >= 50 ? 'warn' : 'ok';
  const rounded = share > 0 && share < 1 ? '< 1' : String(Math.round(share));
  return { width, text: `${rounded} % of a full month's allowance used`, tone };
}

function presentSla(report: ServiceUptimeReport): SlaBox {
  const m = report.currentMonth;
  const target = m.sla.targetPercent;
  const allowed = allowedSeconds(m.month, target);
  const counted = m.downSeconds + (report.plan.unknownCountsAsDown ? m.unknownSeconds : 0);
  return {
    monthLabel: formatMonthKey(m.month),
    uptime: formatPercent(m.uptimePercent),
    targetText: formatPlainPercent(target),
    status: slaStatus(m),
    creditOwed: m.sla.creditPercent > 0,
    creditText: creditText(m),
    downtimeText: formatDuration(counted),
    allowedText: formatDuration(allowed),
    budget: budgetMeter(counted, allowed),
    unknownText: m.unknownSeconds > 0 ? formatDuration(m.unknownSeconds) : null,
    excludedText: m.excludedSeconds > 0 ? formatDuration(m.excludedSeconds) : null,
    excludedNote: 'Planned downtime (maintenance your provider announced, a suspension by the billing panel) and shutdowns started from inside your VPS do not count as downtime.',
    unknownNote: report.plan.unknownCountsAsDown
      ? 'Time the monitoring could not see counts as downtime, in your favour.'
      : 'Time the monitoring could not see is left out of the calculation: it counts neither as up nor as down.',
    complete: m.sla.complete,
  };
}

function presentPastMonth(m: UptimeMonth, unknownCountsAsDown: boolean): PastMonthRow {
  const counted = m.downSeconds + (unknownCountsAsDown ? m.unknownSeconds : 0);
  return {
    month: m.month,
    monthLabel: formatMonthKey(m.month),
    uptime: formatPercent(m.uptimePercent),
    downtimeText: counted > 0 ? formatDuration(counted) : '—',
    targetText: formatPlainPercent(m.sla.targetPercent),
    status: slaStatus(m),
    creditText: m.sla.creditPercent > 0 ? formatPlainPercent(m.sla.creditPercent) : '—',
  };
}

/** Older than this, the figures may miss a recent outage, and the page says so. */
const STALE_AFTER_MS = 10 * 60 * 1000;

function headingFor(report: ServiceUptimeReport): string {
  return report.hostname ?? `VPS #${report.serviceId}`;
}

function serviceHref(serviceId: string): string {
  return `/client/services/${encodeURIComponent(serviceId)}`;
}

/**
 * The view model of `views/client/service.hbs`: one VPS's state, uptime figures, 90-day chart, incident timeline,
 * this month's SLA and past months, with every time in the plan's time zone.
 */
export function presentClientServicePage(report: ServiceUptimeReport): ClientServicePage {
  const tz = report.plan.timeZone;
  const heading = headingFor(report);
  const byName = new Map(report.windows.map((w) => [w.window, w]));
  const read = report.eventsReadAt;
  const stale = read === null || report.generatedAt.getTime() - read.getTime() > STALE_AFTER_MS;
  const currentKey = report.currentMonth.month;
  const finished = report.months.filter((m) => m.month !== currentKey);
  const pastMonths = finished.map((m) => presentPastMonth(m, report.plan.unknownCountsAsDown));
  const pastCredits = finished
    .filter((m) => m.sla.creditPercent > 0)
    .map((m) => ({
      monthLabel: formatMonthKey(m.month),
      text: `${formatMonthKey(m.month)}: ${formatPercent(m.uptimePercent)} was below the ${formatPlainPercent(m.sla.targetPercent)} target — credit owed: ${formatPlainPercent(m.sla.creditPercent)} of that month's fee`,
    }));
  const incidents = report.incidents.map((i) => presentIncident(i, report));
  return {
    title: `${heading} — uptime`,
    hostname: report.hostname,
    serviceId: report.serviceId,
    heading,
    badge: stateBadge(report),
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
      serviceId: report.serviceId,
      badge: stateBadge(report),
      planName: report.plan.name,
      uptime30d: formatPercent(p),
      uptime30dTone: toneFor(p, report.plan.slaTargetPercent),
      sla: slaStatus(report.currentMonth),
      href: serviceHref(report.serviceId),
    };
  });
  return { title: 'Your services', services, empty: services.length === 0 };
}
