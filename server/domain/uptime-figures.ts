/**
 * The figures a customer sees, from a service's spans: rolling windows (24 h, 7 d, 30 d, 90 d), calendar months in
 * the plan's time zone with the SLA verdict and credit, and 90 daily bars. Pure: `now` is passed in.
 */
import { type ActiveWindow, breakdown, creditFor, type Span } from './availability';
import type { CreditTier } from './plan';
import type { UptimeDay, UptimeMonth, UptimeWindow, WindowName } from './uptime-report';
import { addZonedDays, addZonedMonths, startOfZonedDay, startOfZonedMonth, zonedDateKey, zonedMonthKey } from './zoned-time';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const WINDOWS: ReadonlyArray<[WindowName, number]> = [
  ['24h', DAY],
  ['7d', 7 * DAY],
  ['30d', 30 * DAY],
  ['90d', 90 * DAY],
];

export interface FigureInput {
  spans: readonly Span[];
  active: ActiveWindow;
  now: number;
  timeZone: string;
  unknownCountsAsDown: boolean;
  sla: { targetPercent: number; creditTiers: readonly CreditTier[] };
}

export function uptimeWindows(input: FigureInput): UptimeWindow[] {
  return WINDOWS.map(([window, length]) => {
    const from = input.now - length;
    return {
      window,
      from: new Date(from),
      to: new Date(input.now),
      ...breakdown(input.spans, from, input.now, input.active, input.unknownCountsAsDown),
    };
  });
}

/** One calendar month (the one holding `at`), measured up to `now` when it is still running. */
export function uptimeMonth(input: FigureInput, at: number): UptimeMonth {
  const from = startOfZonedMonth(at, input.timeZone);
  const to = addZonedMonths(from, 1, input.timeZone);
  const complete = to <= input.now;
  const b = breakdown(input.spans, from, Math.min(to, input.now), input.active, input.unknownCountsAsDown);
  const met = b.uptimePercent === null ? null : b.uptimePercent >= input.sla.targetPercent;
  return {
    month: zonedMonthKey(from, input.timeZone),
    from: new Date(from),
    to: new Date(to),
    ...b,
    sla: { targetPercent: input.sla.targetPercent, met, creditPercent: creditFor(b.uptimePercent, input.sla.creditTiers), complete },
  };
}

/** Months from the activation month to the current one, newest first, at most `limit`. */
export function uptimeMonths(input: FigureInput, limit = 12): UptimeMonth[] {
  const months: UptimeMonth[] = [];
  const first = input.active.from === null ? input.now : startOfZonedMonth(input.active.from, input.timeZone);
  let at = startOfZonedMonth(input.now, input.timeZone);
  while (months.length < limit && at >= first) {
    months.push(uptimeMonth(input, at));
    at = addZonedMonths(at, -1, input.timeZone);
  }
  return months;
}

/** The last `count` calendar days in the zone, oldest first, today (up to now) last. */
export function uptimeDays(
  input: FigureInput,
  count = 90,
  incidentStarts: ReadonlyArray<{ start: number; end: number }> = [],
): UptimeDay[] {
  const today = startOfZonedDay(input.now, input.timeZone);
  const days: UptimeDay[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const from = addZonedDays(today, -i, input.timeZone);
    const to = addZonedDays(from, 1, input.timeZone);
    const end = Math.min(to, input.now);
    days.push({
      date: zonedDateKey(from, input.timeZone),
      from: new Date(from),
      to: new Date(to),
      ...breakdown(input.spans, from, end, input.active, input.unknownCountsAsDown),
      // An incident belongs to each day it touches; a zero-length one (a live migration) to the day it happened.
      incidents: incidentStarts.filter((s) => s.start < end && (s.end > from || (s.end === s.start && s.start >= from))).length,
    });
  }
  return days;
}
