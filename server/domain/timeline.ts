/**
 * The incident builder: a pure state machine fed, in engine order, with the events of one VM and the health of the
 * hosts it ran on. It turns the engine's audit log into incidents a customer understands, each a cause and a list of
 * structured steps (domain/incident-steps.ts) that presenters put into words.
 *
 * | engine event (engine-event-codes.ts)                       | VM state | incident                                      |
 * |------------------------------------------------------------|----------|-----------------------------------------------|
 * | VDS_HOST_NOT_RESPONDING(_CONNECTING), VDS_FAILURE          | —        | (host tracker, domain/host-health.ts)         |
 * | VM_SET_TO_UNKNOWN_STATUS                                   | unknown  | open `unknown`, from when its host went silent |
 * | VM_WAS_SET_DOWN_DUE_TO_HOST_REBOOT_OR_MANUAL_FENCE, VM_FAILURE | down | open or confirm `host_failure`, same start    |
 * | VM_DOWN_ERROR, HA_VM_FAILED                                | down     | open `crash`                                  |
 * | USER_INITIATED_SHUTDOWN_VM, USER_SUSPEND_VM                | —        | (remember who asked: panel, admin, customer)  |
 * | USER_STOP_VM, USER_SUSPEND_VM_OK                           | down     | `planned` if the panel asked, else `admin_stop` |
 * | VM_DOWN                                                    | down     | inside the guest `customer`; asked: as above  |
 * | USER_REBOOT_VM asked for by the customer                   | up       | zero-length `customer` note (no downtime seen) |
 * | VDS_INITIATED_RUN_VM (first: the HA restart is launched)   | —        | step "restart started on H"                   |
 * | VDS_INITIATED_RUN_VM_FAILED (then HA_VM_RESTART_FAILED)    | —        | step; the engine keeps trying                 |
 * | HA_VM_RESTART_FAILED alone, USER_FAILED_RUN_VM "no host"   | —        | becomes `waiting_for_room`: no host had room  |
 * | USER_RUN_VM, VM_RECOVERED_FROM_PAUSE_ERROR,                | up       | close; `host_failure` restarted elsewhere     |
 * | VDS_INITIATED_RUN_VM after a launch                        |          | becomes `ha_restart`; `waiting_for_room` goes |
 * |                                                            |          | back to what it was                           |
 * | VM_STATUS_RESTORED with no restart                         | up       | close; an `unknown` stretch on the same host  |
 * |                                                            |          | becomes `host_contact_lost` (it kept running) |
 * | VM_MIGRATION_START_SYSTEM_INITIATED for maintenance, then VM_MIGRATION_DONE | up on new host | zero-length `maintenance` |
 * | USER_REMOVE_VM_FINISHED                                    | removed  | close                                         |
 *
 * Who asked for a stop is read from the engine's correlation id: the bridge tags every call it makes (`svc-…`,
 * `obh-…`), so a stop carrying one was asked for by the panel (a suspension), and one without was made by an admin
 * in the engine. Whether an admin's stop counts against the SLA is decided when reports are built
 * (domain/sla-rules.ts), from the plan and the maintenance windows. A stop, shutdown, reboot or reinstall the
 * customer asked for (the client area, the panel's or the admin's action API) carries `act-<id>-<action>`
 * (domain/service-action.ts): cause `customer`, excluded, with a `customer_action` step naming what was asked for.
 */
import { ENGINE_EVENT as E } from './engine-event-codes';
import { troubleSince, type HostHealth } from './host-health';
import type { StepKind } from './incident-steps';
import { customerActionOf } from './service-action';
import { askedByBridge, NO_ROOM_TEXT, STOP_CODES } from './timeline-events';
import { migrationDone, migrationStarted } from './timeline-migrations';
import {
  fact,
  type Fact,
  type IncidentDraft,
  type StepResult,
  type StopRequester,
  type TimelineEvent,
  type TimelineState,
  type VmStatus,
  withStep,
} from './timeline-state';
import type { AvailabilityCause } from './uptime-report';

// The builder's parts live beside it; importers read them all from here.
export { applyHostEvent, HOST_OK_CODES, HOST_TROUBLE_CODES, type HostHealth } from './host-health';
export { applyGap, type GapSample } from './timeline-gap';
export { askedByBridge, VM_CODES } from './timeline-events';
export {
  INITIAL_TIMELINE,
  type IncidentDraft,
  type StepResult,
  type StopRequester,
  type TimelineEvent,
  type TimelineState,
  type VmStatus,
} from './timeline-state';

