/**
 * The incident builder: a pure state machine fed, in engine order, with the events of one VM and the health of the
 * hosts it ran on. It turns the engine's audit log into incidents a customer understands.
 *
 * | event (code)                                   | VM state becomes | incident                                         |
 * |------------------------------------------------|------------------|--------------------------------------------------|
 * | host not responding (9008, 9027, 12)           | —                | (host tracker: trouble since this event)         |
 * | VM set to unknown (142)                        | unknown          | open `unknown`, from when its host went silent   |
 * | VM down with host reboot/fence (143), lost (66)| down             | open or confirm `host_failure`, same start       |
 * | VM down with error (119), HA VM failed (9602)  | down             | open `crash`                                     |
 * | user shutdown / suspend initiated (73, 501)    | —                | (remember: the next stop is planned)             |
 * | user power-off (33), suspended (503)           | down             | open `planned`                                   |
 * | VM down (61)                                   | down             | `planned` after a request, else `customer`       |
 * | HA restart launched (506, first)               | —                | step "restart started on H"                      |
 * | restart failed (507, 9603)                     | —                | step; the engine keeps trying                    |
 * | VM up: 32, 163, 196, 506 after a launch        | up               | close; `host_failure` restarted elsewhere becomes `ha_restart` |
 * | system migration for maintenance done (67→63)  | up on new host   | zero-length `maintenance` (no downtime)          |
 * | VM removed (113)                               | removed          | close                                            |
 */
import type { AvailabilityCause } from './uptime-report';

export interface TimelineEvent {
  /** Unique and stable across re-reads: `<generation>:<index>`. */
  key: string;
  code: number;
  /** Epoch ms. */
  at: number;
  hostName: string | null;
  description: string;
}

export interface IncidentDraft {
  openedBy: string;
  cause: AvailabilityCause;
  startedAt: number;
  endedAt: number | null;
  failedHost: string | null;
  restartHost: string | null;
  steps: Array<{ at: number; text: string }>;
}

export type VmStatus = 'never' | 'up' | 'down' | 'unknown' | 'removed';

export interface TimelineState {
  status: VmStatus;
  host: string | null;
  firstUpAt: number | null;
  open: IncidentDraft | null;
  /** When a shutdown, power-off or suspend was asked for through the engine: the stop that follows is planned. */
  pendingStop: number | null;
  /** Host an HA restart was launched on and has not come up yet. */
  restarting: string | null;
  migration: { from: string | null; to: string | null; maintenance: boolean } | null;
}

/** Hosts that stopped answering, and since when (epoch ms). */
export type HostHealth = Record<string, number>;

export const INITIAL_TIMELINE: TimelineState = {
  status: 'never',
  host: null,
  firstUpAt: null,
  open: null,
  pendingStop: null,
  restarting: null,
  migration: null,
};

/** Host-level codes the tracker reads. */
export const HOST_TROUBLE_CODES = new Set([9008, 9027, 12]);
export const HOST_OK_CODES = new Set([13, 9502, 75]);

/** VM-level codes the machine reads; the ingester keeps these (and the host codes) and drops the rest. */
export const VM_CODES = new Set([32, 33, 61, 62, 63, 64, 65, 66, 67, 73, 113, 119, 120, 142, 143, 153, 163, 196, 501, 503, 506, 507, 9602, 9603]);

/** Events that only a running VM can produce: it stopped, crashed, lost its host or was asked to stop. */
const STOP_CODES = new Set([33, 61, 62, 66, 67, 73, 119, 142, 143, 501, 503, 9602]);

/** A shutdown asked for longer ago than this no longer explains a stop (it failed or was abandoned). */
const PENDING_STOP_MS = 30 * 60_000;
/** Steps kept per incident: an HA VM that cannot restart logs a failure every 30 s, then every 30 min, forever. */
const MAX_STEPS = 40;

/**
 * When a host's trouble began, if it is in trouble. Own keys only: a host may be called `constructor` or `toString`,
 * and a plain object would answer for those with what it inherits.
 */
function troubleSince(health: HostHealth, host: string): number | undefined {
  return Object.hasOwn(health, host) ? health[host] : undefined;
}

/** Follows host health: the first sign of trouble is when the VMs on that host stopped being served. */
export function applyHostEvent(health: HostHealth, event: TimelineEvent): HostHealth {
  const host = event.hostName;
  if (!host) return health;
  if (HOST_TROUBLE_CODES.has(event.code) && troubleSince(health, host) === undefined) return { ...health, [host]: event.at };
  if (HOST_OK_CODES.has(event.code) && troubleSince(health, host) !== undefined) {
    const next = { ...health };
    delete next[host];
    return next;
  }
  return health;
}

export interface StepResult {
  state: TimelineState;
  /** Incidents opened, changed or closed by this event (upsert by `openedBy`). */
  changed: IncidentDraft[];
}

