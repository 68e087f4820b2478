/**
 * The one-sentence story of an incident, in words a customer understands, with times in the plan's time zone:
 * "Host host2 failed at 03:12:04; your VPS was restarted on host3 at 03:14:37; down 2 min 33 s".
 */
import { isLegacyStep, type StepKind, type StoredStep } from './incident-steps';
import type { IncidentDraft } from './timeline';
import type { IncidentStep } from './uptime-report';
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

/** A customer's action in words: "a reboot", "a power-off". */
function actionWords(action: string | undefined): string {
  const words: Record<string, string> = {
    stop: 'a power-off',
    shutdown: 'a shutdown',
    reboot: 'a reboot',
    reinstall: 'a reinstall',
    start: 'a start',
  };
  return (action && words[action]) ?? (action ? `a ${action.replace(/_/g, ' ')}` : 'an action');
}

/** What the customer asked for that began the incident, in words; undefined when they asked for nothing. */
function customerAsked(i: IncidentDraft): string | undefined {
  const first = i.steps.find((s) => 'kind' in s && s.kind === 'customer_action');
  return first && 'kind' in first ? actionWords(first.action) : undefined;
}

/**
 * The incident's sentence. `hostNames` false leaves the engine's host names out (CLIENT_HOST_NAMES=hide): providers
 * who keep their hosts to themselves still tell customers what happened.
 */
export function describeIncident(i: IncidentDraft, timeZone: string, now: number, hostNames = true): string {
  const at = (ms: number) =>
    formatDay(ms, timeZone) === formatDay(i.startedAt, timeZone)
      ? formatClock(ms, timeZone)
      : `${formatClock(ms, timeZone)} on ${formatDay(ms, timeZone)}`;
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
    case 'waiting_for_room': {
      // Honest while it lasts: no host has room, so nothing restarts until the provider frees or adds capacity.
      const what = i.failedHost ? `${failed} failed at ${start}` : `Your VPS stopped unexpectedly at ${start}`;
      return end
        ? `${what}; no host had room to restart your VPS until ${end}; down ${down}`
        : `${what}; no host has room to restart your VPS yet and your provider has been alerted; down ${down} so far`;
    }
    case 'crash':
      return end
        ? `Your VPS stopped unexpectedly at ${start} and was restarted automatically${restart ? ` on ${restart}` : ''} at ${end}; down ${down}`
        : `Your VPS stopped unexpectedly at ${start}; down ${down} so far`;
    case 'host_contact_lost': {
      const host = hostNames && i.failedHost ? `host ${i.failedHost}` : 'the host running your VPS';
      return end
        ? `Your VPS kept running while your provider's monitoring lost contact with ${host}, from ${start} to ${end} (${formatDuration(Math.round(((i.endedAt ?? now) - i.startedAt) / 1000))})`
        : `Your provider's monitoring lost contact with ${host} at ${start}; your VPS is believed to be still running`;
    }
    case 'planned':
      return end
        ? `Stopped through the billing panel (a suspension) at ${start}, running again at ${end} (${down}; not counted against the SLA)`
        : `Stopped through the billing panel (a suspension) since ${start} (not counted against the SLA)`;
    case 'admin_stop':
      return end
        ? `Stopped by an administrator of your provider at ${start}, running again at ${end} (${down})`
        : `Stopped by an administrator of your provider since ${start}`;
    case 'customer': {
      // Asked for through the panel, the client area or an admin's action: said as the customer's request.
      const asked = customerAsked(i);
      if (asked && end === start && i.endedAt === i.startedAt) return `You asked for ${asked} at ${start} (not counted against the SLA)`;
      if (asked)
        return end
          ? `You asked for ${asked} at ${start}; running again at ${end} (${down}; not counted against the SLA)`
          : `Off since ${start}, as you asked (${asked}; not counted against the SLA)`;
      return end
        ? `Shut down from inside the VPS at ${start}, running again at ${end} (${down}; not counted against the SLA)`
        : `Shut down from inside the VPS at ${start} (not counted against the SLA)`;
    }
    case 'maintenance':
      return `${failed} went into maintenance at ${start}; your VPS was moved live to ${restart ?? 'another host'} with no downtime`;
    case 'unknown':
      return end
        ? `The record is incomplete from ${start} to ${end} (${down}); this time is shown as unknown`
        : `The record is incomplete since ${start}; this time is shown as unknown`;
    case 'vm_missing':
      return end
        ? `Your VPS was gone from the virtualization platform from ${start} until ${end}; down ${down}`
        : `Your VPS has been gone from the virtualization platform since ${start} and your provider has been told; down ${down} so far`;
  }
}

/** The facts of one step, as `describeStep` reads them. */
export interface StepFacts {
  kind: StepKind;
  hosts: readonly string[];
  count?: number;
  action?: string;
}

const times = (count: number | undefined) => (count !== undefined && count > 1 ? ` (${count} attempts so far)` : '');

/**
 * One step in words. Hosts are named only when the step carries them: a report for customers who do not see host
 * names (CLIENT_HOST_NAMES=hide) has its steps' hosts emptied, and the same kinds then read without them.
 */
