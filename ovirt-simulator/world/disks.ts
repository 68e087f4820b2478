import { nameUuid } from '../random';
import { GIB, type Cluster, type Disk, type StorageDomain, type Template, type Vm } from './model';
import type { World } from './world';

/** Size of a disk a scenario asks for when the template has none to copy (Blank). */
export const DEFAULT_DISK_BYTES = 10 * GIB;

/**
 * The master data domain of a data center (else its first data domain): where the simulator keeps a template's
 * disk when the scenario does not say.
 */
export function masterDataDomain(world: World, dataCenterId: string): StorageDomain | undefined {
  let first: StorageDomain | undefined;
  for (const sd of world.storageDomains.values()) {
    if (sd.dataCenterId !== dataCenterId || sd.type !== 'data') continue;
    if (sd.master) return sd;
    first ??= sd;
  }
  return first;
}

/**
 * Where a new VM's copy of the template disk goes when nothing names a domain: the template's domain when it
 * belongs to the VM's data center (templates without a cluster are visible in every data center), else that
 * data center's master data domain.
 */
export function defaultDiskDomain(world: World, template: Template, cluster: Cluster): StorageDomain | undefined {
  const own = template.storageDomainId ? world.storageDomains.get(template.storageDomainId) : undefined;
  if (own && own.dataCenterId === cluster.dataCenterId) return own;
  return masterDataDomain(world, cluster.dataCenterId);
}

export interface NewDisk {
  storageDomain: StorageDomain;
  provisionedBytes: number;
  actualBytes: number;
  format: Disk['format'];
}

/**
 * Attaches a new disk to a VM after its other disks: named `<vm>_Disk<n>`, bootable when it is the first, on
 * `virtio_scsi` (the engine's default interface for new VMs). Its id is derived from the VM id and the
 * position so that adding disks draws nothing from the world's seeded id sequence (ids of everything else
 * stay what they were before the simulator had disks).
 */
export function attachNewDisk(world: World, vm: Vm, spec: NewDisk): Disk {
  const position = world.disksOf(vm.id).length + 1;
  const disk: Disk = {
    id: nameUuid(`disk:${vm.id}:${position}`),
    name: `${vm.name}_Disk${position}`,
    vmId: vm.id,
    storageDomainId: spec.storageDomain.id,
    provisionedBytes: spec.provisionedBytes,
    actualBytes: spec.actualBytes,
    format: spec.format,
    sparse: spec.format === 'cow',
    bootable: position === 1,
    interface: 'virtio_scsi',
  };
  world.addDisk(disk);
  return disk;
}

/** `locked` while the VM's images are being created (the VM is `image_locked`) or the disk is being extended, else `ok`. */
export function diskStatus(world: World, disk: Disk): 'ok' | 'locked' {
  if (disk.resizing) return 'locked';
  const vm = disk.vmId ? world.vms.get(disk.vmId) : undefined;
  return vm?.status === 'image_locked' ? 'locked' : 'ok';
}
