/**
 * The one-sentence story of an incident, in words a customer understands, with times in the plan's time zone:
 * "Host host2 failed at 03:12:04; your VPS was restarted on host3 at 03:14:37; down 2 min 33 s".
 */
import type { IncidentDraft } from './timeline';
import { zonedParts } from './zoned-time';

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

/** Seconds the incident kept the VPS from being up, to `now` while it lasts; 0 for a live migration. */
export function incidentSeconds(i: Pick<IncidentDraft, 'cause' | 'startedAt' | 'endedAt'>, now: number): number {
  if (i.cause === 'maintenance') return 0;
  return Math.max(0, Math.round(((i.endedAt ?? now) - i.startedAt) / 1000));
}

/**
 * The incident's sentence. `hostNames` false leaves the engine's host names out (CLIENT_HOST_NAMES=hide): providers
 * who keep their hosts to themselves still tell customers what happened.
 */
export function describeIncident(i: IncidentDraft, timeZone: string, now: number, hostNames = true): string {
  const at = (ms: number) => (formatDay(ms, timeZone) === formatDay(i.startedAt, timeZone) ? formatClock(ms, timeZone) : `${formatClock(ms, timeZone)} on ${formatDay(ms, timeZone)}`);
  const down = formatDuration(incidentSeconds(i, now));
  const start = at(i.startedAt);
  const end = i.endedAt === null ? undefined : at(i.endedAt);
  const failed = hostNames && i.failedHost ? `Host ${i.failedHost}` : 'The host running your VPS';
  const restart = hostNames ? i.restartHost : null;
  switch (i.cause) {
    case 'ha_restart':
      return end
        ? `${failed} failed at ${start}; your VPS was restarted on ${restart ?? 'another host'} at ${end}; down ${down}`
        : `${failed} failed at ${start}; your VPS is being restarted on another host; down ${down} so far`;
    case 'host_failure':
      return end
        ? `${failed} failed at ${start}; your VPS ran again${restart ? ` on ${restart}` : ''} at ${end}; down ${down}`
        : `${failed} failed at ${start}; the engine is working to restart your VPS; down ${down} so far`;
    case 'crash':
      return end
        ? `Your VPS stopped unexpectedly at ${start} and was restarted automatically${restart ? ` on ${restart}` : ''} at ${end}; down ${down}`
        : `Your VPS stopped unexpectedly at ${start}; down ${down} so far`;
    case 'planned':
      return end ? `Stopped by your provider at ${start}, running again at ${end} (${down}; not counted against the SLA)` : `Stopped by your provider since ${start} (not counted against the SLA)`;
    case 'customer':
      return end ? `Shut down from inside the VPS at ${start}, running again at ${end} (${down}; not counted against the SLA)` : `Shut down from inside the VPS at ${start} (not counted against the SLA)`;
    case 'maintenance':
      return `${failed} went into maintenance at ${start}; your VPS was moved live to ${restart ?? 'another host'} with no downtime`;
    case 'unknown':
      return end ? `The record is incomplete from ${start} to ${end} (${down}); this time is shown as unknown` : `The record is incomplete since ${start}; this time is shown as unknown`;
  }
}

/**
 * The step sentences of server/domain/timeline.ts that name a host, as their fixed words around each host, and the
 * same fact without it. Steps are stored as written, so hiding host names rewrites them when shown. The host is
 * whatever lies between the fixed words: a host name may hold spaces, regex characters or any unicode, and
 * guessing its shape (`\S+`) let such names through (issue 21). A property test plays random engine event runs with
 * such names through the timeline and checks that what customers read does not depend on the names at all, so a new
 * step sentence with a host must be added here.
 */
const HOST_STEPS: ReadonlyArray<{ words: readonly string[]; plain: string }> = [
  { words: ['Host ', ' stopped responding to the engine'], plain: 'The host running your VPS stopped responding to the engine' },
  { words: ['Your VPS is running on host ', ''], plain: 'Your VPS is running' },
  { words: ['Host ', ' answered again; your VPS had kept running there'], plain: 'The host answered again; your VPS had kept running there' },
  { words: ['Your VPS is running again on host ', ''], plain: 'Your VPS is running again' },
  { words: ['The engine started your VPS on host ', ''], plain: 'The engine started your VPS' },
  {
    words: ['Host ', ' was powered off by its power management (fenced); your VPS was marked down'],
    plain: 'The host running your VPS was powered off by its power management (fenced); your VPS was marked down',
  },
  { words: ['Host ', ' came back without your VPS running'], plain: 'The host came back without your VPS running' },
  { words: ['Your VPS stopped unexpectedly on host ', ''], plain: 'Your VPS stopped unexpectedly' },
  { words: ['Moved live from host ', ' to host ', ' for host maintenance; no downtime'], plain: 'Moved live to another host for host maintenance; no downtime' },
];

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Each template as a pattern of its fixed words, with any text at all (even empty) where a host stands. */
const HOST_STEP_PATTERNS: ReadonlyArray<[RegExp, string]> = HOST_STEPS.map(({ words, plain }) => [new RegExp(`^${words.map(escapeRegExp).join('[\\s\\S]*')}$`, 'u'), plain]);

/** A step's sentence without the host it names (unchanged when it names none). */
export function stepWithoutHostNames(text: string): string {
  for (const [pattern, plain] of HOST_STEP_PATTERNS) if (pattern.test(text)) return plain;
  return text;
}
