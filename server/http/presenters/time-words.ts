/**
 * Durations, clock times and days in the words the pages, the panel's JSON and the notices use: `2 min 33 s`,
 * `03:12:04`, `3 Nov 2026`, in the zone asked for. Shared by the JSON presenters (through incident-text.ts) and
 * the pages' view models (http/view-models/), so it stays here, below both.
 */
import { zonedParts } from '../../domain/zoned-time';

/**
 * `2 min 33 s`, `1 h 4 min`, `3 d 2 h`, `0 s`: at most two units, rounded to whole seconds. Negative or non-finite
 * input reads as `0 s`, so a bad figure never reaches a customer as "NaN s" or "Infinity d".
 */
export function formatDuration(totalSeconds: number): string {
  const s = Number.isFinite(totalSeconds) ? Math.max(0, Math.round(totalSeconds)) : 0;
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return sec > 0 ? `${m} min ${sec} s` : `${m} min`;
  return `${sec} s`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** `03:12:04` in the zone. */
export function formatClock(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  return `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** `3 Nov 2026` in the zone. */
export function formatDay(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  return `${p.day} ${MONTHS[p.month - 1] ?? '?'} ${p.year}`;
}
