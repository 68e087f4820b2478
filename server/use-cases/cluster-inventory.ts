/**
 * Reads one cluster's snapshot from the engine for the capacity model: hosts with their fence agents, the cluster's
 * VMs with where their disks live, and the storage domains of its data center. VMs that belong to our services are
 * tagged with their plan, so HA drift (a priority changed by hand) can be found.
 */
import {
  type ClusterInventory,
  HOST_STATUSES,
  type HostInventory,
  type HostStatus,
  type StorageDomainInventory,
  type StorageDomainStatus,
  type StorageDomainType,
  type StorageType,
  VM_STATUSES,
  type VmInventory,
  type VmStatus,
} from '../capacity/index';
import { NotFoundError } from '../errors';
import type { OvirtClient } from '../ovirt/client';
import type { PlansRepository } from '../repositories/plans';
import type { ServicesRepository } from '../repositories/services';

const STORAGE_TYPES = new Set(['nfs', 'iscsi', 'fcp', 'glusterfs', 'posixfs', 'localfs', 'glance', 'cinder', 'managed_block_storage']);
const DOMAIN_TYPES = new Set(['data', 'iso', 'export', 'image', 'volume', 'managed_block_storage']);
const DOMAIN_STATUSES = new Set([
  'active',
  'inactive',
  'locked',
  'mixed',
  'unattached',
  'maintenance',
  'preparing_for_maintenance',
  'detaching',
  'activating',
  'unknown',
]);

// States the model does not know are never read as healthy.
const hostStatus = (s: string): HostStatus => ((HOST_STATUSES as readonly string[]).includes(s) ? (s as HostStatus) : 'unassigned');
const vmStatus = (s: string): VmStatus => ((VM_STATUSES as readonly string[]).includes(s) ? (s as VmStatus) : 'unknown');

export class ClusterInventoryReader {
  constructor(private readonly d: { ovirt: OvirtClient; services: ServicesRepository; plans: PlansRepository }) {}

  async read(clusterName: string): Promise<ClusterInventory> {
    const { ovirt } = this.d;
    const cluster = await ovirt.findClusterByName(clusterName);
    if (!cluster) throw new NotFoundError('cluster', clusterName);
    const [dataCenter, hosts, vms, domains, ours] = await Promise.all([
      cluster.dataCenterId ? ovirt.getDataCenter(cluster.dataCenterId) : undefined,
      ovirt.listHosts({ cluster: cluster.name }),
      ovirt.listVms({ cluster: cluster.name, withDisks: true }),
      cluster.dataCenterId ? ovirt.listDataCenterStorageDomains(cluster.dataCenterId) : [],
      this.planByVm(),
    ]);
    const agents = await Promise.all(hosts.map((h) => ovirt.listFenceAgents(h.id)));

    const hostInventory: HostInventory[] = hosts.map((h, i) => ({
      id: h.id,
      name: h.name,
      status: hostStatus(h.status),
      memoryBytes: h.memoryBytes,
      ...(h.maxSchedulingMemoryBytes === undefined ? {} : { maxSchedulingMemoryBytes: h.maxSchedulingMemoryBytes }),
      cpu: { sockets: h.cpu.sockets, coresPerSocket: h.cpu.cores, threadsPerCore: h.cpu.threads },
      powerManagement: { enabled: h.powerManagement.enabled, agentCount: agents[i]?.length ?? 0 },
      spm: h.spm === 'spm',
    }));
    const vmInventory: VmInventory[] = vms.map((v) => {
      const plan = ours.get(v.id);
      return {
        id: v.id,
        name: v.name,
        status: vmStatus(v.status),
        ...(v.hostId ? { hostId: v.hostId } : {}),
        memoryBytes: v.memoryBytes,
        vcpus: v.vcpus,
        ha: v.ha,
        lease: v.leaseStorageDomainId !== undefined,
        ...(v.diskStorageDomainIds ? { storageDomainIds: v.diskStorageDomainIds } : {}),
        ...(plan ? { plan } : {}),
      };
    });
    const storage: StorageDomainInventory[] = domains
      .filter((s) => s.type && DOMAIN_TYPES.has(s.type) && s.storageType && STORAGE_TYPES.has(s.storageType))
      .map((s) => ({
        id: s.id,
        name: s.name,
        type: s.type as StorageDomainType,
        storageType: s.storageType as StorageType,
        status: (s.status && DOMAIN_STATUSES.has(s.status) ? s.status : 'unknown') as StorageDomainStatus,
        shared: s.shared,
      }));
    return {
      cluster: {
        id: cluster.id,
        name: cluster.name,
        memoryOverCommitPercent: cluster.memoryOverCommitPercent,
        threadsAsCores: cluster.threadsAsCores,
        haReservation: cluster.haReservation,
        fencingPolicyEnabled: cluster.fencingPolicyEnabled,
        dataCenterId: cluster.dataCenterId ?? '',
        dataCenterName: dataCenter?.name ?? '',
      },
      hosts: hostInventory,
      vms: vmInventory,
      storageDomains: storage,
    };
  }

  /** Our VMs by engine id, with the HA their plan asks for. */
  private async planByVm(): Promise<Map<string, NonNullable<VmInventory['plan']>>> {
    const [services, plans] = await Promise.all([this.d.services.listWithVm(), this.d.plans.list()]);
    const byId = new Map(plans.map((p) => [p.id, p]));
    const out = new Map<string, NonNullable<VmInventory['plan']>>();
    for (const s of services) {
      const plan = byId.get(s.planId);
      if (s.vmId && plan) out.set(s.vmId, { productId: plan.productId, expectedHa: plan.ha });
    }
    return out;
  }
}
