/**
 * What one host can hold and what it already holds, in the scheduler's terms: schedulable memory and vCPUs.
 *
 * Memory, in the engine's terms (./engine-memory.ts): each VM counts with its overhead, and the total is
 * physical x over-commit % / 100 - the engine's reserved memory and per-host guest overhead (VDSM defaults) - the
 * configured per-host reserve. When the engine reports `max_scheduling_memory` we also take it into account, as a
 * ceiling: the engine computes it as physical x over-commit - committed memory (guest overhead, VMs with their
 * overhead) - the host's own reserved memory - memory of VMs still being started, so "what we count as committed
 * there + max_scheduling_memory" is the engine's own idea of the host's schedulable total (when the host's VDSM
 * reserves more than the defaults, this is where it shows). We use the smaller of the two totals. Taking the minimum can only make the model more
 * cautious (it never invents room the engine would refuse), and keeps the reserve and over-commit we were asked to
 * honour when the engine is more generous. We do not subtract our reserve from the engine's figure as well: the
 * engine's figure already holds back its own reservation, and subtracting twice would punish hosts for reporting.
 *
 * vCPUs: cores (threads too when the cluster counts threads as cores) x the configured vCPU ratio. oVirt itself does
 * not cap the vCPUs it starts on a host; the ratio is our selling policy.
 */
import { ENGINE_HOST_GUEST_OVERHEAD_BYTES, ENGINE_RESERVED_MEMORY_BYTES, schedulingMemoryBytes } from './engine-memory';
import type { CapacityOptions, ClusterInfo, HostInventory, HostStatus, VmInventory, VmStatus } from './inventory';

/**
 * VM states that hold memory and CPU on their host: running, starting, stopping, paused, migrating (counted on the
 * host it is leaving until it is gone), and `unknown`/`not_responding` (the engine still books them on that host).
 * `down`, `suspended`, `image_locked` and `unassigned` hold nothing.
 */
const OCCUPYING_VM_STATUSES: ReadonlySet<VmStatus> = new Set<VmStatus>([
  'up',
  'powering_up',
  'wait_for_launch',
  'reboot_in_progress',
  'paused',
  'migrating',
  'saving_state',
  'restoring_state',
  'powering_down',
  'not_responding',
  'unknown',
]);

/** Whether a VM holds resources on its host (and so needs a restart when that host fails). */
export function occupiesHost(vm: VmInventory): boolean {
  return vm.hostId !== undefined && OCCUPYING_VM_STATUSES.has(vm.status);
}

/** Only `up` hosts receive VMs, new or restarted. */
export function isUpHost(status: HostStatus): boolean {
  return status === 'up';
}

/** Physical cores (or threads) the scheduler counts on this host. */
export function countedCores(host: HostInventory, cluster: ClusterInfo): number {
  const { sockets, coresPerSocket, threadsPerCore } = host.cpu;
  return sockets * coresPerSocket * (cluster.threadsAsCores ? threadsPerCore : 1);
}

export interface HostCapacity {
  hostId: string;
  hostName: string;
  status: HostStatus;
  /** Whether it can receive VMs (status `up`). */
  up: boolean;
  memory: {
    physicalBytes: number;
    overCommitPercent: number;
    reserveBytes: number;
    /** physical x over-commit / 100 - the engine's reserved memory and guest overhead - reserve (never below 0). */
    formulaBytes: number;
    /** As reported by the engine, when it was. */
    maxSchedulingMemoryBytes?: number;
    /** The total the model schedules against: the formula, or the engine's figure when that is smaller. */
    schedulableBytes: number;
    source: 'formula' | 'max_scheduling_memory';
    /** The VMs' memory with the engine's per-VM overhead, as the engine's Memory filter counts it. */
    committedBytes: number;
    /** schedulable - committed; negative when the host is already past what the policy allows. */
    freeBytes: number;
  };
  vcpus: {
    countedCores: number;
    threadsAsCores: boolean;
    ratio: number;
    capacity: number;
    committed: number;
    free: number;
  };
  vmCount: number;
  haVmCount: number;
}

/** The computed capacity of one host, given what runs there. */
export function hostCapacity(
  host: HostInventory,
  cluster: ClusterInfo,
  vmsOnHost: readonly VmInventory[],
  options: Pick<CapacityOptions, 'hostMemoryReserveBytes' | 'vcpuRatio'>,
): HostCapacity {
  let committedBytes = 0;
  let committedVcpus = 0;
  let haVmCount = 0;
  for (const vm of vmsOnHost) {
    committedBytes += schedulingMemoryBytes(vm);
    committedVcpus += vm.vcpus;
    if (vm.ha.enabled) haVmCount += 1;
  }
  const formulaBytes = Math.max(
    0,
    Math.floor((host.memoryBytes * cluster.memoryOverCommitPercent) / 100) -
      ENGINE_RESERVED_MEMORY_BYTES -
      ENGINE_HOST_GUEST_OVERHEAD_BYTES -
      options.hostMemoryReserveBytes,
  );
  let schedulableBytes = formulaBytes;
  let source: HostCapacity['memory']['source'] = 'formula';
  if (host.maxSchedulingMemoryBytes !== undefined) {
    const engineTotal = committedBytes + host.maxSchedulingMemoryBytes;
    if (engineTotal < formulaBytes) {
      schedulableBytes = engineTotal;
      source = 'max_scheduling_memory';
    }
  }
  const cores = countedCores(host, cluster);
  const vcpuCapacity = Math.floor(cores * options.vcpuRatio);
  return {
    hostId: host.id,
    hostName: host.name,
    status: host.status,
    up: isUpHost(host.status),
    memory: {
      physicalBytes: host.memoryBytes,
      overCommitPercent: cluster.memoryOverCommitPercent,
      reserveBytes: options.hostMemoryReserveBytes,
      formulaBytes,
      ...(host.maxSchedulingMemoryBytes === undefined ? {} : { maxSchedulingMemoryBytes: host.maxSchedulingMemoryBytes }),
      schedulableBytes,
      source,
      committedBytes,
      freeBytes: schedulableBytes - committedBytes,
    },
    vcpus: {
      countedCores: cores,
      threadsAsCores: cluster.threadsAsCores,
      ratio: options.vcpuRatio,
      capacity: vcpuCapacity,
      committed: committedVcpus,
      free: vcpuCapacity - committedVcpus,
    },
    vmCount: vmsOnHost.length,
    haVmCount,
  };
}

/** The VMs that hold resources on each host of the cluster, keyed by host id. VMs on other hosts are left out. */
export function occupyingVmsByHost(hosts: readonly HostInventory[], vms: readonly VmInventory[]): Map<string, VmInventory[]> {
  const byHost = new Map<string, VmInventory[]>(hosts.map((h) => [h.id, []]));
  for (const vm of vms) {
    if (!occupiesHost(vm) || vm.hostId === undefined) continue;
    byHost.get(vm.hostId)?.push(vm);
  }
  return byHost;
}

/** Capacity of every host of a cluster snapshot, in input order. */
export function hostCapacities(
  inventory: { cluster: ClusterInfo; hosts: readonly HostInventory[]; vms: readonly VmInventory[] },
  options: Pick<CapacityOptions, 'hostMemoryReserveBytes' | 'vcpuRatio'>,
): HostCapacity[] {
  const byHost = occupyingVmsByHost(inventory.hosts, inventory.vms);
  return inventory.hosts.map((host) => hostCapacity(host, inventory.cluster, byHost.get(host.id) ?? [], options));
}
