/**
 * The engine's audit-log event codes the bridge reads, under the engine's own names (`AuditLogType.java`; the
 * simulator's ovirt-simulator/world/event-catalog.ts uses the same names and codes). Code elsewhere names an event by
 * these names, never by its bare number. They are facts the domain reasons about (the incident builder, the host
 * tracker), so they live here, and the event sync reads them from here too.
 */
export const ENGINE_EVENT = {
  // Hosts
  VDS_FAILURE: 12,
  VDS_DETECTED: 13,
  VDS_SOFT_RECOVER: 75,
  VDS_ACTIVATE_ASYNC: 9502,
  VDS_HOST_NOT_RESPONDING_CONNECTING: 9008,
  VDS_HOST_NOT_RESPONDING: 9027,
  // VMs: runs, stops and states
  USER_RUN_VM: 32,
  USER_STOP_VM: 33,
  USER_FAILED_RUN_VM: 54,
  VM_DOWN: 61,
  VM_FAILURE: 66,
  USER_INITIATED_SHUTDOWN_VM: 73,
  USER_REMOVE_VM_FINISHED: 113,
  VM_DOWN_ERROR: 119,
  VM_SET_TO_UNKNOWN_STATUS: 142,
  VM_WAS_SET_DOWN_DUE_TO_HOST_REBOOT_OR_MANUAL_FENCE: 143,
  USER_STARTED_VM: 153,
  USER_REBOOT_VM: 157,
  VM_STATUS_RESTORED: 163,
  VM_RECOVERED_FROM_PAUSE_ERROR: 196,
  USER_SUSPEND_VM: 501,
  USER_SUSPEND_VM_OK: 503,
  // VMs: migrations
  VM_MIGRATION_START: 62,
  VM_MIGRATION_DONE: 63,
  VM_MIGRATION_ABORT: 64,
  VM_MIGRATION_FAILED: 65,
  VM_MIGRATION_START_SYSTEM_INITIATED: 67,
  VM_MIGRATION_TO_SERVER_FAILED: 120,
  // VMs: high availability
  VDS_INITIATED_RUN_VM: 506,
  VDS_INITIATED_RUN_VM_FAILED: 507,
  HA_VM_FAILED: 9602,
  HA_VM_RESTART_FAILED: 9603,
} as const;

export type EngineEventName = keyof typeof ENGINE_EVENT;
export type EngineEventCode = (typeof ENGINE_EVENT)[EngineEventName];
