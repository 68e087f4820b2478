/**
 * What the periodic VM check (events/vm-reconcile.ts) does to one service's timeline, pure. The engine's events are
 * the timeline's main source; the check compares the timeline with the VM as the engine lists it now and corrects
 * what events cannot tell:
 *
 * | VM in the engine's list       | timeline                         | becomes                                              |
 * |-------------------------------|----------------------------------|------------------------------------------------------|
 * | absent                        | anything but an open `vm_missing`| open `vm_missing` from the removal (or detection);   |
 * |                               |                                  | an incident still open is closed there               |
 * | absent                        | open `vm_missing`                | unchanged                                            |
 * | running (up, migrating, …)    | an incident open                 | close it when the VM started (not before the         |
 * |                               |                                  | incident, not after now); step                       |
 * |                               |                                  | `reconcile_state_corrected`                          |
 * | running                       | never, down, unknown or removed  | up, no incident (nothing was seen to go wrong)       |
 * | down                          | up with no incident              | open `unknown` (`planned` when the service is        |
 * |                               |                                  | suspended) from now; step `reconcile_state_corrected`|
 * | down                          | never or removed                 | down, no incident                                    |
 * | unknown, locked, starting, …  | anything                         | unchanged: the events will tell                      |
 * | running on another host       | host H                           | host is the VM's                                     |
 */
import { addStep, type StepKind } from './incident-steps';
import type { AvailabilityCause } from './uptime-report';
import type { IncidentDraft, StepResult, TimelineState } from './timeline';

/** The engine's VM status folded into what the timeline tracks; `transient` is left for the events to settle. */
export type ObservedState = 'running' | 'down' | 'transient';

const RUNNING = new Set(['up', 'migrating', 'reboot_in_progress', 'powering_down']);
const DOWN = new Set(['down', 'suspended']);

export function observedState(status: string): ObservedState {
  if (RUNNING.has(status)) return 'running';
  if (DOWN.has(status)) return 'down';
  // unknown and not_responding are a host's trouble, told by its events; image_locked, wait_for_launch, powering_up,
  // paused, saving_state and restoring_state are on their way somewhere.
  return 'transient';
}

/** The VM as the engine's list shows it. */
export interface ObservedVm {
  status: string;
  /** The host's name, when the VM runs on one. */
  host: string | null;
  /** When it last started (engine `start_time`), epoch ms. */
  startedAt: number | null;
}

function step(incident: IncidentDraft, kind: StepKind, at: number, hosts: Array<string | null> = []): IncidentDraft {
  const steps = addStep(incident.steps, { kind, at, hosts: hosts.filter((h): h is string => h !== null && h !== '') });
  return steps === incident.steps ? incident : { ...incident, steps };
}

/**
 * The VM is not in the engine's list. `since`: when it went (the engine's removal event), else when the check found it
 * gone (`at`); `key` names the new incident (unique per service and detection).
 */
export function reconcileMissing(state: TimelineState, missing: { key: string; at: number; since: number }): StepResult {
  const open = state.open;
  if (open?.cause === 'vm_missing') return { state, changed: [] };
  const since = Math.min(missing.since, missing.at);
  const changed: IncidentDraft[] = [];
  let startedAt = since;
  if (open) {
    // One outage, two incidents: what it was until the VM went, then the VM being gone.
    const end = Math.max(open.startedAt, since);
    changed.push(step({ ...open, endedAt: end }, 'removed', end));
    startedAt = end;
  }
  const incident = step(
    { openedBy: missing.key, cause: 'vm_missing', startedAt, endedAt: null, failedHost: null, restartHost: null, steps: [] },
    'reconcile_vm_missing',
    missing.at,
  );
  changed.push(incident);
  return {
    state: { ...state, status: 'removed', open: incident, restarting: null, pendingStop: null, pendingStopBy: undefined, migration: null },
    changed,
  };
}

/** What `reconcileObserved` corrected, for counting. */
export type Correction = 'none' | 'host' | 'state';

/**
 * The VM is in the list: the timeline's status and host follow what the engine shows. `suspended`: the service is
 * suspended, so a VM found down without a record of why is down on purpose (planned), not unknown.
 */
export function reconcileObserved(
  state: TimelineState,
  vm: ObservedVm,
  at: number,
  key: string,
  suspended: boolean,
): StepResult & { correction: Correction } {
  const seen = observedState(vm.status);
  const open = state.open;
  if (seen === 'transient') return { state, changed: [], correction: 'none' };
  if (seen === 'running') {
    const host = vm.host ?? state.host;
    if (open) {
      // It came back while the events said nothing (lost, or a VM re-created by hand under our name).
      const end = Math.min(at, Math.max(open.startedAt, vm.startedAt ?? at));
      let cause: AvailabilityCause = open.cause;
      if (cause === 'waiting_for_room') cause = open.failedHost ? 'host_failure' : 'crash';
      if (cause === 'host_failure' && vm.host && open.failedHost && vm.host !== open.failedHost) cause = 'ha_restart';
      const closed = step({ ...open, cause, endedAt: end, restartHost: vm.host }, 'reconcile_state_corrected', at, [vm.host]);
      return {
        state: {
          ...state,
          status: 'up',
          host,
          firstUpAt: state.firstUpAt ?? end,
          open: null,
          restarting: null,
          pendingStop: null,
          pendingStopBy: undefined,
          attemptFailedOnHost: undefined,
        },
        changed: [closed],
        correction: 'state',
      };
    }
    if (state.status !== 'up')
      return {
        state: { ...state, status: 'up', host, firstUpAt: state.firstUpAt ?? vm.startedAt ?? at },
        changed: [],
        correction: 'state',
      };
    if (vm.host && vm.host !== state.host) return { state: { ...state, host: vm.host }, changed: [], correction: 'host' };
    return { state, changed: [], correction: 'none' };
  }
  // Down.
  if (state.status === 'up' && !open) {
    const incident = step(
      {
        openedBy: key,
        cause: suspended ? 'planned' : 'unknown',
        startedAt: at,
        endedAt: null,
        failedHost: null,
        restartHost: null,
        steps: [],
      },
      'reconcile_state_corrected',
      at,
    );
    return { state: { ...state, status: 'down', open: incident, restarting: null }, changed: [incident], correction: 'state' };
  }
  if (state.status === 'never' || state.status === 'removed')
    return { state: { ...state, status: 'down' }, changed: [], correction: 'state' };
  return { state, changed: [], correction: 'none' };
}

/** A `vm_missing` incident of a service that has since been terminated ends with it. */
export function endMissing(state: TimelineState, at: number): StepResult {
  const open = state.open;
  if (open?.cause !== 'vm_missing') return { state, changed: [] };
  const closed = { ...open, endedAt: Math.max(open.startedAt, at) };
  return { state: { ...state, open: null }, changed: [closed] };
}
