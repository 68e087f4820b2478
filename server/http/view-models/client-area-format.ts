/**
 * The client area's small formatters: percentages, the plan's wall-clock dates, report date and month keys, and the
 * uptime tone. Shared by every client-area view model so a number or a date reads the same on every part of the page.
 * Durations are `formatDuration` (`server/http/presenters/time-words.ts`), so incident summaries and the page agree.
 */
import { TOLD_DECIMALS, toldPercent } from '../../domain/availability';
import { offsetAt, zonedParts } from '../../domain/zoned-time';

export type Tone = 'ok' | 'warn' | 'bad' | 'neutral';

const MONTHS_SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * An uptime percentage with a fixed number of decimals: `99.982 %`; exactly `100 %` only when it is 100; `—` when
 * nothing was measured. Rounds down, never up (domain/availability.ts `toldPercent`, which the panel's API uses too,
 * so the page and the API give the same figure): 99.9996 % is not "100.000 %".
 */
export function formatPercent(percent: number | null | undefined, decimals = TOLD_DECIMALS): string {
  const told = toldPercent(percent ?? null, decimals);
  if (told === null) return '—';
  if (told >= 100) return '100 %';
  return `${told.toFixed(decimals)} %`;
}

/** A target or credit as the contract states it, without padding: `99.9 %`, `99.95 %`, `5 %`. */
export function formatPlainPercent(percent: number): string {
  return `${Number(percent.toFixed(4))} %`;
}

const zoneNameFormatters = new Map<string, Intl.DateTimeFormat>();
/** Zone abbreviations by zone and offset: CET and CEST are one zone at two offsets. */
const zoneNames = new Map<string, string>();

function zoneName(ms: number, timeZone: string): string {
  const offset = offsetAt(ms, timeZone);
  const key = `${timeZone}|${offset}`;
  let name = zoneNames.get(key);
  if (name === undefined) {
    let f = zoneNameFormatters.get(timeZone);
    if (!f) {
      // en-GB names European zones (CET, CEST, BST) and writes others as GMT+x; both read well here.
      f = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' });
      zoneNameFormatters.set(timeZone, f);
    }
    name = f.formatToParts(new Date(ms)).find((x) => x.type === 'timeZoneName')?.value ?? timeZone;
    zoneNames.set(key, name);
  }
  return name;
}

/** A moment on the plan's wall clock, in parts, so the incident timeline can tell whether a step fell on another day. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  time: string;
  zone: string;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

export function wallClock(date: Date, timeZone: string): WallClock {
  const ms = date.getTime();
  const p = zonedParts(ms, timeZone);
  return {
    year: p.year,
    month: p.month,
    day: p.day,
    time: `${pad2(p.hour)}:${pad2(p.minute)}:${pad2(p.second)}`,
    zone: zoneName(ms, timeZone),
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
export function formatDayKey(key: string): string {
  const [y, m, d] = key.split('-').map(Number);
  return dateText(y ?? 0, m ?? 1, d ?? 1);
}

/** A report's month (`YYYY-MM`) as `November 2026`. */
export function formatMonthKey(key: string): string {
  const [y, m] = key.split('-').map(Number);
  return `${MONTHS_LONG[(m ?? 1) - 1] ?? '?'} ${y ?? ''}`;
}

export function daysInMonth(key: string): number {
  const [y, m] = key.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, m ?? 1, 0)).getUTCDate();
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Below 95 % is an outage-sized day whatever the target; the spec's red line. */
export const RED_BELOW = 95;

export function toneFor(percent: number | null, target: number): Tone {
  if (percent === null) return 'neutral';
  if (percent >= target) return 'ok';
  return percent < RED_BELOW ? 'bad' : 'warn';
}
