/**
 * The incident builder: a pure state machine fed, in engine order, with the events of one VM and the health of the
 * hosts it ran on. It turns the engine's audit log into incidents a customer understands, each a cause and a list of
 * structured steps (domain/incident-steps.ts) that presenters put into words.
 *
 * | event (code)                                   | VM state becomes | incident                                         |
 * |------------------------------------------------|------------------|--------------------------------------------------|
 * | host not responding (9008, 9027, 12)           | —                | (host tracker: trouble since this event)         |
 * | VM set to unknown (142)                        | unknown          | open `unknown`, from when its host went silent   |
 * | VM down with host reboot/fence (143), lost (66)| down             | open or confirm `host_failure`, same start       |
 * | VM down with error (119), HA VM failed (9602)  | down             | open `crash`                                     |
 * | shutdown / suspend initiated (73, 501)         | —                | (remember who asked: the panel or an admin)      |
 * | power-off (33), suspended (503)                | down             | `planned` if the panel asked, else `admin_stop`  |
 * | VM down (61)                                   | down             | inside the guest `customer`; asked: as above     |
 * | reboot (157) asked for by the customer         | up               | zero-length `customer` note (no downtime seen)   |
 * | HA restart launched (506, first)               | —                | step "restart started on H"                      |
 * | restart failed on a host (507, then 9603)      | —                | step; the engine keeps trying                    |
 * | restart failed with no launch (9603 alone, 54) | —                | becomes `waiting_for_room`: no host had room     |
 * | VM up: 32, 196, 506 after a launch             | up               | close; `host_failure` restarted elsewhere becomes `ha_restart`; `waiting_for_room` goes back to what it was |
 * | status restored to Up (163), no restart        | up               | close; an `unknown` stretch on the same host becomes `host_contact_lost` (it kept running) |
 * | system migration for maintenance done (67→63)  | up on new host   | zero-length `maintenance` (no downtime)          |
 * | VM removed (113)                               | removed          | close                                            |
 *
 * Who asked for a stop is read from the engine's correlation id: the bridge tags every call it makes (`svc-…`,
 * `obh-…`), so a stop carrying one was asked for by the panel (a suspension), and one without was made by an admin
 * in the engine. Whether an admin's stop counts against the SLA is decided when reports are built
 * (domain/sla-rules.ts), from the plan and the maintenance windows. A stop, shutdown, reboot or reinstall the
 * customer asked for (the client area, the panel's or the admin's action API) carries `act-<id>-<action>`
 * (domain/service-action.ts): cause `customer`, excluded, with a `customer_action` step naming what was asked for.
 */
import { addStep, type IncidentStepFact, type StepKind, type StoredStep } from './incident-steps';
import { customerActionOf } from './service-action';
import type { AvailabilityCause } from './uptime-report';

export interface TimelineEvent {
  /** Unique and stable across re-reads: `<generation>:<index>`. */
  key: string;
  code: number;
  /** Epoch ms. */
  at: number;
  hostName: string | null;
  description: string;
  /** The engine's correlation id of the command behind the event; the bridge's own start with `svc-` or `obh-`. */
  correlationId?: string | null;
}

export interface IncidentDraft {
  openedBy: string;
  cause: AvailabilityCause;
  startedAt: number;
  endedAt: number | null;
  failedHost: string | null;
  restartHost: string | null;
  steps: StoredStep[];
}

export type VmStatus = 'never' | 'up' | 'down' | 'unknown' | 'removed';

export interface TimelineState {
  status: VmStatus;
  host: string | null;
  firstUpAt: number | null;
  open: IncidentDraft | null;
  /** When a shutdown, power-off or suspend was asked for through the engine: the stop that follows is planned. */
  pendingStop: number | null;
  /** Who asked for the pending stop; absent in states saved before issue 22 (read as the panel, as they were). */
  pendingStopBy?: StopRequester;
  /** What the customer asked for, when the pending stop is theirs: `shutdown`, `reinstall`. */
  pendingAction?: string;
  /** Host an HA restart was launched on and has not come up yet. */
  restarting: string | null;
  /** The last restart attempt failed on a host (507): the 9603 that follows is that failure, not a lack of room. */
  attemptFailedOnHost?: boolean;
  migration: { from: string | null; to: string | null; maintenance: boolean } | null;
}

/**
 * Who asked the engine to stop a VM: the bridge for the panel, an administrator in the engine itself, or the customer
 * through the bridge's actions.
 */
export type StopRequester = 'panel' | 'admin' | 'customer';

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
export const VM_CODES = new Set([
  32, 33, 54, 61, 62, 63, 64, 65, 66, 67, 73, 113, 119, 120, 142, 143, 153, 157, 163, 196, 501, 503, 506, 507, 9602, 9603,
]);

