/**
 * How long things take in simulated time. Engine configuration values are the engine's defaults
 * (docs/ovirt-api.md §13, `0000_config.sql`); hardware durations (boot, image copy) are plausible guesses.
 */
export interface Timings {
  /** VM creation from a template with disks: `image_locked` this long, then `down`. */
  vmCreateMs: number;
  vmWaitForLaunchMs: number;
  vmPoweringUpMs: number;
  vmStopMs: number;
  vmShutdownMs: number;
  vmRebootMs: number;
  vmSuspendMs: number;
  vmRestoreMs: number;
  vmMigrateMs: number;
  vmRemoveMs: number;
  /** `VdsRefreshRate`: how often the engine polls each host. */
  monitorIntervalMs: number;
  /** `TimeoutToResetVdsInSeconds`. */
  graceBaseMs: number;
  /** `DelayResetForSpmInSeconds`. */
  graceSpmMs: number;
  /** `DelayResetPerVmInSeconds`. */
  gracePerVmMs: number;
  /** SSH soft fencing attempt (vdsm-tool service-restart vdsmd). */
  softFenceMs: number;
  /** One power-management operation (stop or start) through the fence agent. */
  pmOperationMs: number;
  /** From power-on to the host answering the engine again (`initializing`). */
  hostBootMs: number;
  /** `initializing` → `up`. */
  hostInitializeMs: number;
  /** `FenceQuietTimeBetweenOperationsInSec` for user-issued PM operations. */
  pmQuietTimeMs: number;
  /** `AutoStartVmsRunnerIntervalInSeconds`. */
  haRunnerIntervalMs: number;
  /** `RetryToRunAutoStartVmShortIntervalInSeconds` × `NumOfTriesToRunFailedAutoStartVmInShortIntervals`. */
  haRetryShortMs: number;
  haRetryShortTries: number;
  /** `RetryToRunAutoStartVmLongIntervalInSeconds`. */
  haRetryLongMs: number;
  /** `MaxTimeAutoStartBlockedOnPriority`. */
  haMaxBlockedOnPriorityMs: number;
  /** Lease VMs on a non-responsive host: `NumberVdsRefreshesBeforeTryToStartUnknownVms` monitoring cycles. */
  leaseRestartDelayMs: number;
  /** Then every `NumberVdsRefreshesBeforeRetryToStartUnknownVms` + 1 cycles. */
  leaseRetryMs: number;
  /** Host deactivate: `preparing_for_maintenance` at least this long. */
  hostMaintenanceMs: number;
  /** After a VM reaches `up`: its guest agent's first report (addresses, FQDN). */
  guestAgentReportMs: number;
  /** A disk being extended stays `locked` this long. */
  diskResizeMs: number;
  /** `ServerRebootSleepTime`: after a fence start, how often the engine checks whether the host answers. */
  rebootCheckMs: number;
  /** `ServerRebootTimeout`: the longest it keeps the host in `reboot` before calling it `non_responsive`. */
  rebootTimeoutMs: number;
  /** `StoragePoolRefreshTimeInSeconds`: how often the engine asks each data center's SPM for its status. */
  storagePoolRefreshMs: number;
  /** The elected host's `SpmStart` (pool `contend`, host `contending`) until it is SPM. */
  spmStartMs: number;
}

export const DEFAULT_TIMINGS: Timings = {
  vmCreateMs: 10_000,
  vmWaitForLaunchMs: 2_000,
  vmPoweringUpMs: 8_000,
  vmStopMs: 1_000,
  vmShutdownMs: 5_000,
  vmRebootMs: 10_000,
  vmSuspendMs: 5_000,
  vmRestoreMs: 5_000,
  vmMigrateMs: 8_000,
  vmRemoveMs: 0,
  monitorIntervalMs: 3_000,
  graceBaseMs: 60_000,
  graceSpmMs: 20_000,
  gracePerVmMs: 500,
  softFenceMs: 10_000,
  pmOperationMs: 5_000,
  hostBootMs: 120_000,
  hostInitializeMs: 10_000,
  pmQuietTimeMs: 180_000,
  haRunnerIntervalMs: 1_000,
  haRetryShortMs: 30_000,
  haRetryShortTries: 10,
  haRetryLongMs: 1_800_000,
  haMaxBlockedOnPriorityMs: 600_000,
  leaseRestartDelayMs: 30_000,
  leaseRetryMs: 303_000,
  hostMaintenanceMs: 2_000,
  guestAgentReportMs: 5_000,
  diskResizeMs: 3_000,
  rebootCheckMs: 30_000,
  rebootTimeoutMs: 600_000,
  storagePoolRefreshMs: 10_000,
  spmStartMs: 5_000,
};