/** A shutdown asked for longer ago than this no longer explains a stop (it failed or was abandoned). */
const PENDING_STOP_MS = 30 * 60_000;

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
    case E.USER_RUN_VM:
    case E.VM_RECOVERED_FROM_PAUSE_ERROR:
      if (state.status === 'up' && !open) return { state: { ...state, host: host ?? state.host }, changed: [] };
      return goUp(host, fact('running', at, host));
    case E.VM_STATUS_RESTORED: {
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
    case E.VDS_INITIATED_RUN_VM:
      if (state.status === 'up' && !open) return unchanged;
      if (state.restarting !== null || state.status === 'never') return goUp(host, fact('running_again', at, host));
      if (!open) return { state: { ...state, restarting: host ?? '?' }, changed: [] };
      {
        const incident = withStep(open, fact('restart_started', at, host));
        return { state: { ...state, restarting: host ?? '?', attemptFailedOnHost: undefined, open: incident }, changed: [incident] };
      }
    case E.VDS_INITIATED_RUN_VM_FAILED: {
      if (!open) return { state: { ...state, restarting: null, attemptFailedOnHost: true }, changed: [] };
      const incident = withStep(open, fact('restart_failed', at, host ?? state.restarting));
      return { state: { ...state, restarting: null, attemptFailedOnHost: true, open: incident }, changed: [incident] };
    }
    case E.HA_VM_RESTART_FAILED: {
      // HA_VM_RESTART_FAILED after a launch that failed on a host or while one is starting is that attempt's failure; alone, the
      // scheduler found no host to launch on (docs/ovirt-api.md §13.4): not enough room left in the cluster.
      if (!state.attemptFailedOnHost && state.restarting === null) return noRoom();
      // The VDS_INITIATED_RUN_VM_FAILED before it already told this failure: the same engine fact once.
      if (!open || state.attemptFailedOnHost) return { state: { ...state, restarting: null, attemptFailedOnHost: undefined }, changed: [] };
      const incident = withStep(open, fact('restart_failed', at, state.restarting === '?' ? null : state.restarting));
      return { state: { ...state, restarting: null, attemptFailedOnHost: undefined, open: incident }, changed: [incident] };
    }
    case E.USER_FAILED_RUN_VM:
      return open && NO_ROOM_TEXT.test(event.description) ? noRoom() : unchanged;
    case E.VM_SET_TO_UNKNOWN_STATUS: {
      const failed = host ?? state.host;
      const since = hostTrouble(failed) ?? at;
      return begin('unknown', Math.min(since, at), failed, [...troubleFacts(failed), fact('vm_unknown', at)], 'unknown');
    }
    case E.VM_WAS_SET_DOWN_DUE_TO_HOST_REBOOT_OR_MANUAL_FENCE:
    case E.VM_FAILURE: {
      const failed = host ?? state.host;
      const since = hostTrouble(failed) ?? at;
      const result = begin(
        'host_failure',
        Math.min(since, at),
        failed,
        [
          ...troubleFacts(failed),
          fact(code === E.VM_WAS_SET_DOWN_DUE_TO_HOST_REBOOT_OR_MANUAL_FENCE ? 'host_fenced' : 'host_back_without_vm', at, failed),
        ],
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
    case E.VM_DOWN_ERROR:
      return begin('crash', at, null, [fact('vm_crashed', at, state.host)], 'down');
    case E.HA_VM_FAILED:
      if (open)
        return begin(
          open.cause,
          open.startedAt,
          open.failedHost,
          [fact('restart_queued', at)],
          state.status === 'unknown' ? 'unknown' : 'down',
        );
      return begin('crash', at, null, [fact('vm_crashed', at, state.host), fact('restart_queued', at)], 'down');
    case E.USER_INITIATED_SHUTDOWN_VM:
    case E.USER_SUSPEND_VM: {
      const action = customerActionOf(event.correlationId);
      const by: StopRequester = action ? 'customer' : askedByBridge(event.correlationId) ? 'panel' : 'admin';
      return { state: { ...state, pendingStop: at, pendingStopBy: by, pendingAction: action }, changed: [] };
    }
    case E.USER_REBOOT_VM: {
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
    case E.USER_STOP_VM:
    case E.USER_SUSPEND_VM_OK: {
      const remembered = state.pendingStop !== null && at - state.pendingStop <= PENDING_STOP_MS;
      const start = remembered && state.pendingStop !== null ? state.pendingStop : at;
      return stopped(requester(remembered), start, code === E.USER_STOP_VM ? 'stopped_by_panel' : 'suspended_by_panel');
    }
    case E.VM_DOWN: {
      if (open) return begin(open.cause, open.startedAt, open.failedHost, [], 'down');
      const requested = state.pendingStop !== null && at - state.pendingStop <= PENDING_STOP_MS;
      const fromEngine = /shut down from the engine|admin shut down/i.test(event.description);
      if ((requested || fromEngine) && !/within the guest/i.test(event.description)) {
        const start = requested && state.pendingStop !== null ? state.pendingStop : at;
        return stopped(requester(requested), start, 'stopped_by_panel');
      }
      return begin('customer', at, null, [fact('shut_down_inside', at)], 'down');
    }
    case E.VM_MIGRATION_START:
    case E.VM_MIGRATION_START_SYSTEM_INITIATED:
      return migrationStarted(state, event);
    case E.VM_MIGRATION_DONE:
      return migrationDone(state, event);
    case E.VM_MIGRATION_ABORT:
    case E.VM_MIGRATION_FAILED:
    case E.VM_MIGRATION_TO_SERVER_FAILED:
      return { state: { ...state, migration: null }, changed: [] };
    case E.USER_STARTED_VM:
      if (!open) return unchanged;
      return begin(open.cause, open.startedAt, open.failedHost, [fact('start_requested', at)], state.status);
    case E.USER_REMOVE_VM_FINISHED: {
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
