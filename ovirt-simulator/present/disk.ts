import { nameUuid } from '../random';
import { diskStatus } from '../world/disks';
import type { Disk } from '../world/model';
import type { World } from '../world/world';
import type { Node } from '../wire/document';
import { actions, links, ref } from './links';

const DISK_ACTIONS = ['convert', 'copy', 'export', 'move', 'reduce', 'refreshlun', 'sparsify'] as const;
const DISK_LINKS = ['disksnapshots', 'permissions', 'statistics'] as const;

/**
 * `<disk>` as `GET /disks/{id}` shows it (model `types/Disk.java`; element order of the generated schema,
 * **unconfirmed** against a live engine). `status` is `locked` while the VM is `image_locked`.
 */
export function presentDisk(world: World, disk: Disk, base: string): Node {
  const href = `${base}/disks/${disk.id}`;
  return {
    href,
    id: disk.id,
    actions: actions(href, DISK_ACTIONS),
    name: disk.name,
    description: '',
    link: links(href, DISK_LINKS),
    actual_size: disk.actualBytes,
    alias: disk.name,
    backup: 'none',
    content_type: 'data',
    format: disk.format,
    // One volume per disk (no snapshots), its id derived from the disk's.
    image_id: nameUuid(`image:${disk.id}`),
    propagate_errors: false,
    provisioned_size: disk.provisionedBytes,
    qcow_version: 'qcow2_v3',
    shareable: false,
    sparse: disk.sparse,
    status: diskStatus(world, disk),
    storage_type: 'image',
    total_size: disk.actualBytes,
    wipe_after_delete: false,
    storage_domains: { storage_domain: [ref(base, 'storagedomains', disk.storageDomainId)] },
  };
}

/**
 * `<disk_attachment>` of a VM (`DiskAttachmentMapper`): its id is the disk's id. `inlineDisk` replaces the disk
 * reference with the whole disk, as `follow=disk_attachments.disk` asks.
 */
export function presentDiskAttachment(world: World, disk: Disk, vmId: string, base: string, inlineDisk: boolean): Node {
  return {
    href: `${base}/vms/${vmId}/diskattachments/${disk.id}`,
    id: disk.id,
    active: true,
    bootable: disk.bootable,
    interface: disk.interface,
    pass_discard: false,
    read_only: false,
    uses_scsi_reservation: false,
    disk: inlineDisk ? presentDisk(world, disk, base) : ref(base, 'disks', disk.id),
    vm: ref(base, 'vms', vmId),
  };
}

/** The body of `<disk_attachments>`: `{ disk_attachment: [...] }`, or empty (`{ }`, `<disk_attachments/>`) without disks. */
export function diskAttachmentsOf(world: World, vmId: string, base: string, inlineDisk: boolean): Node {
  const items = world.disksOf(vmId).map((d) => presentDiskAttachment(world, d, vmId, base, inlineDisk));
  return items.length > 0 ? { disk_attachment: items } : {};
}
