/**
 * The input of the capacity model: a snapshot of one cluster as read from the oVirt engine (docs/ovirt-api.md
 * sections 4, 5, 6, 8), with units in the field names. Everything in server/capacity is a pure function of this
 * snapshot and of {@link CapacityOptions}; nothing here reads a clock, a database or the network.
 *
 * Status values are oVirt's own strings. A client that meets a value not listed here should map it to `unassigned`
 * (hosts), `unknown` (VMs, storage domains) rather than invent one: unknown states are never treated as healthy.
 */

/** oVirt `HostStatus` (section 5.1). Only `up` hosts take VMs. */
export const HOST_STATUSES = [
  'up',
  'down',
  'error',
  'initializing',
  'installing',
  'install_failed',
  'maintenance',
  'non_operational',
  'non_responsive',
  'pending_approval',
  'preparing_for_maintenance',
  'connecting',
  'reboot',
  'unassigned',
  'installing_os',
  'kdumping',
] as const;
export type HostStatus = (typeof HOST_STATUSES)[number];

/** oVirt `VmStatus` (section 8.1). */
export const VM_STATUSES = [
  'unassigned',
  'down',
  'up',
  'powering_up',
  'paused',
  'migrating',
  'unknown',
  'not_responding',
  'wait_for_launch',
  'reboot_in_progress',
  'saving_state',
  'restoring_state',
  'suspended',
  'image_locked',
  'powering_down',
] as const;
export type VmStatus = (typeof VM_STATUSES)[number];

/** oVirt `StorageDomainType` (section 6). Only `data` domains hold VM disks. */
export type StorageDomainType = 'data' | 'iso' | 'export' | 'image' | 'volume' | 'managed_block_storage';

/** oVirt `StorageType` (section 6). The engine treats every type except `localfs` as shared. */
export type StorageType = 'nfs' | 'iscsi' | 'fcp' | 'glusterfs' | 'posixfs' | 'localfs' | 'glance' | 'cinder' | 'managed_block_storage';

/** oVirt `StorageDomainStatus` in the context of the data center (the top-level collection does not carry it). */
export type StorageDomainStatus =
  | 'active'
  | 'inactive'
  | 'locked'
  | 'mixed'
  | 'unattached'
  | 'maintenance'
  | 'preparing_for_maintenance'
  | 'detaching'
  | 'activating'
  | 'unknown';

export interface ClusterInfo {
  id: string;
  name: string;
  /** `memory_policy.over_commit.percent`: 100 = none, 150 = "server load", 200 = "desktop load". */
  memoryOverCommitPercent: number;
  /** `threads_as_cores`: the scheduler counts hardware threads as cores. */
  threadsAsCores: boolean;
  /** `ha_reservation`: oVirt's own periodic "could the HA VMs be restarted" alert (section 13.5). */
  haReservation: boolean;
  /** `fencing_policy.enabled`: false means non-responsive hosts are never fenced (section 13.2 step 2). */
  fencingPolicyEnabled: boolean;
  dataCenterId: string;
  dataCenterName: string;
}

export interface HostInventory {
  id: string;
  name: string;
  status: HostStatus;
  /** `memory`: physical memory in bytes. */
  memoryBytes: number;
  /**
   * `max_scheduling_memory`: what the engine itself would still let the scheduler use on this host, in bytes, after
   * the VMs it runs, their overhead and the host's reserved memory. Absent when the engine did not report it.
   */
  maxSchedulingMemoryBytes?: number;
  /** `cpu.topology`: cores are per socket and threads are per core, as the engine reports them. */
  cpu: { sockets: number; coresPerSocket: number; threadsPerCore: number };
  /** Fence agents live in `/hosts/{id}/fenceagents`; only their number matters here. */
  powerManagement: { enabled: boolean; agentCount: number };
  /** `spm.status === 'spm'`. */
  spm: boolean;
}

export interface VmInventory {
  id: string;
  name: string;
  status: VmStatus;
  /** The host it runs on; the engine omits it for VMs that are not running. */
  hostId?: string;
  /** `memory` in bytes. */
  memoryBytes: number;
  /** sockets x cores x threads of the VM's CPU topology. */
  vcpus: number;
  /** `high_availability`: priority 0-100, higher restarts first (Low 1, Medium 50, High 100). */
  ha: { enabled: boolean; priority: number };
  /** Holds a VM lease: restarted elsewhere without waiting for fencing (section 13.1 step 4). */
  lease: boolean;
  /** Storage domains holding its disks; absent when not read. */
  storageDomainIds?: string[];
  /** The billing plan this VM was sold under, when it is one of ours; `expectedHa` is the plan's HA setting. */
  plan?: { productId: string; expectedHa?: { enabled: boolean; priority: number } };
}

export interface StorageDomainInventory {
  id: string;
  name: string;
  type: StorageDomainType;
  storageType: StorageType;
  /** Status in the cluster's data center (`/datacenters/{dc}/storagedomains`). */
  status: StorageDomainStatus;
  /** Reachable from every host of the data center (engine: every storage type but `localfs`). */
  shared: boolean;
}

/** One cluster, its hosts, the VMs that belong to it and the storage domains of its data center. */
export interface ClusterInventory {
  cluster: ClusterInfo;
  hosts: HostInventory[];
  vms: VmInventory[];
  storageDomains: StorageDomainInventory[];
}

export interface CapacityOptions {
  /** Memory kept free on every host, in bytes, on top of what the over-commit formula allows. */
  hostMemoryReserveBytes: number;
  /** vCPUs sold per physical core (per thread when the cluster counts threads as cores). */
  vcpuRatio: number;
  /** How many hosts may fail at once while every HA VM still restarts (N+k). */
  k: number;
  /** Above this many k-host combinations, N+k is judged by the conservative bound instead of enumeration. */
  enumerationLimit: number;
  /** HA headroom is counted one VM at a time; it stops counting here and says so. */
  headroomLimit: number;
}

export const DEFAULT_CAPACITY_OPTIONS: Readonly<CapacityOptions> = Object.freeze({
  hostMemoryReserveBytes: 0,
  vcpuRatio: 4,
  k: 1,
  enumerationLimit: 5000,
  headroomLimit: 1000,
});

/** Fills defaults and rejects options that would make the model meaningless (a programming error, not user input). */
export function resolveCapacityOptions(options: Partial<CapacityOptions> = {}): CapacityOptions {
  const resolved = { ...DEFAULT_CAPACITY_OPTIONS, ...options };
  if (!(resolved.hostMemoryReserveBytes >= 0)) throw new RangeError('hostMemoryReserveBytes must be >= 0');
  if (!(resolved.vcpuRatio > 0)) throw new RangeError('vcpuRatio must be > 0');
  if (!Number.isInteger(resolved.k) || resolved.k < 1) throw new RangeError('k must be an integer >= 1');
  if (!(resolved.enumerationLimit >= 0)) throw new RangeError('enumerationLimit must be >= 0');
  if (!Number.isInteger(resolved.headroomLimit) || resolved.headroomLimit < 0) {
    throw new RangeError('headroomLimit must be an integer >= 0');
  }
  return resolved;
}

/** A host named in a result: admins see names, the id is for links. */
export interface HostRef {
  id: string;
  name: string;
}

/** The shape of one VPS of a plan, as far as capacity is concerned. */
export interface PlanShape {
  productId?: string;
  memoryBytes: number;
  vcpus: number;
  ha: { enabled: boolean; priority: number };
}

/** Memory and vCPUs together, e.g. what would not restart. */
export interface ResourceAmount {
  memoryBytes: number;
  vcpus: number;
}
