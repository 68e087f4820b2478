/**
 * Calendar arithmetic in an IANA time zone with nothing but Intl: the start of a day or month in the zone, as epoch
 * milliseconds. SLA months are the provider's calendar months, so they begin at local midnight, which moves with
 * daylight saving time.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when Intl knows the zone (`UTC`, `Europe/Amsterdam`, …). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The zone's reading through Intl: exact, and slow (about 10 µs), so only offsetAt calls it. */
function intlParts(ms: number, timeZone: string): ZonedParts {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return {
    year: out.year ?? 0,
    month: out.month ?? 1,
    day: out.day ?? 1,
    hour: out.hour ?? 0,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  };
}

/**
 * Offsets change only at quarter-hour instants (every zone's offset is a multiple of 15 minutes and its transitions
 * fall on local hours or half hours), so one offset per zone and quarter hour is exact. A page of 90 days, 12 months
 * and 50 incidents asks for hundreds of readings: cached, they cost a map lookup.
 */
const QUARTER_HOUR = 15 * 60_000;
const offsets = new Map<string, number>();

/** Milliseconds the zone is ahead of UTC at the instant `ms`. */
export function offsetAt(ms: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  const bucket = Math.floor(ms / QUARTER_HOUR) * QUARTER_HOUR;
  const key = `${timeZone}|${bucket}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const p = intlParts(bucket, timeZone);
    offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - bucket;
    if (offsets.size > 50_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/** The wall-clock reading of `ms` in the zone. */
export function zonedParts(ms: number, timeZone: string): ZonedParts {
  const d = new Date(ms + offsetAt(ms, timeZone));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

/**
 * The instant the zone's wall clock shows midnight of that date. Months and days past their range roll over, as
 * Date.UTC does, so `(2026, 13, 1)` is 1 January 2027.
 */
export function zonedMidnight(year: number, month: number, day: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day);
  const first = guess - offsetAt(guess, timeZone);
  const second = guess - offsetAt(first, timeZone);
  return second;
}

export function startOfZonedDay(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  return zonedMidnight(p.year, p.month, p.day, timeZone);
}

export function startOfZonedMonth(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  return zonedMidnight(p.year, p.month, 1, timeZone);
}

/** Midnight `days` calendar days after the day of `ms` (DST-proof: not `ms + days × 24 h`). */
export function addZonedDays(ms: number, days: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  return zonedMidnight(p.year, p.month, p.day + days, timeZone);
}

/** The first instant of the month `months` after the month of `ms`. */
export function addZonedMonths(ms: number, months: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  return zonedMidnight(p.year, p.month + months, 1, timeZone);
}

/** `YYYY-MM` of `ms` in the zone. */
export function zonedMonthKey(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}`;
}

/** `YYYY-MM-DD` of `ms` in the zone. */
export function zonedDateKey(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The start of a `YYYY-MM` month in the zone, or undefined when the text is not a month. */
export function parseZonedMonth(key: string, timeZone: string): number | undefined {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(key);
  if (!m) return undefined;
  return zonedMidnight(Number(m[1]), Number(m[2]), 1, timeZone);
}