export function describeStep(step: StepFacts): string {
  const [h, to] = step.hosts;
  switch (step.kind) {
    case 'host_not_responding':
      return h ? `Host ${h} stopped responding to the engine` : 'The host running your VPS stopped responding to the engine';
    case 'vm_unknown':
      return 'The engine lost contact with your VPS';
    case 'host_fenced':
      return `${h ? `Host ${h}` : 'The host running your VPS'} was powered off by its power management (fenced); your VPS was marked down`;
    case 'host_back_without_vm':
      return h ? `Host ${h} came back without your VPS running` : 'The host came back without your VPS running';
    case 'vm_crashed':
      return h ? `Your VPS stopped unexpectedly on host ${h}` : 'Your VPS stopped unexpectedly';
    case 'restart_queued':
      return 'The engine queued your VPS for an automatic restart';
    case 'restart_started':
      return h ? `The engine started your VPS on host ${h}` : 'The engine started your VPS';
    case 'restart_failed':
      return `A restart attempt${h ? ` on host ${h}` : ''} failed; the engine keeps trying${times(step.count)}`;
    case 'no_room':
      return `No host had room to restart your VPS; the engine keeps trying and your provider has been alerted${times(step.count)}`;
    case 'running':
      return h ? `Your VPS is running on host ${h}` : 'Your VPS is running';
    case 'running_again':
      return h ? `Your VPS is running again on host ${h}` : 'Your VPS is running again';
    case 'contact_restored':
      return h ? `Host ${h} answered again; your VPS had kept running there` : 'The host answered again; your VPS had kept running there';
    case 'stopped_by_panel':
      return 'Stopped through the billing panel';
    case 'suspended_by_panel':
      return 'Suspended through the billing panel';
    case 'stopped_by_admin':
      return h ? `Stopped by an administrator of your provider on host ${h}` : 'Stopped by an administrator of your provider';
    case 'shut_down_inside':
      return 'Shut down from inside the VPS';
    case 'start_requested':
      return 'Start requested';
    case 'moved_live':
      return h || to
        ? `Moved live from host ${h ?? '?'} to host ${to ?? '?'} for host maintenance; no downtime`
        : 'Moved live to another host for host maintenance; no downtime';
    case 'removed':
      return 'Your VPS was removed';
    case 'record_gap':
      return 'The engine no longer holds its record of this time; it is shown as unknown';
    case 'seen_running':
      return 'Seen running again after a gap in the engine record';
    case 'customer_action':
      return `You asked for ${actionWords(step.action)}`;
    case 'reconcile_vm_missing':
      return 'Your provider\u2019s check found your VPS gone from the virtualization platform';
    case 'reconcile_state_corrected':
      return h
        ? `Your provider\u2019s check found your VPS running on host ${h}`
        : 'Your provider\u2019s check corrected the recorded state of your VPS';
  }
}

/**
 * A stored step as the report carries it: facts stay facts (hosts emptied when they are not shown), and a sentence
 * stored before issue 22 stays that sentence (its host taken out when they are not shown).
 */
export function reportStep(step: StoredStep, hostNames: boolean): IncidentStep {
  if (isLegacyStep(step)) return { at: new Date(step.at), text: hostNames ? step.text : stepWithoutHostNames(step.text) };
  return {
    at: new Date(step.at),
    kind: step.kind,
    hosts: hostNames ? [...step.hosts] : [],
    count: step.count ?? 1,
    ...(step.action === undefined ? {} : { action: step.action }),
  };
}

/** A report's step in words: facts through `describeStep`, a sentence stored before issue 22 as it was written. */
export function stepSentence(step: IncidentStep): string {
  return 'text' in step ? step.text : describeStep(step);
}

/**
 * Steps stored before issue 22 were sentences. Those of them that name a host, as their fixed words around each host,
 * and the same fact without it: an old incident's steps are shown as written, with the host taken out for customers
 * who do not see host names. New steps are facts (`describeStep`) and need none of this. The host is
 * whatever lies between the fixed words: a host name may hold spaces, regex characters or any unicode, and
 * guessing its shape (`\S+`) let such names through. The list is closed:
 * nothing stores sentences any more.
 */
const HOST_STEPS: ReadonlyArray<{ words: readonly string[]; plain: string }> = [
  { words: ['Host ', ' stopped responding to the engine'], plain: 'The host running your VPS stopped responding to the engine' },
  { words: ['Your VPS is running on host ', ''], plain: 'Your VPS is running' },
  {
    words: ['Host ', ' answered again; your VPS had kept running there'],
    plain: 'The host answered again; your VPS had kept running there',
  },
  { words: ['Your VPS is running again on host ', ''], plain: 'Your VPS is running again' },
  { words: ['The engine started your VPS on host ', ''], plain: 'The engine started your VPS' },
  {
    words: ['Host ', ' was powered off by its power management (fenced); your VPS was marked down'],
    plain: 'The host running your VPS was powered off by its power management (fenced); your VPS was marked down',
  },
  { words: ['Host ', ' came back without your VPS running'], plain: 'The host came back without your VPS running' },
  { words: ['Your VPS stopped unexpectedly on host ', ''], plain: 'Your VPS stopped unexpectedly' },
  {
    words: ['Moved live from host ', ' to host ', ' for host maintenance; no downtime'],
    plain: 'Moved live to another host for host maintenance; no downtime',
  },
];

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Each template as a pattern of its fixed words, with any text at all (even empty) where a host stands. */
const HOST_STEP_PATTERNS: ReadonlyArray<[RegExp, string]> = HOST_STEPS.map(({ words, plain }) => [
  new RegExp(`^${words.map(escapeRegExp).join('[\\s\\S]*')}$`, 'u'),
  plain,
]);

/** A step's sentence without the host it names (unchanged when it names none). */
export function stepWithoutHostNames(text: string): string {
  for (const [pattern, plain] of HOST_STEP_PATTERNS) if (pattern.test(text)) return plain;
  return text;
}
