/**
 * Hand-built cluster snapshots for the capacity tests: sizes in GiB, sensible defaults (hosts up with power
 * management, an active NFS data domain, fencing on, no over-commit), everything overridable.
 */
import type { ClusterInfo, ClusterInventory, HostInventory, StorageDomainInventory, VmInventory } from '../../../server/capacity';

export const GiB = 1024 ** 3;

export interface HostSpec extends Partial<Omit<HostInventory, 'cpu'>> {
  memoryGiB?: number;
  cores?: number;
  cpu?: HostInventory['cpu'];
}

export function host(name: string, spec: HostSpec = {}): HostInventory {
  const { memoryGiB = 64, cores = 32, ...rest } = spec;
  return {
    id: `h-${name}`,
    name,
    status: 'up',
    memoryBytes: memoryGiB * GiB,
    cpu: { sockets: 1, coresPerSocket: cores, threadsPerCore: 1 },
    powerManagement: { enabled: true, agentCount: 1 },
    spm: false,
    ...rest,
  };
}

export interface VmSpec extends Partial<Omit<VmInventory, 'ha'>> {
  memoryGiB?: number;
  /** An HA priority, or false for a VM without HA. */
  ha?: number | false;
}

/** A VM running on `hostName` (or not running at all when null). */
export function vm(name: string, hostName: string | null, spec: VmSpec = {}): VmInventory {
  const { memoryGiB = 4, ha = 50, ...rest } = spec;
  return {
    id: `v-${name}`,
    name,
    status: hostName === null ? 'down' : 'up',
    ...(hostName === null ? {} : { hostId: `h-${hostName}` }),
    memoryBytes: memoryGiB * GiB,
    vcpus: 2,
    ha: ha === false ? { enabled: false, priority: 0 } : { enabled: true, priority: ha },
    lease: false,
    storageDomainIds: ['sd-nfs'],
    ...rest,
  };
}

export const nfsData: StorageDomainInventory = {
  id: 'sd-nfs',
  name: 'nfs-data',
  type: 'data',
  storageType: 'nfs',
  status: 'active',
  shared: true,
};

export function cluster(
  hosts: HostInventory[],
  vms: VmInventory[],
  overrides: Partial<ClusterInfo> = {},
  storageDomains: StorageDomainInventory[] = [nfsData],
): ClusterInventory {
  return {
    cluster: {
      id: 'c-1',
      name: 'Default',
      memoryOverCommitPercent: 100,
      threadsAsCores: false,
      haReservation: false,
      fencingPolicyEnabled: true,
      dataCenterId: 'dc-1',
      dataCenterName: 'dc1',
      ...overrides,
    },
    hosts,
    vms,
    storageDomains,
  };
}

/**
 * The write-up's cluster: 3 hosts of 32 cores / 64 GiB, each running HA VMs worth 45 GiB and 25 vCPUs
 * (nine 5 GiB VMs: seven of 3 vCPUs, two of 2).
 */
export function blogCluster(overCommitPercent: number): ClusterInventory {
  const names = ['node01', 'node02', 'node03'];
  const vms = names.flatMap((h, i) =>
    Array.from({ length: 9 }, (_, j) =>
      vm(`vps-${i + 1}-${j + 1}`, h, { memoryGiB: 5, vcpus: j < 7 ? 3 : 2, ha: [100, 50, 1][j % 3] ?? 50 }),
    ),
  );
  return cluster(
    names.map((n) => host(n)),
    vms,
    { memoryOverCommitPercent: overCommitPercent },
  );
}