function withStep(i: IncidentDraft, at: number, text: string): IncidentDraft {
  const last = i.steps[i.steps.length - 1];
  // The same fact told twice (a repeated failure, host trouble seen by two events) is one step.
  if ((last && last.text === text) || i.steps.some((s) => s.at === at && s.text === text)) return i;
  const steps = [...i.steps, { at, text }];
  return { ...i, steps: steps.length > MAX_STEPS ? [...steps.slice(0, 1), ...steps.slice(-(MAX_STEPS - 1))] : steps };
}

function destination(description: string): string | null {
  const m = /Destination: ([^,)]+)/.exec(description);
  return m?.[1]?.trim() ?? null;
}

/** Feeds one VM event; `health` is the host tracker as of this event. */
export function applyVmEvent(state: TimelineState, event: TimelineEvent, health: HostHealth): StepResult {
  const { code, at } = event;
  const host = event.hostName;
  const open = state.open;
  const unchanged: StepResult = { state, changed: [] };

  /** Opens an incident, or adds to the one already open (one outage is one incident, whatever its events). */
  const begin = (cause: AvailabilityCause, startedAt: number, failedHost: string | null, steps: Array<{ at: number; text: string }>, status: VmStatus): StepResult => {
    let incident: IncidentDraft = open ?? { openedBy: event.key, cause, startedAt, endedAt: null, failedHost, restartHost: null, steps: [] };
    for (const s of steps) incident = withStep(incident, s.at, s.text);
    return { state: { ...state, status, open: incident, restarting: null }, changed: [incident] };
  };

  const goUp = (on: string | null, text: string): StepResult => {
    const next: TimelineState = {
      ...state,
      status: 'up',
      host: on ?? state.host,
      firstUpAt: state.firstUpAt ?? at,
      open: null,
      pendingStop: null,
      restarting: null,
    };
    if (!open) return { state: next, changed: [] };
    let cause = open.cause;
    if (cause === 'host_failure' && on && open.failedHost && on !== open.failedHost) cause = 'ha_restart';
    const closed = withStep({ ...open, cause, endedAt: at, restartHost: on }, at, text);
    return { state: next, changed: [closed] };
  };

  // A VM that stops was running just before: an unknown stretch left open by a gap in the record ends here.
  if (open?.openedBy.startsWith('gap:') && STOP_CODES.has(code)) {
    const closed = withStep({ ...open, endedAt: at }, at, 'Seen running again by the engine');
    const next = applyVmEvent({ ...state, status: 'up', open: null }, event, health);
    return { state: next.state, changed: [closed, ...next.changed] };
  }

  const hostTrouble = (h: string | null): number | undefined => (h ? troubleSince(health, h) : undefined);
  const troubleSteps = (h: string | null): Array<{ at: number; text: string }> => {
    const since = hostTrouble(h);
    return since !== undefined && h ? [{ at: since, text: `Host ${h} stopped responding to the engine` }] : [];
  };

  switch (code) {
    case 32:
    case 196:
      if (state.status === 'up' && !open) return { state: { ...state, host: host ?? state.host }, changed: [] };
      return goUp(host, host ? `Your VPS is running on host ${host}` : 'Your VPS is running');
    case 163: {
      const on = host ?? state.host;
      return goUp(on, `${on ? `Host ${on}` : 'The host'} answered again; your VPS had kept running there`);
    }
    case 506:
      if (state.status === 'up' && !open) return unchanged;
      if (state.restarting !== null || state.status === 'never') return goUp(host, `Your VPS is running again on host ${host ?? '?'}`);
      if (!open) return { state: { ...state, restarting: host ?? '?' }, changed: [] };
      {
        const incident = withStep(open, at, `The engine started your VPS on host ${host ?? '?'}`);
        return { state: { ...state, restarting: host ?? '?', open: incident }, changed: [incident] };
      }
    case 507:
    case 9603: {
      if (!open) return { state: { ...state, restarting: null }, changed: [] };
      const incident = withStep(open, at, 'A restart attempt failed; the engine keeps trying');
      return { state: { ...state, restarting: null, open: incident }, changed: [incident] };
    }
    case 142: {
      const failed = host ?? state.host;
      const since = hostTrouble(failed) ?? at;
      return begin('unknown', Math.min(since, at), failed, [...troubleSteps(failed), { at, text: 'The engine lost contact with your VPS' }], 'unknown');
    }
    case 143:
    case 66: {
      const failed = host ?? state.host;
      const text =
        code === 143
          ? `Host ${failed ?? '?'} was powered off by its power management (fenced); your VPS was marked down`
          : `Host ${failed ?? '?'} came back without your VPS running`;
      const since = hostTrouble(failed) ?? at;
      const result = begin('host_failure', Math.min(since, at), failed, [...troubleSteps(failed), { at, text }], 'down');
      // An outage first seen as "unknown" is now known to be a real one: the VPS died with its host.
      const incident = result.state.open;
      if (incident && incident.cause === 'unknown') {
        const confirmed = { ...incident, cause: 'host_failure' as const, failedHost: incident.failedHost ?? failed };
        return { state: { ...result.state, open: confirmed }, changed: [confirmed] };
      }
      return result;
    }
    case 119:
      return begin('crash', at, null, [{ at, text: `Your VPS stopped unexpectedly${state.host ? ` on host ${state.host}` : ''}` }], 'down');
    case 9602:
      if (open) return begin(open.cause, open.startedAt, open.failedHost, [{ at, text: 'The engine queued your VPS for an automatic restart' }], state.status === 'unknown' ? 'unknown' : 'down');
      return begin('crash', at, null, [{ at, text: 'Your VPS failed; the engine queued it for an automatic restart' }], 'down');
    case 73:
    case 501:
      return { state: { ...state, pendingStop: at }, changed: [] };
    case 33:
    case 503: {
      const start = state.pendingStop !== null && at - state.pendingStop <= PENDING_STOP_MS ? state.pendingStop : at;
      const text = code === 33 ? 'Powered off by your provider' : 'Suspended by your provider';
      const result = begin('planned', start, null, [{ at: start, text }], 'down');
      return { ...result, state: { ...result.state, pendingStop: null } };
    }
    case 61: {
      if (open) return begin(open.cause, open.startedAt, open.failedHost, [], 'down');
      const requested = state.pendingStop !== null && at - state.pendingStop <= PENDING_STOP_MS;
      const fromEngine = /shut down from the engine|admin shut down/i.test(event.description);
      if ((requested || fromEngine) && !/within the guest/i.test(event.description)) {
        const start = requested && state.pendingStop !== null ? state.pendingStop : at;
        const result = begin('planned', start, null, [{ at: start, text: 'Shut down by your provider' }], 'down');
        return { ...result, state: { ...result.state, pendingStop: null } };
      }
      return begin('customer', at, null, [{ at, text: 'Shut down from inside the VPS' }], 'down');
    }
    case 62:
    case 67:
      return {
        state: { ...state, migration: { from: host ?? state.host, to: destination(event.description), maintenance: code === 67 && /maintenance/i.test(event.description) } },
        changed: [],
      };
    case 63: {
      const migration = state.migration;
      const to = destination(event.description) ?? host ?? migration?.to ?? null;
      const next: TimelineState = { ...state, host: to ?? state.host, migration: null };
      if (!migration?.maintenance || open) return { state: next, changed: [] };
      const note: IncidentDraft = {
        openedBy: event.key,
        cause: 'maintenance',
        startedAt: at,
        endedAt: at,
        failedHost: migration.from,
        restartHost: to,
        steps: [{ at, text: `Moved live from host ${migration.from ?? '?'} to host ${to ?? '?'} for host maintenance; no downtime` }],
      };
      return { state: next, changed: [note] };
    }
    case 64:
    case 65:
    case 120:
      return { state: { ...state, migration: null }, changed: [] };
    case 153:
      if (!open) return unchanged;
      return begin(open.cause, open.startedAt, open.failedHost, [{ at, text: 'Start requested' }], state.status);
    case 113: {
      const next: TimelineState = { ...state, status: 'removed', open: null, restarting: null, pendingStop: null };
      if (!open) return { state: next, changed: [] };
      return { state: next, changed: [withStep({ ...open, endedAt: at }, at, 'Your VPS was removed')] };
    }
    default:
      return unchanged;
  }
}

