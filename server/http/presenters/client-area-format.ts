/**
 * The client area's small formatters: percentages, the plan's wall-clock dates, report date and month keys, and the
 * uptime tone. Shared by every client-area view model so a number or a date reads the same on every part of the page.
 * Durations are the domain's `formatDuration` (`server/domain/incident-text.ts`), so incident summaries and the page agree.
 */

export type Tone = 'ok' | 'warn' | 'bad' | 'neutral';

const MONTHS_SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

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
export function formatPlainPercent(percent: number): string {
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

/** A moment on the plan's wall clock, in parts, so the incident timeline can tell whether a step fell on another day. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  time: string;
  zone: string;
}

export function wallClock(date: Date, timeZone: string): WallClock {
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
