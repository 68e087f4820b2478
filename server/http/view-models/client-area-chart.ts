/**
 * The 90-day uptime bar chart of a client-area page, as ready SVG geometry (`views/client/service.hbs` draws one
 * `<rect>` a bar), with the tooltips, screen-reader text, legend and the list of problem days under it.
 */
import { formatDuration } from '../presenters/time-words';
import type { ServiceUptimeReport, UptimeDay } from '../../domain/uptime-report';
import { formatDayKey, formatPercent, formatPlainPercent, plural, RED_BELOW } from './client-area-format';

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

export function presentChart(report: ServiceUptimeReport): BarChart {
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
  if (n('bar-degraded') + n('bar-down'))
    described.push(`${plural(n('bar-degraded') + n('bar-down'), 'day', 'days')} below the ${formatPlainPercent(target)} target`);
  if (n('bar-unknown')) described.push(`${plural(n('bar-unknown'), 'day', 'days')} partly unknown`);
  if (n('bar-none')) described.push(`${plural(n('bar-none'), 'day', 'days')} without data`);
  if (n('bar-inactive')) described.push(`${plural(n('bar-inactive'), 'day', 'days')} before the VPS was active`);
  const ninety = report.windows.find((w) => w.window === '90d');
  const problemDays = days
    .filter((d, i) => {
      const c = bars[i]?.className;
      return (
        c !== 'bar-up' &&
        c !== 'bar-inactive' &&
        c !== 'bar-none' &&
        (d.downSeconds > 0 || d.unknownSeconds > 0 || (d.uptimePercent ?? 100) < 100)
      );
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
    caption:
      ninety && ninety.uptimePercent !== null
        ? `${formatPercent(ninety.uptimePercent)} uptime over the last 90 days`
        : 'Not measured over the last 90 days yet',
    // Only the colours this chart uses, so the legend explains the chart instead of every possible case.
    legend: LEGEND.filter((item) => item.className === 'bar-up' || counts.has(item.className)),
    problemDays,
  };
}
