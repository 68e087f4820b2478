/**
 * The steps of an incident as structured facts: what happened (`kind`), when (`at`) and on which hosts (`hosts`).
 * Words are made from them by the presenters (http/presenters/incident-text.ts), so showing or hiding host names is a
 * matter of rendering, never of rewriting stored sentences.
 *
 * The incident builder's first version stored sentences (`{ at, text }`); migration 20261206120000 turned them into
 * facts, except six that no fact reads the same and that name no host (`LegacyStep`, shown as written).
 */

/**
 * What a step says. Hosts, when the fact has any, are in `hosts` in the order the sentence names them (`moved_live`:
 * from, to). A new kind needs a sentence in the presenters' `factText`; the compiler says so.
 */
export type StepKind =
  /** A host stopped answering the engine's monitoring (hosts: [it]). */
  | 'host_not_responding'
  /** The engine set the VPS to Unknown: it cannot see it any more. */
  | 'vm_unknown'
  /** The host was power-cycled by its power management; the VPS was marked down (hosts: [it]). */
  | 'host_fenced'
  /** The host answered again without the VPS running (hosts: [it]). */
  | 'host_back_without_vm'
  /** The VPS process died on a healthy host (hosts: [it] when known). */
  | 'vm_crashed'
  /** The engine queued the VPS for an automatic restart. */
  | 'restart_queued'
  /** The engine launched the VPS on a host (hosts: [it]). */
  | 'restart_started'
  /** A restart attempt on a host failed (hosts: [it] when named); the engine keeps trying. */
  | 'restart_failed'
  /** No host had room to restart the VPS; the engine keeps trying (`waiting_for_room`). */
  | 'no_room'
  /** The VPS runs (hosts: [it] when known). */
  | 'running'
  /** The VPS runs again after an automatic restart (hosts: [it]). */
  | 'running_again'
  /** The host answered again and the VPS had kept running on it throughout (hosts: [it]). */
  | 'contact_restored'
  /** Shut down or powered off at the billing panel's request (a suspension, a termination). */
  | 'stopped_by_panel'
  /** Suspended (hibernated) at the billing panel's request. */
  | 'suspended_by_panel'
  /** Shut down or powered off by an administrator in the engine, not through the panel (hosts: [where it ran]). */
  | 'stopped_by_admin'
  /** Shut down from inside the guest. */
  | 'shut_down_inside'
  /** Someone asked the engine to start the VPS. */
  | 'start_requested'
  /** Moved live for host maintenance (hosts: [from, to]); no downtime. */
  | 'moved_live'
  | 'removed'
  /** The engine no longer holds its record of this time (events purged). */
  | 'record_gap'
  /** The VPS was seen running again after a gap in the record. */
  | 'seen_running'
  /**
   * Something the customer asked for through the panel, the client area or an admin's action API: `action` names it
   * (`reboot`, `shutdown`, …).
   */
  | 'customer_action'
  /** The bridge's periodic check found the VM gone from the engine, though nobody asked the bridge to remove it. */
  | 'reconcile_vm_missing'
  /** The bridge's periodic check found the VPS in another state than the events had told (hosts: [where it runs] when running). */
  | 'reconcile_state_corrected';

export interface IncidentStepFact {
  kind: StepKind;
  /** Epoch ms. */
  at: number;
  /** The engine's host names the fact involves; empty when none (or unknown). */
  hosts: string[];
  /** How many times the same fact repeated in a row (a restart that keeps failing); absent means once. */
  count?: number;
  /** When it last repeated (epoch ms), with `count`. */
  lastAt?: number;
  /** `customer_action` only: what was asked for. */
  action?: string;
  /** The sentence a step converted by migration 20261206120000 was stored as; read only by that migration's `down`. */
  sentence?: string;
}

/** A step stored as a finished sentence: one of the six the first version wrote that no fact reads the same. */
export interface LegacyStep {
  at: number;
  text: string;
}

export type StoredStep = IncidentStepFact | LegacyStep;

export function isLegacyStep(step: StoredStep): step is LegacyStep {
  return !('kind' in step);
}

/** Facts that repeat while the engine keeps trying: a run of them in a row is one step with a count. */
const REPEATING: ReadonlySet<StepKind> = new Set<StepKind>(['restart_failed', 'no_room']);

/** Steps kept per incident: an HA VM that cannot restart logs a failure every 30 s, then every 30 min, forever. */
export const MAX_STEPS = 40;

const sameHosts = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((h, i) => h === b[i]);

function sameFact(s: StoredStep, f: IncidentStepFact): boolean {
  return !isLegacyStep(s) && s.kind === f.kind && sameHosts(s.hosts, f.hosts) && s.action === f.action;
}

/**
 * The steps with one more fact, kept in time order. The same engine fact told twice (host trouble seen by two
 * events, the same event replayed) is kept once: a fact whose kind and hosts are already there at the same time, or
 * that is already there at all for a fact that can happen only once per incident (the host stopped responding).
 * A run of repeating facts (a restart failing every 30 s) is one step whose count grows. Past MAX_STEPS the first
 * step and the newest ones are kept.
 */
export function addStep(steps: readonly StoredStep[], fact: IncidentStepFact): StoredStep[] {
  if (steps.some((s) => sameFact(s, fact) && (s.at === fact.at || ONCE.has(fact.kind)))) return steps as StoredStep[];
  // Where it goes: after every step not later than it (stable for equal times).
  let index = steps.length;
  while (index > 0 && (steps[index - 1] as StoredStep).at > fact.at) index--;
  const before = steps[index - 1];
  if (before && REPEATING.has(fact.kind) && sameFact(before, fact) && !isLegacyStep(before)) {
    const merged: IncidentStepFact = { ...before, count: (before.count ?? 1) + 1, lastAt: Math.max(before.lastAt ?? before.at, fact.at) };
    return [...steps.slice(0, index - 1), merged, ...steps.slice(index)];
  }
  const next = [...steps.slice(0, index), fact, ...steps.slice(index)];
  return next.length > MAX_STEPS ? [...next.slice(0, 1), ...next.slice(-(MAX_STEPS - 1))] : next;
}

/** Facts that are true once per incident whatever the time: a host that stopped answering stopped once. */
const ONCE: ReadonlySet<StepKind> = new Set<StepKind>(['host_not_responding', 'vm_unknown', 'host_fenced', 'record_gap']);
