/**
 * Incidents in words a customer understands, with times in the plan's time zone: the one-sentence story
 * ("Host host2 failed at 03:12:04; your VPS was restarted on host3 at 03:14:37; down 2 min 33 s") and each step.
 * The domain hands over facts (causes, kinds, times, counts, hosts); the words are made here and nowhere else.
 * Shared by the JSON presenters (the panel's uptime JSON; the report's sentence, handed to the uptime use case by
 * the wiring) and the pages' view models (http/view-models/), so it stays here, below both.
 */
import type { StepKind } from '../../domain/incident-steps';
import { incidentSeconds } from '../../domain/incident-report';
import type { IncidentDraft } from '../../domain/timeline';
import type { IncidentStep } from '../../domain/uptime-report';
import { formatClock, formatDay, formatDuration } from './time-words';

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
export function incidentSummary(i: IncidentDraft, timeZone: string, now: number, hostNames = true): string {
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
        ? `Your VPS kept running while your provider's monitoring lost contact with ${host}, ` +
            `from ${start} to ${end} (${formatDuration(Math.round(((i.endedAt ?? now) - i.startedAt) / 1000))})`
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

/** The facts of one step, as `factText` reads them. */
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
export function factText(step: StepFacts): string {
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

/** A report's step in words: facts through `factText`, an old stored sentence through `legacySentence`. */
export function stepText(step: IncidentStep): string {
  return 'text' in step ? legacySentence(step.text) : factText(step);
}

/**
 * A step stored as a sentence by the incident builder's first version and left a sentence by migration
 * 20261206120000, because no fact reads the same words: "Powered off by your provider", "Suspended by your
 * provider", "Shut down by your provider", "Your VPS failed; the engine queued it for an automatic restart", "Found
 * running again after a gap in the engine record", "Seen running again by the engine". None names a host (every
 * sentence that did became a fact), so it is shown as written.
 */
export function legacySentence(text: string): string {
  return text;
}
