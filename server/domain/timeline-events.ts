/**
 * What the incident builder (domain/timeline.ts) reads of the engine's events: the codes it keeps, and what it takes
 * from an event's description and correlation id.
 */
import { ENGINE_EVENT as E } from './engine-event-codes';

/** VM-level codes the machine reads; the ingester keeps these (and the host codes) and drops the rest. */
export const VM_CODES: ReadonlySet<number> = new Set([
  E.USER_RUN_VM,
  E.USER_STOP_VM,
  E.USER_FAILED_RUN_VM,
  E.VM_DOWN,
  E.VM_MIGRATION_START,
  E.VM_MIGRATION_DONE,
  E.VM_MIGRATION_ABORT,
  E.VM_MIGRATION_FAILED,
  E.VM_FAILURE,
  E.VM_MIGRATION_START_SYSTEM_INITIATED,
  E.USER_INITIATED_SHUTDOWN_VM,
  E.USER_REMOVE_VM_FINISHED,
  E.VM_DOWN_ERROR,
  E.VM_MIGRATION_TO_SERVER_FAILED,
  E.VM_SET_TO_UNKNOWN_STATUS,
  E.VM_WAS_SET_DOWN_DUE_TO_HOST_REBOOT_OR_MANUAL_FENCE,
  E.USER_STARTED_VM,
  E.USER_REBOOT_VM,
  E.VM_STATUS_RESTORED,
  E.VM_RECOVERED_FROM_PAUSE_ERROR,
  E.USER_SUSPEND_VM,
  E.USER_SUSPEND_VM_OK,
  E.VDS_INITIATED_RUN_VM,
  E.VDS_INITIATED_RUN_VM_FAILED,
  E.HA_VM_FAILED,
  E.HA_VM_RESTART_FAILED,
]);

/** Events that only a running VM can produce: it stopped, crashed, lost its host or was asked to stop. */
export const STOP_CODES: ReadonlySet<number> = new Set([
  E.USER_STOP_VM,
  E.VM_DOWN,
  E.VM_MIGRATION_START,
  E.VM_FAILURE,
  E.VM_MIGRATION_START_SYSTEM_INITIATED,
  E.USER_INITIATED_SHUTDOWN_VM,
  E.VM_DOWN_ERROR,
  E.VM_SET_TO_UNKNOWN_STATUS,
  E.VM_WAS_SET_DOWN_DUE_TO_HOST_REBOOT_OR_MANUAL_FENCE,
  E.USER_SUSPEND_VM,
  E.USER_SUSPEND_VM_OK,
  E.HA_VM_FAILED,
]);

/** Whether the bridge made the call behind an event (see server/use-cases/provisioning.ts `call`, ovirt/transport.ts). */
export function askedByBridge(correlationId: string | null | undefined): boolean {
  return correlationId !== null && correlationId !== undefined && /^(svc|obh)-/.test(correlationId);
}

/** A run that failed for want of a host: "Failed to run VM … (no host / scheduling)" (USER_FAILED_RUN_VM), as the engine words it. */
export const NO_ROOM_TEXT = /no host|scheduling|not enough|insufficient|memory/i;

/** Where a migration goes, as its description names it. */
export function destination(description: string): string | null {
  const m = /Destination: ([^,)]+)/.exec(description);
  return m?.[1]?.trim() ?? null;
}
