/**
 * The simulated engine's entities. Field names follow the engine's backend concepts; the REST presenters map
 * them to the API's element names. Sizes are bytes, times are simulated epoch ms.
 */

import type { AppliedInit, VmInit } from './initialization';

export type VmStatus =
  | 'unassigned'
  | 'down'
  | 'up'
  | 'powering_up'
  | 'paused'
  | 'migrating'
  | 'unknown'
  | 'not_responding'
  | 'wait_for_launch'
  | 'reboot_in_progress'
  | 'saving_state'
  | 'restoring_state'
  | 'suspended'
  | 'image_locked'
  | 'powering_down';

export type HostStatus =
  | 'down'
  | 'error'
  | 'initializing'
  | 'installing'
  | 'install_failed'
  | 'maintenance'
  | 'non_operational'
  | 'non_responsive'
  | 'preparing_for_maintenance'
  | 'connecting'
  | 'reboot'
  | 'unassigned'
  | 'up'
  | 'installing_os'
  | 'kdumping';

/**
 * What is really wrong with a host, as opposed to what the engine believes (its `status`).
 * - `power_loss`: the machine is off; its VMs are dead.
 * - `network_cut`: the management network is gone but the host still runs its VMs and still reaches storage —
 *   the split-brain case fencing exists for.
 * - `vdsm_crash`: the management daemon died; SSH soft fencing (restarting vdsmd) brings the host back.
 */
export type HostFault = 'none' | 'power_loss' | 'network_cut' | 'vdsm_crash';
export const HOST_FAULTS: readonly HostFault[] = ['power_loss', 'network_cut', 'vdsm_crash'];

export type Severity = 'normal' | 'warning' | 'error' | 'alert';
export type VmAffinity = 'migratable' | 'user_migratable' | 'pinned';
export type StorageType = 'nfs' | 'iscsi' | 'fcp' | 'localfs' | 'posixfs' | 'glusterfs';
export type StorageDomainType = 'data' | 'iso' | 'export';
export type StorageDomainStatus = 'active' | 'inactive' | 'maintenance' | 'unknown' | 'locked';

export interface Version {
  major: number;
  minor: number;
}

export interface DataCenter {
  id: string;
  name: string;
  description: string;
  local: boolean;
  status: 'up' | 'uninitialized' | 'maintenance' | 'not_operational' | 'problematic' | 'contend';
  version: Version;
}

export interface StorageDomain {
  id: string;
  name: string;
  description: string;
  dataCenterId: string | undefined;
  type: StorageDomainType;
  storageType: StorageType;
  address: string | undefined;
  path: string;
  availableBytes: number;
  usedBytes: number;
  committedBytes: number;
  master: boolean;
  /** Status in the data-center context (the top-level collection does not show it, docs/ovirt-api.md §6). */
  status: StorageDomainStatus;
}

export interface FencingPolicy {
  enabled: boolean;
  skipIfSdActive: boolean;
  skipIfConnectivityBroken: { enabled: boolean; threshold: number };
}

export interface Cluster {
  id: string;
  name: string;
  description: string;
  dataCenterId: string;
  cpuType: string;
  version: Version;
  overCommitPercent: number;
  haReservation: boolean;
  fencingPolicy: FencingPolicy;
  schedulingPolicy: string;
  onError: 'migrate' | 'do_not_migrate' | 'migrate_highly_available';
}

export interface FenceAgent {
  id: string;
  type: string;
  address: string;
  username: string;
  port: number | undefined;
  order: number;
}

export interface CpuTopology {
  sockets: number;
  cores: number;
  threads: number;
}

export interface Host {
  id: string;
  name: string;
  description: string;
  comment: string;
  address: string;
  clusterId: string;
  status: HostStatus;
  statusDetail: string | undefined;
  cpuName: string;
  cpuSpeedMhz: number;
  topology: CpuTopology;
  memoryBytes: number;
  /** VDSM's `reservedMem` (MiB): memory the engine never schedules (see `./memory.ts`). */
  reservedMemMib: number;
  /** VDSM's `guestOverhead` (MiB): counted once in the host's committed memory. */
  guestOverheadMib: number;
  pm: { enabled: boolean; kdumpDetection: boolean; agents: FenceAgent[] };
  spmPriority: number;
  spmStatus: 'none' | 'contending' | 'spm';
  /** The host's real condition (see HostFault); the engine only learns it through monitoring. */
  fault: HostFault;
  /** False after a power-management stop until a start; a powered-off host runs nothing. */
  poweredOn: boolean;
  bootTime: number;
  /** When the last power-management operation was issued, for the engine's quiet time between PM operations. */
  lastPmOperationAt: number | undefined;
  /** Bumped on each failure/recovery so stale timers of an earlier failure do nothing. */
  epoch: number;
}