export interface GapSample {
  /** The VM's status when sampled after the gap; undefined when the engine no longer has it. */
  status: string | undefined;
  host: string | null;
  /** When the VM was last started (engine `start_time`), if running. */
  startedAt: number | null;
}

/**
 * Events between `from` and `to` are lost (purged by the engine, or an id gap). What we know comes from sampling the
 * VM afterwards: a VM up since before the gap ran throughout; otherwise the gap is unknown time, never up.
 */
export function applyGap(state: TimelineState, gap: { key: string; from: number; to: number }, sample: GapSample): StepResult {
  if (state.status === 'never' || state.status === 'removed') return { state, changed: [] };
  const upNow = sample.status === 'up';
  const upThroughout = upNow && sample.startedAt !== null && sample.startedAt <= gap.from;
  const open = state.open;
  if (open) {
    if (!upNow) return { state, changed: [] };
    const end = Math.max(open.startedAt, Math.min(sample.startedAt ?? gap.to, gap.to));
    const closed = withStep({ ...open, endedAt: end }, end, 'Found running again after a gap in the engine record');
    return { state: { ...state, status: 'up', host: sample.host ?? state.host, open: null, restarting: null, pendingStop: null }, changed: [closed] };
  }
  if (upThroughout) return { state: { ...state, status: 'up', host: sample.host ?? state.host }, changed: [] };
  const incident: IncidentDraft = {
    openedBy: gap.key,
    cause: 'unknown',
    startedAt: gap.from,
    endedAt: upNow ? gap.to : null,
    failedHost: null,
    restartHost: upNow ? sample.host : null,
    steps: [{ at: gap.from, text: 'The engine no longer holds its record of this time; it is shown as unknown' }],
  };
  if (upNow) return { state: { ...state, status: 'up', host: sample.host ?? state.host }, changed: [incident] };
  return { state: { ...state, status: 'down', open: incident }, changed: [incident] };
}
