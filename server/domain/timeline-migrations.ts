/**
 * Migrations in the incident builder: one started for a host's maintenance and completed is a zero-length
 * `maintenance` note (the VPS moved live, no downtime); any other migration only moves the VPS to its new host.
 */
import { ENGINE_EVENT as E } from './engine-event-codes';
import { destination } from './timeline-events';
import { fact, type StepResult, type TimelineEvent, type TimelineState, withStep } from './timeline-state';

/** VM_MIGRATION_START or VM_MIGRATION_START_SYSTEM_INITIATED: remember where from, where to and whether for maintenance. */
export function migrationStarted(state: TimelineState, event: TimelineEvent): StepResult {
  const migration = {
    from: event.hostName ?? state.host,
    to: destination(event.description),
    maintenance: event.code === E.VM_MIGRATION_START_SYSTEM_INITIATED && /maintenance/i.test(event.description),
  };
  return { state: { ...state, migration }, changed: [] };
}

/** VM_MIGRATION_DONE: the VPS runs on its new host; a maintenance move with nothing open is noted. */
export function migrationDone(state: TimelineState, event: TimelineEvent): StepResult {
  const { at } = event;
  const migration = state.migration;
  const to = destination(event.description) ?? event.hostName ?? migration?.to ?? null;
  const next: TimelineState = { ...state, host: to ?? state.host, migration: null };
  if (!migration?.maintenance || state.open) return { state: next, changed: [] };
  const note = withStep(
    { openedBy: event.key, cause: 'maintenance', startedAt: at, endedAt: at, failedHost: migration.from, restartHost: to, steps: [] },
    fact('moved_live', at, migration.from, to),
  );
  return { state: next, changed: [note] };
}
