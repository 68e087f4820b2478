import { nameUuid } from '../random';
import type { Template } from '../world/model';
import type { Node } from '../wire/document';
import { ref } from './links';

/**
 * A template's one disk as `GET /templates/{id}/diskattachments` shows it (`TemplateDiskAttachmentsService`). Its id is
 * derived from the template's, so it is stable across runs; Blank and templates without a disk have none.
 */
export function templateDiskAttachments(template: Template, base: string, inlineDisk: boolean): Node {
  if (template.diskBytes <= 0 || template.storageDomainId === undefined) return {};
  const id = nameUuid(`template-disk:${template.id}`);
  const disk: Node = inlineDisk
    ? {
        href: `${base}/disks/${id}`,
        id,
        name: `${template.name}_Disk1`,
        alias: `${template.name}_Disk1`,
        format: 'cow',
        provisioned_size: template.diskBytes,
        sparse: true,
        status: 'ok',
        storage_type: 'image',
        storage_domains: { storage_domain: [ref(base, 'storagedomains', template.storageDomainId)] },
      }
    : ref(base, 'disks', id);
  return {
    disk_attachment: [
      {
        href: `${base}/templates/${template.id}/diskattachments/${id}`,
        id,
        active: true,
        bootable: true,
        interface: 'virtio_scsi',
        pass_discard: false,
        read_only: false,
        uses_scsi_reservation: false,
        disk,
        template: ref(base, 'templates', template.id),
      },
    ],
  };
}