export interface Template {
  id: string;
  name: string;
  description: string;
  comment: string;
  clusterId: string | undefined;
  memoryBytes: number;
  topology: CpuTopology;
  osType: string;
  haEnabled: boolean;
  haPriority: number;
  diskBytes: number;
  /** Where the template's disk lives (undefined when it has none, like Blank); new VMs' disks go there by default. */
  storageDomainId: string | undefined;
  creationTime: number;
}

export interface Vm {
  id: string;
  name: string;
  description: string;
  comment: string;
  clusterId: string;
  templateId: string;
  memoryBytes: number;
  guaranteedBytes: number;
  maxBytes: number;
  topology: CpuTopology;
  ha: { enabled: boolean; priority: number };
  placement: { affinity: VmAffinity; hostIds: string[] };
  leaseStorageDomainId: string | undefined;
  storageErrorResumeBehaviour: 'auto_resume' | 'leave_paused' | 'kill';
  type: 'server' | 'desktop' | 'high_performance';
  osType: string;
  deleteProtected: boolean;
  status: VmStatus;
  /** Host the engine believes the VM runs on (`run_on_vds`). */
  hostId: string | undefined;
  /** While migrating: the destination. */
  migratingToHostId: string | undefined;
  creationTime: number;
  startTime: number | undefined;
  stopTime: number | undefined;
  stopReason: string | undefined;
  /** How the VM last went down: only `error` (crash, fence) makes an HA VM eligible for automatic restart. */
  exitStatus: 'normal' | 'error';
  /** Control API: the VM is held by another operation; every command on it fails with the engine's lock fault. */
  locked: boolean;
  /** Configuration changed while running, applied at the next start (`next_run_configuration_exists`). */
  nextRun: { memoryBytes?: number; topology?: CpuTopology } | undefined;
  /** Present while the asynchronous creation runs. */
  creationStatus: 'pending' | 'in_progress' | 'complete' | 'failed' | undefined;
  /** Bumped on each state transition so timers of an earlier transition do nothing. */
  epoch: number;
  /** Correlation id of the request that created the VM (kept on its creation events). */
  creationCorrelationId: string | undefined;
  /** `initialization` (the engine's `VmInit`), applied by cloud-init at the first start. */
  initialization: VmInit | undefined;
  /** The engine's `is_initialized`: cloud-init has run once, later starts skip it unless asked (`use_cloud_init`). */
  initialized: boolean;
  /** What the guest applied at its last initializing start. */
  appliedInit: AppliedInit | undefined;
  /** When the guest agent last reported (addresses, FQDN) since the VM came up; cleared when it goes down. */
  guestAgentReportedAt: number | undefined;
}

export type DiskInterface = 'virtio_scsi' | 'virtio' | 'ide' | 'sata';

/**
 * A VM's disk image (the engine's `DiskImage` plus its attachment, `DiskVmElement`). The simulator attaches
 * each disk to at most one VM; a disk whose VM was removed with `detach_only` floats (`vmId` undefined).
 */
export interface Disk {
  id: string;
  /** `<vm>_Disk1`, the engine's default alias for a template disk copied into a new VM. */
  name: string;
  vmId: string | undefined;
  storageDomainId: string;
  provisionedBytes: number;
  actualBytes: number;
  format: 'cow' | 'raw';
  sparse: boolean;
  /** Attachment properties. */
  bootable: boolean;
  interface: DiskInterface;
  /** An extend in progress: the disk shows `locked` until it ends (set only by a resize). */
  resizing?: boolean;
}

export interface EngineEvent {
  index: number;
  code: number;
  severity: Severity;
  time: number;
  description: string;
  correlationId: string | undefined;
  vm: { id: string; name: string } | undefined;
  host: { id: string; name: string } | undefined;
  cluster: { id: string; name: string } | undefined;
  dataCenter: { id: string; name: string } | undefined;
  template: { id: string; name: string } | undefined;
  storageDomain: { id: string; name: string } | undefined;
  user: { id: string; name: string } | undefined;
}

export interface Job {
  id: string;
  description: string;
  status: 'started' | 'finished' | 'failed' | 'aborted';
  startTime: number;
  endTime: number | undefined;
  lastUpdated: number;
  correlationId: string | undefined;
  vmId: string | undefined;
  hostId: string | undefined;
}

export interface User {
  id: string;
  /** `admin@internal` form, as typed into the SSO. */
  loginName: string;
  password: string;
}

/** Statuses in which a VM occupies memory on a host (the engine's "running" set for scheduling). */
export const VM_RUNNING_STATUSES: ReadonlySet<VmStatus> = new Set<VmStatus>([
  'up',
  'powering_up',
  'wait_for_launch',
  'reboot_in_progress',
  'migrating',
  'paused',
  'powering_down',
  'saving_state',
  'restoring_state',
  'not_responding',
  'unknown',
]);

export const GIB = 1024 * 1024 * 1024;
export const MIB = 1024 * 1024;