/** Events that only a running VM can produce: it stopped, crashed, lost its host or was asked to stop. */
const STOP_CODES = new Set([33, 61, 62, 66, 67, 73, 119, 142, 143, 501, 503, 9602]);

/** A shutdown asked for longer ago than this no longer explains a stop (it failed or was abandoned). */
const PENDING_STOP_MS = 30 * 60_000;

/** Whether the bridge made the call behind an event (see server/services/provisioning.ts `call`, ovirt/transport.ts). */
export function askedByBridge(correlationId: string | null | undefined): boolean {
  return correlationId !== null && correlationId !== undefined && /^(svc|obh)-/.test(correlationId);
}

/** A run that failed for want of a host: "Failed to run VM … (no host / scheduling)" (54), as the engine words it. */
const NO_ROOM_TEXT = /no host|scheduling|not enough|insufficient|memory/i;

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

type Fact = Omit<IncidentStepFact, 'hosts'> & { hosts?: ReadonlyArray<string | null> };

/** A fact as stored: hosts the engine did not name are left out. */
function fact(kind: StepKind, at: number, ...hosts: Array<string | null>): Fact {
  return { kind, at, hosts };
}

function withStep(i: IncidentDraft, f: Fact): IncidentDraft {
  const hosts = (f.hosts ?? []).filter((h): h is string => h !== null && h !== '');
  const steps = addStep(i.steps, { ...f, hosts });
  return steps === i.steps ? i : { ...i, steps };
}

function destination(description: string): string | null {
  const m = /Destination: ([^,)]+)/.exec(description);
  return m?.[1]?.trim() ?? null;
}

/** What a `waiting_for_room` incident was before the engine ran out of room, judged when the VPS runs again. */
function causeOnceRunning(open: IncidentDraft, on: string | null): AvailabilityCause {
  let cause = open.cause;
  if (cause === 'waiting_for_room') cause = open.failedHost ? 'host_failure' : 'crash';
  if (cause === 'host_failure' && on && open.failedHost && on !== open.failedHost) cause = 'ha_restart';
  return cause;
}

