/**
 * What the incident builder (domain/timeline.ts) reads and keeps per VM: the events it is fed, the state it carries
 * from one event to the next, and the incidents it drafts, with the small helpers every part of it shares.
 */
import { addStep, type IncidentStepFact, type StepKind, type StoredStep } from './incident-steps';
import type { AvailabilityCause } from './uptime-report';

export interface TimelineEvent {
  /** Unique and stable across re-reads: `<generation>:<index>`. */
  key: string;
  /** The engine's audit-log code (domain/engine-event-codes.ts names them). */
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

/**
 * Who asked the engine to stop a VM: the bridge for the panel, an administrator in the engine itself, or the customer
 * through the bridge's actions.
 */
export type StopRequester = 'panel' | 'admin' | 'customer';

export interface TimelineState {
  status: VmStatus;
  host: string | null;
  firstUpAt: number | null;
  open: IncidentDraft | null;
  /** When a shutdown, power-off or suspend was asked for through the engine: the stop that follows is planned. */
  pendingStop: number | null;
  /** Who asked for the pending stop; absent in states saved before it was kept (read as the panel, as they were). */
  pendingStopBy?: StopRequester;
  /** What the customer asked for, when the pending stop is theirs: `shutdown`, `reinstall`. */
  pendingAction?: string;
  /** Host an HA restart was launched on and has not come up yet. */
  restarting: string | null;
  /** The last restart attempt failed on a host (VDS_INITIATED_RUN_VM_FAILED): the HA_VM_RESTART_FAILED that follows is that failure, not a lack of room. */
  attemptFailedOnHost?: boolean;
  migration: { from: string | null; to: string | null; maintenance: boolean } | null;
}

export const INITIAL_TIMELINE: TimelineState = {
  status: 'never',
  host: null,
  firstUpAt: null,
  open: null,
  pendingStop: null,
  restarting: null,
  migration: null,
};

export interface StepResult {
  state: TimelineState;
  /** Incidents opened, changed or closed by this event (upsert by `openedBy`). */
  changed: IncidentDraft[];
}

export type Fact = Omit<IncidentStepFact, 'hosts'> & { hosts?: ReadonlyArray<string | null> };

/** A fact as stored: hosts the engine did not name are left out. */
export function fact(kind: StepKind, at: number, ...hosts: Array<string | null>): Fact {
  return { kind, at, hosts };
}

export function withStep(i: IncidentDraft, f: Fact): IncidentDraft {
  const hosts = (f.hosts ?? []).filter((h): h is string => h !== null && h !== '');
  const steps = addStep(i.steps, { ...f, hosts });
  return steps === i.steps ? i : { ...i, steps };
}
