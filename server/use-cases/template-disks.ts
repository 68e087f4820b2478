/**
 * The size of a template's boot disk, read from the engine: a plan may grow the disk it sells, never shrink it, so
 * plan changes are checked against it.
 */
import type { OvirtClient } from '../ovirt/client';

const GIB = 1024 ** 3;

export interface TemplateDiskSizes {
  /** The bootable disk's size in GiB (rounded up), null for a template without disks; undefined for an unknown template. */
  bootDiskGib(template: string): Promise<number | null | undefined>;
}

export class EngineTemplateDisks implements TemplateDiskSizes {
  constructor(private readonly ovirt: OvirtClient) {}

  async bootDiskGib(template: string): Promise<number | null | undefined> {
    // Sub-versions share a name; new VMs are made from the latest, which comes first.
    const [latest] = await this.ovirt.findTemplatesByName(template);
    if (!latest) return undefined;
    const attachments = await this.ovirt.devices.listTemplateDiskAttachments(latest.id);
    const boot = attachments.find((a) => a.bootable) ?? attachments[0];
    if (!boot || boot.provisionedBytes === undefined) return null;
    return Math.ceil(boot.provisionedBytes / GIB);
  }
}