/** Feeds one VM event; `health` is the host tracker as of this event. */
export function applyVmEvent(state: TimelineState, event: TimelineEvent, health: HostHealth): StepResult {
  const { code, at } = event;
  const host = event.hostName;
  const open = state.open;
  const unchanged: StepResult = { state, changed: [] };

  /** Opens an incident, or adds to the one already open (one outage is one incident, whatever its events). */
  const begin = (cause: AvailabilityCause, startedAt: number, failedHost: string | null, facts: Fact[], status: VmStatus): StepResult => {
    let incident: IncidentDraft = open ?? {
      openedBy: event.key,
      cause,
      startedAt,
      endedAt: null,
      failedHost,
      restartHost: null,
      steps: [],
    };
    for (const f of facts) incident = withStep(incident, f);
    return { state: { ...state, status, open: incident, restarting: null }, changed: [incident] };
  };

  const goUp = (on: string | null, f: Fact, cause?: AvailabilityCause): StepResult => {
    const next: TimelineState = {
      ...state,
      status: 'up',
      host: on ?? state.host,
      firstUpAt: state.firstUpAt ?? at,
      open: null,
      pendingStop: null,
      pendingStopBy: undefined,
      pendingAction: undefined,
      restarting: null,
      attemptFailedOnHost: undefined,
    };
    if (!open) return { state: next, changed: [] };
    const closed = withStep({ ...open, cause: cause ?? causeOnceRunning(open, on), endedAt: at, restartHost: on }, f);
    return { state: next, changed: [closed] };
  };

  // A VM that stops was running just before: an unknown stretch left open by a gap in the record ends here.
  if (open?.openedBy.startsWith('gap:') && STOP_CODES.has(code)) {
    const closed = withStep({ ...open, endedAt: at }, fact('seen_running', at));
    const next = applyVmEvent({ ...state, status: 'up', open: null }, event, health);
    return { state: next.state, changed: [closed, ...next.changed] };
  }

  const hostTrouble = (h: string | null): number | undefined => (h ? troubleSince(health, h) : undefined);
  const troubleFacts = (h: string | null): Fact[] => {
    const since = hostTrouble(h);
    return since !== undefined && h ? [fact('host_not_responding', since, h)] : [];
  };
  /** Who asked for the stop this event reports: the bridge's correlation id, or the request remembered before it. */
  const requester = (remembered: boolean): StopRequester => {
    if (customerActionOf(event.correlationId)) return 'customer';
    if (askedByBridge(event.correlationId)) return 'panel';
    return remembered ? (state.pendingStopBy ?? 'panel') : 'admin';
  };
  const stopped = (by: StopRequester, start: number, kind: StepKind): StepResult => {
    const action = customerActionOf(event.correlationId) ?? state.pendingAction;
    const result =
      by === 'customer'
        ? begin('customer', start, null, [{ kind: 'customer_action', at: start, action: action ?? 'stop' }], 'down')
        : by === 'panel'
          ? begin('planned', start, null, [fact(kind, start)], 'down')
          : begin('admin_stop', start, state.host, [fact('stopped_by_admin', start, state.host)], 'down');
    return { ...result, state: { ...result.state, pendingStop: null, pendingStopBy: undefined, pendingAction: undefined } };
  };
  /** The engine found no host with room for the VPS: it waits, down, until one frees up. */
  const noRoom = (): StepResult => {
    if (!open) return { state: { ...state, restarting: null, attemptFailedOnHost: undefined }, changed: [] };
    const incident = withStep({ ...open, cause: 'waiting_for_room' }, fact('no_room', at));
    return { state: { ...state, restarting: null, attemptFailedOnHost: undefined, open: incident }, changed: [incident] };
  };

  switch (code) {
    case 32:
    case 196:
      if (state.status === 'up' && !open) return { state: { ...state, host: host ?? state.host }, changed: [] };
      return goUp(host, fact('running', at, host));
    case 163: {
      const on = host ?? state.host;
      // Restored to Up with no restart in between, on the host it had: the VPS kept running while the engine could not
      // see it (soft fencing, a cut management network). Not a gap in our record: the engine saw it again.
      const keptRunning =
        open !== null &&
        !open.openedBy.startsWith('gap:') &&
        state.restarting === null &&
        (open.cause === 'unknown' || open.cause === 'waiting_for_room') &&
        (open.failedHost === null || on === null || on === open.failedHost);
      return goUp(on, fact('contact_restored', at, on), keptRunning ? 'host_contact_lost' : undefined);
    }
    case 506:
      if (state.status === 'up' && !open) return unchanged;
      if (state.restarting !== null || state.status === 'never') return goUp(host, fact('running_again', at, host));
      if (!open) return { state: { ...state, restarting: host ?? '?' }, changed: [] };
      {
        const incident = withStep(open, fact('restart_started', at, host));
        return { state: { ...state, restarting: host ?? '?', attemptFailedOnHost: undefined, open: incident }, changed: [incident] };
      }
    case 507: {
      if (!open) return { state: { ...state, restarting: null, attemptFailedOnHost: true }, changed: [] };
      const incident = withStep(open, fact('restart_failed', at, host ?? state.restarting));
      return { state: { ...state, restarting: null, attemptFailedOnHost: true, open: incident }, changed: [incident] };
    }
    case 9603: {
      // 9603 after a launch that failed on a host (507) or while one is starting is that attempt's failure; alone, the
      // scheduler found no host to launch on (reference §13.4): not enough room left in the cluster.
      if (!state.attemptFailedOnHost && state.restarting === null) return noRoom();
      // The 507 before it already told this failure: the same engine fact once.
      if (!open || state.attemptFailedOnHost) return { state: { ...state, restarting: null, attemptFailedOnHost: undefined }, changed: [] };
      const incident = withStep(open, fact('restart_failed', at, state.restarting === '?' ? null : state.restarting));
      return { state: { ...state, restarting: null, attemptFailedOnHost: undefined, open: incident }, changed: [incident] };
    }
    case 54:
      return open && NO_ROOM_TEXT.test(event.description) ? noRoom() : unchanged;
    case 142: {
      const failed = host ?? state.host;
      const since = hostTrouble(failed) ?? at;
      return begin('unknown', Math.min(since, at), failed, [...troubleFacts(failed), fact('vm_unknown', at)], 'unknown');
    }
    case 143:
    case 66: {
      const failed = host ?? state.host;
      const since = hostTrouble(failed) ?? at;
      const result = begin(
        'host_failure',
        Math.min(since, at),
        failed,
        [...troubleFacts(failed), fact(code === 143 ? 'host_fenced' : 'host_back_without_vm', at, failed)],
        'down',
      );
      // An outage first seen as "unknown" is now known to be a real one: the VPS died with its host.
      const incident = result.state.open;
      if (incident && incident.cause === 'unknown') {
        const confirmed = { ...incident, cause: 'host_failure' as const, failedHost: incident.failedHost ?? failed };
        return { state: { ...result.state, open: confirmed }, changed: [confirmed] };
      }
      return result;
    }
    case 119:
      return begin('crash', at, null, [fact('vm_crashed', at, state.host)], 'down');
    case 9602:
      if (open)
        return begin(
          open.cause,
          open.startedAt,
          open.failedHost,
          [fact('restart_queued', at)],
          state.status === 'unknown' ? 'unknown' : 'down',
        );
      return begin('crash', at, null, [fact('vm_crashed', at, state.host), fact('restart_queued', at)], 'down');
    case 73:
    case 501: {
      const action = customerActionOf(event.correlationId);
      const by: StopRequester = action ? 'customer' : askedByBridge(event.correlationId) ? 'panel' : 'admin';
      return { state: { ...state, pendingStop: at, pendingStopBy: by, pendingAction: action }, changed: [] };
    }
    case 157: {
      // A reboot keeps the VM up as far as the engine tells (reboot_in_progress → up, no event when it is back): the
      // customer's is noted with no downtime; anyone else's changes nothing.
      const action = customerActionOf(event.correlationId);
      if (!action || open || state.status !== 'up') return unchanged;
      const note: IncidentDraft = {
        openedBy: event.key,
        cause: 'customer',
        startedAt: at,
        endedAt: at,
        failedHost: null,
        restartHost: null,
        steps: [],
      };
      return { state, changed: [withStep(note, { kind: 'customer_action', at, action })] };
    }
    case 33:
    case 503: {
      const remembered = state.pendingStop !== null && at - state.pendingStop <= PENDING_STOP_MS;
      const start = remembered && state.pendingStop !== null ? state.pendingStop : at;
      return stopped(requester(remembered), start, code === 33 ? 'stopped_by_panel' : 'suspended_by_panel');
    }
    case 61: {
      if (open) return begin(open.cause, open.startedAt, open.failedHost, [], 'down');
      const requested = state.pendingStop !== null && at - state.pendingStop <= PENDING_STOP_MS;
      const fromEngine = /shut down from the engine|admin shut down/i.test(event.description);
      if ((requested || fromEngine) && !/within the guest/i.test(event.description)) {
        const start = requested && state.pendingStop !== null ? state.pendingStop : at;
        return stopped(requester(requested), start, 'stopped_by_panel');
      }
      return begin('customer', at, null, [fact('shut_down_inside', at)], 'down');
    }
    case 62:
    case 67:
      return {
        state: {
          ...state,
          migration: {
            from: host ?? state.host,
            to: destination(event.description),
            maintenance: code === 67 && /maintenance/i.test(event.description),
          },
        },
        changed: [],
      };
    case 63: {
      const migration = state.migration;
      const to = destination(event.description) ?? host ?? migration?.to ?? null;
      const next: TimelineState = { ...state, host: to ?? state.host, migration: null };
      if (!migration?.maintenance || open) return { state: next, changed: [] };
      const note = withStep(
        { openedBy: event.key, cause: 'maintenance', startedAt: at, endedAt: at, failedHost: migration.from, restartHost: to, steps: [] },
        fact('moved_live', at, migration.from, to),
      );
      return { state: next, changed: [note] };
    }
    case 64:
    case 65:
    case 120:
      return { state: { ...state, migration: null }, changed: [] };
    case 153:
      if (!open) return unchanged;
      return begin(open.cause, open.startedAt, open.failedHost, [fact('start_requested', at)], state.status);
    case 113: {
      const next: TimelineState = {
        ...state,
        status: 'removed',
        open: null,
        restarting: null,
        pendingStop: null,
        pendingStopBy: undefined,
      };
      if (!open) return { state: next, changed: [] };
      return { state: next, changed: [withStep({ ...open, endedAt: at }, fact('removed', at))] };
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
    const closed = withStep({ ...open, endedAt: end }, fact('seen_running', end));
    return {
      state: { ...state, status: 'up', host: sample.host ?? state.host, open: null, restarting: null, pendingStop: null },
      changed: [closed],
    };
  }
  if (upThroughout) return { state: { ...state, status: 'up', host: sample.host ?? state.host }, changed: [] };
  const incident: IncidentDraft = {
    openedBy: gap.key,
    cause: 'unknown',
    startedAt: gap.from,
    endedAt: upNow ? gap.to : null,
    failedHost: null,
    restartHost: upNow ? sample.host : null,
    steps: [{ kind: 'record_gap', at: gap.from, hosts: [] }],
  };
  if (upNow) return { state: { ...state, status: 'up', host: sample.host ?? state.host }, changed: [incident] };
  return { state: { ...state, status: 'down', open: incident }, changed: [incident] };
}
