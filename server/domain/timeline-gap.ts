/** Lost events in the incident builder's record: what sampling the VM afterwards tells of the time they covered. */
import { fact, type IncidentDraft, type StepResult, type TimelineState, withStep } from './timeline-state';

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
