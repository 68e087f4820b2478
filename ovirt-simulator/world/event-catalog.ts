import type { Severity } from './model';

/**
 * The engine's audit-log types the simulator emits: code, severity and message template exactly as in
 * `AuditLogType.java` / `AuditLogMessages.properties` (docs/ovirt-api.md §12.3). Descriptions are rendered when the event
 * is logged, as the engine stores rendered text, not templates.
 */
export interface EventType {
  code: number;
  severity: Severity;
  template: string;
}

function t(code: number, severity: Severity, template: string): EventType {
  return { code, severity, template };
}

export const EVENTS = {
  USER_VDC_LOGIN: t(30, 'normal', "User ${UserName} connecting from '${SourceIP}' using session '${SessionID}' logged in."),
  USER_ADD_VM: t(34, 'normal', 'VM ${VmName} was created by ${UserName}.'),
  USER_ADD_VM_STARTED: t(37, 'normal', 'VM ${VmName} creation was initiated by ${UserName}.'),
  USER_ADD_VM_FINISHED_SUCCESS: t(53, 'normal', 'VM ${VmName} creation has been completed.'),
  USER_UPDATE_VM: t(35, 'normal', 'VM ${VmName} configuration was updated by ${UserName}.'),
  USER_REMOVE_VM_FINISHED: t(113, 'normal', 'VM ${VmName} was successfully removed by ${UserName}.'),
  USER_STARTED_VM: t(153, 'normal', 'VM ${VmName} was started by ${UserName} (Host: ${VdsName}).'),
  USER_RUN_VM: t(32, 'normal', 'VM ${VmName} started on Host ${VdsName}'),
  USER_FAILED_RUN_VM: t(54, 'error', 'Failed to run VM ${VmName}${DueToError} (User: ${UserName}).'),
  USER_STOP_VM: t(33, 'normal', 'VM ${VmName} powered off by ${UserName} (Host: ${VdsName})${OptionalReason}.'),
  USER_INITIATED_SHUTDOWN_VM: t(73, 'normal', 'VM shutdown initiated by ${UserName} on VM ${VmName} (Host: ${VdsName})${OptionalReason}.'),
  USER_REBOOT_VM: t(157, 'normal', 'VM ${VmName} is rebooting. Rebooted by: ${UserName}'),
  USER_SUSPEND_VM: t(501, 'normal', 'Suspending VM ${VmName} was initiated by User ${UserName} (Host: ${VdsName}).'),
  USER_SUSPEND_VM_OK: t(503, 'normal', 'VM ${VmName} on Host ${VdsName} is suspended.'),
  VM_ALREADY_IN_REQUESTED_STATUS: t(254, 'normal', 'VM ${VmName} is already ${VmStatus}, ${Action} was skipped. User: ${UserName}.'),
  VM_DOWN: t(61, 'normal', 'VM ${VmName} is down. ${ExitMessage}'),
  VM_DOWN_ERROR: t(119, 'error', 'VM ${VmName} is down with error. ${ExitMessage}.'),
  VM_SET_TO_UNKNOWN_STATUS: t(142, 'warning', 'VM ${VmName} was set to the Unknown status.'),
  VM_STATUS_RESTORED: t(163, 'normal', 'VM ${VmName} status was restored to ${VmStatus}.'),
  VM_FAILURE: t(66, 'error', 'VM ${VmName} cannot be found on Host ${VdsName}.'),
  VM_MIGRATION_START: t(
    62,
    'normal',
    'Migration started (VM: ${VmName}, Source: ${VdsName}, Destination: ${DestinationVdsName}, User: ${UserName}). ${OptionalReason}',
  ),
  VM_MIGRATION_START_SYSTEM_INITIATED: t(
    67,
    'normal',
    'Migration initiated by system (VM: ${VmName}, Source: ${VdsName}, Destination: ${DestinationVdsName}, Reason: ${OptionalReason}).',
  ),
  VM_MIGRATION_DONE: t(
    63,
    'normal',
    'Migration completed (VM: ${VmName}, Source: ${VdsName}, Destination: ${DestinationVdsName}, Duration: ${Duration}, Total: ' +
      '${TotalDuration}, Actual downtime: ${ActualDowntime})',
  ),
  VM_MIGRATION_NO_VDS_TO_MIGRATE_TO: t(166, 'warning', 'No available host was found to migrate VM ${VmName} to.'),
  HA_VM_FAILED: t(9602, 'error', 'Highly Available VM ${VmName} failed. It will be restarted automatically.'),
  VDS_INITIATED_RUN_VM: t(506, 'normal', 'Trying to restart VM ${VmName} on Host ${VdsName}'),
  VDS_INITIATED_RUN_VM_FAILED: t(507, 'error', 'Failed to restart VM ${VmName} on Host ${VdsName}'),
  HA_VM_RESTART_FAILED: t(9603, 'error', 'Restart of the Highly Available VM ${VmName} failed.'),
  VM_WAS_SET_DOWN_DUE_TO_HOST_REBOOT_OR_MANUAL_FENCE: t(
    143,
    'normal',
    'Vm ${VmName} was shut down due to ${VdsName} host reboot or manual fence',
  ),
  VDS_HOST_NOT_RESPONDING_CONNECTING: t(
    9008,
    'warning',
    'Host ${VdsName} is not responding. It will stay in Connecting state for a grace period of ${Seconds} seconds and after that ' +
      'an attempt to fence the host will be issued.',
  ),
  // The engine's template really starts with a space (docs/ovirt-api.md §12.3).
  VDS_HOST_NOT_RESPONDING: t(
    9027,
    'warning',
    ' Host ${VdsName} is not responding. Host cannot be fenced automatically because power management for the host is disabled.',
  ),
  VDS_FAILURE: t(12, 'error', 'Host ${VdsName} is non responsive.'),
  VDS_RECOVER: t(14, 'normal', 'Host ${VdsName} is rebooting.'),
  VDS_RECOVER_FAILED: t(19, 'error', 'Host ${VdsName} failed to recover.'),
  VDS_SOFT_RECOVER: t(75, 'normal', 'Soft fencing on host ${VdsName} was successful.'),
  VDS_DETECTED: t(13, 'normal', 'Status of host ${VdsName} was set to ${HostStatus}.'),
  VDS_ACTIVATE: t(16, 'normal', 'Activation of host ${VdsName} initiated by ${UserName}.'),
  VDS_ACTIVATE_ASYNC: t(9502, 'normal', 'Host ${VdsName} was autorecovered.'),
  USER_VDS_MAINTENANCE: t(600, 'normal', 'Host ${VdsName} was switched to Maintenance mode by ${UserName} (Reason: ${Reason}).'),
  USER_VDS_MAINTENANCE_WITHOUT_REASON: t(620, 'normal', 'Host ${VdsName} was switched to Maintenance mode by ${UserName}.'),
  USER_VDS_MAINTENANCE_MIGRATION_FAILED: t(
    602,
    'warning',
    'Host ${VdsName} cannot change into maintenance mode - not all Vms have been migrated successfully. Consider manual ' +
      'intervention: stopping/migrating Vms: ${failedVms} (User: ${UserName}).',
  ),
  FENCE_OPERATION_STARTED: t(9017, 'normal', 'Power management ${Action} of Host ${VdsName} initiated.'),
  FENCE_OPERATION_SUCCEEDED: t(9018, 'normal', 'Power management ${Action} of Host ${VdsName} succeeded.'),
  FENCE_OPERATION_FAILED: t(9019, 'error', 'Power management ${Action} of Host ${VdsName} failed.'),
  FENCE_OPERATION_USING_AGENT_AND_PROXY_STARTED: t(
    9020,
    'normal',
    'Executing power management ${Action} on Host ${Host} using Proxy Host ${ProxyHost} and Fence Agent ${AgentType}:${AgentIp}.',
  ),
  SYSTEM_VDS_RESTART: t(121, 'normal', 'Host ${VdsName} was restarted by the engine.'),
  SYSTEM_FAILED_VDS_RESTART: t(122, 'error', 'A restart initiated by the engine to Host ${VdsName} has failed.'),
  USER_VDS_RESTART: t(41, 'normal', 'Host ${VdsName} was restarted by ${UserName}.'),
  USER_VDS_START: t(20, 'normal', 'Host ${VdsName} was started by ${UserName}.'),
  USER_VDS_STOP: t(21, 'normal', 'Host ${VdsName} was stopped by ${UserName}.'),
  USER_CLEAR_UNKNOWN_VMS: t(348, 'normal', "All VMs' status on Non Responsive Host ${VdsName} were changed to 'Down' by ${UserName}"),
  VDS_MANUAL_FENCE_STATUS: t(494, 'normal', 'Manual fence for host ${VdsName} was started.'),
  VDS_AUTO_FENCE_STATUS: t(539, 'normal', 'Auto fence for host ${VdsName} was started.'),
  VDS_FENCE_STATUS: t(496, 'normal', 'Host ${VdsName} power management was verified successfully.'),
  VDS_ALERT_FENCE_OPERATION_FAILED: t(
    9002,
    'alert',
    "Failed to power fence host ${VdsName}. Please check the host status and it's power management settings, and then manually " +
      'reboot it and click "Confirm Host Has Been Rebooted"',
  ),
  VDS_ALERT_FENCE_OPERATION_SKIPPED_BROKEN_CONNECTIVITY: t(
    9013,
    'alert',
    'Host ${VdsName} became non responsive and was not restarted due to Fencing Policy: ${Percents} percents of the Hosts in the ' +
      'Cluster have connectivity issues.',
  ),
  VDS_ALERT_NOT_RESTARTED_DUE_TO_POLICY: t(
    9014,
    'alert',
    'Host ${VdsName} became non responsive and was not restarted due to the Cluster Fencing Policy.',
  ),
  VDS_ALERT_FENCE_DISABLED_BY_CLUSTER_POLICY: t(
    9015,
    'alert',
    'Host ${VdsName} became Non Responsive and was not restarted due to disabled fencing in the Cluster Fencing Policy.',
  ),
  VDS_ALERT_NO_PM_CONFIG_FENCE_OPERATION_SKIPPED: t(
    9028,
    'alert',
    'Host ${VdsName} became non responsive. It has no power management configured. Please check the host status, manually reboot ' +
      'it, and click "Confirm Host Has Been Rebooted"',
  ),
  NETWORK_ADD_VM_INTERFACE: t(
    932,
    'normal',
    'Interface ${InterfaceName} (${InterfaceType}) was added to VM ${VmName}. (User: ${UserName})',
  ),
  NETWORK_UPDATE_VM_INTERFACE: t(
    934,
    'normal',
    'Interface ${InterfaceName} (${InterfaceType}) was updated for VM ${VmName}. ${LinkState} (User: ${UserName})',
  ),
  NETWORK_REMOVE_VM_INTERFACE: t(
    930,
    'normal',
    'Interface ${InterfaceName} (${InterfaceType}) was removed from VM ${VmName}. (User: ${UserName})',
  ),
  USER_EXTEND_DISK_SIZE_SUCCESS: t(
    371,
    'normal',
    "Size of the disk '${DiskAlias}' was successfully updated to ${NewSize} GB by ${UserName}.",
  ),
  CLUSTER_ALERT_HA_RESERVATION: t(
    10300,
    'alert',
    'Cluster ${ClusterName} failed the HA Reservation check, HA VMs on host(s): ${Hosts} will fail to migrate in case of a ' +
      'failover, consider adding resources or shutting down unused VMs.',
  ),
  CLUSTER_ALERT_HA_RESERVATION_DOWN: t(10301, 'alert', 'Cluster ${ClusterName} passed the HA Reservation check.'),
  // Sessions (ENG CreateUserSessionCommand, LogoutSessionCommand, services/SsoCallbackServlet).
  USER_VDC_LOGOUT: t(31, 'normal', "User ${UserName} connected from '${SourceIP}' using session '${SessionID}' logged out."),
  USER_VDC_LOGIN_FAILED: t(114, 'error', "User ${UserName} connecting from '${SourceIP}' failed to log in${LoginErrMsg}."),
  // The storage pool and its SPM (ENG IrsProxyImpl, SetStoragePoolStatusCommand).
  SYSTEM_CHANGE_STORAGE_POOL_STATUS_PROBLEMATIC: t(
    980,
    'warning',
    'Invalid status on Data Center ${StoragePoolName}. Setting status to Non Responsive.',
  ),
  SYSTEM_CHANGE_STORAGE_POOL_STATUS_PROBLEMATIC_SEARCHING_NEW_SPM: t(
    986,
    'warning',
    'Data Center is being initialized, please wait for initialization to complete.',
  ),
  SYSTEM_CHANGE_STORAGE_POOL_STATUS_PROBLEMATIC_WITH_ERROR: t(
    987,
    'warning',
    'Invalid status on Data Center ${StoragePoolName}. Setting Data Center status to Non Responsive (On host ${VdsName}, Error: ${Error}).',
  ),
  IRS_HOSTED_ON_VDS: t(
    204,
    'normal',
    'Storage Pool Manager runs on Host ${VdsName} (Address: ${ServerIp}), Data Center ${StoragePoolName}.',
  ),
} as const;

export type EventName = keyof typeof EVENTS;

/** Renders `${Name}` placeholders; unknown placeholders render empty, as the engine's AuditLogDirector does. */
export function renderMessage(template: string, params: Record<string, string | number>): string {
  return template.replace(/\$\{(\w+)\}/g, (_m, key: string) => {
    const value = params[key];
    return value === undefined ? '' : String(value);
  });
}
