/**
 * The engine's VM devices a usable VPS needs: vNIC profiles and NICs, disk attachments (to grow the boot disk), the
 * addresses a guest agent reports, and the template's disks (a plan may not sell a disk smaller than its template's).
 * One method per remote operation, like OvirtClient, which exposes this as `ovirt.devices`.
 */
import { z } from 'zod';
import { OvirtTimeoutError } from './errors';
import { bool, collection, num, ref } from './schemas';
import type { CallOptions, OvirtTransport } from './transport';
import type { DiskAttachment } from './types';

const vnicProfileSchema = z.object({ id: z.string(), name: z.string(), network: ref.optional() });
const networkSchema = z.object({ id: z.string(), name: z.string(), data_center: ref.optional() });
const nicSchema = z.object({
  id: z.string(),
  name: z.string(),
  interface: z.string().optional(),
  mac: z.object({ address: z.string().optional() }).optional(),
  vnic_profile: ref.optional(),
  linked: bool.optional(),
  plugged: bool.optional(),
});
const diskSchema = z.object({
  id: z.string(),
  provisioned_size: num.optional(),
  status: z.string().optional(),
  name: z.string().optional(),
  alias: z.string().optional(),
});
const diskAttachmentSchema = z.object({ id: z.string(), bootable: bool.optional(), disk: diskSchema.optional() });
const reportedDeviceSchema = z.object({
  name: z.string().optional(),
  mac: z.object({ address: z.string().optional() }).optional(),
  ips: z.object({ ip: z.array(z.object({ address: z.string(), version: z.string().optional() })).optional() }).optional(),
});

export interface VnicProfile {
  id: string;
  name: string;
  networkId: string | undefined;
}

export interface Network {
  id: string;
  name: string;
}

export interface VmNic {
  id: string;
  name: string;
  mac: string | undefined;
  vnicProfileId: string | undefined;
}

export type { DiskAttachment };

export interface ReportedAddresses {
  mac: string | undefined;
  ips: string[];
}

const enc = encodeURIComponent;

export class VmDevicesApi {
  constructor(
    private readonly t: OvirtTransport,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly now: () => number,
  ) {}

  async listVnicProfiles(call?: CallOptions): Promise<VnicProfile[]> {
    const list = await this.t.read('list vNIC profiles', '/vnicprofiles', collection('vnic_profile', vnicProfileSchema), call);
    return list.map((p) => ({ id: p.id, name: p.name, networkId: p.network?.id }));
  }

  /** The logical networks attached to a cluster: a vNIC profile is usable there only when its network is one of them. */
  async listClusterNetworks(clusterId: string, call?: CallOptions): Promise<Network[]> {
    const list = await this.t.read(
      'list cluster networks',
      `/clusters/${enc(clusterId)}/networks`,
      collection('network', networkSchema),
      call,
    );
    return list.map((n) => ({ id: n.id, name: n.name }));
  }

  async listVmNics(vmId: string, call?: CallOptions): Promise<VmNic[]> {
    return (await this.t.read('list VM NICs', `/vms/${enc(vmId)}/nics`, collection('nic', nicSchema), call)).map(toNic);
  }

  /** Adds a virtio NIC on the profile; the engine gives it a MAC from the cluster's MAC pool. */
  async addVmNic(vmId: string, nic: { name: string; vnicProfileId: string }, call?: CallOptions): Promise<VmNic> {
    const body = { name: nic.name, interface: 'virtio', vnic_profile: { id: nic.vnicProfileId } };
    return toNic(await this.t.write('add VM NIC', 'POST', `/vms/${enc(vmId)}/nics`, nicSchema, { ...call, body }));
  }

  /** Moves a NIC to another vNIC profile (the MAC stays). */
  async updateVmNicProfile(vmId: string, nicId: string, vnicProfileId: string, call?: CallOptions): Promise<VmNic> {
    const body = { vnic_profile: { id: vnicProfileId } };
    return toNic(await this.t.write('update VM NIC', 'PUT', `/vms/${enc(vmId)}/nics/${enc(nicId)}`, nicSchema, { ...call, body }));
  }

  /** The VM's disk attachments with their disks inlined (size and status). */
  async listVmDiskAttachments(vmId: string, call?: CallOptions): Promise<DiskAttachment[]> {
    const list = await this.t.read(
      'list VM disk attachments',
      `/vms/${enc(vmId)}/diskattachments`,
      collection('disk_attachment', diskAttachmentSchema),
      {
        ...call,
        params: { follow: 'disk' },
      },
    );
    return list.map(toAttachment);
  }

  /** The template's disk attachments with their disks inlined; the bootable one is what a new VM boots from. */
  async listTemplateDiskAttachments(templateId: string, call?: CallOptions): Promise<DiskAttachment[]> {
    const list = await this.t.read(
      'list template disk attachments',
      `/templates/${enc(templateId)}/diskattachments`,
      collection('disk_attachment', diskAttachmentSchema),
      {
        ...call,
        params: { follow: 'disk' },
      },
    );
    return list.map(toAttachment);
  }

  /** Grows a disk of a VM that is down; the engine locks the disk while it extends the image. */
  async resizeVmDisk(vmId: string, attachmentId: string, bytes: number, call?: CallOptions): Promise<void> {
    const body = { disk: { provisioned_size: String(bytes) } };
    await this.t.write('resize VM disk', 'PUT', `/vms/${enc(vmId)}/diskattachments/${enc(attachmentId)}`, z.unknown(), { ...call, body });
  }

  /** Polls until the attachment's disk is `ok` (no longer locked by a resize). */
  async waitForDiskReady(
    vmId: string,
    attachmentId: string,
    options: { timeoutMs: number; pollMs: number; signal?: AbortSignal } & CallOptions,
  ): Promise<DiskAttachment> {
    const deadline = this.now() + options.timeoutMs;
    for (;;) {
      options.signal?.throwIfAborted();
      const list = await this.listVmDiskAttachments(vmId, options);
      const found = list.find((a) => a.id === attachmentId);
      if (!found || found.diskStatus === undefined || found.diskStatus === 'ok')
        return found ?? { id: attachmentId, bootable: false, diskId: undefined, provisionedBytes: undefined, diskStatus: undefined };
      if (this.now() + options.pollMs > deadline)
        throw new OvirtTimeoutError(`wait for disk of VM ${vmId} (it is ${found.diskStatus})`, options.timeoutMs);
      await this.sleep(options.pollMs);
    }
  }

  /** What the guest agent reports for a NIC (empty until the agent runs). */
  async reportedAddresses(vmId: string, nicId: string, call?: CallOptions): Promise<ReportedAddresses[]> {
    const list = await this.t.read(
      'list reported devices',
      `/vms/${enc(vmId)}/nics/${enc(nicId)}/reporteddevices`,
      collection('reported_device', reportedDeviceSchema),
      call,
    );
    return list.map((d) => ({ mac: d.mac?.address, ips: (d.ips?.ip ?? []).map((ip) => ip.address) }));
  }
}

function toNic(n: z.output<typeof nicSchema>): VmNic {
  return { id: n.id, name: n.name, mac: n.mac?.address, vnicProfileId: n.vnic_profile?.id };
}

function toAttachment(a: z.output<typeof diskAttachmentSchema>): DiskAttachment {
  return {
    id: a.id,
    bootable: a.bootable ?? false,
    diskId: a.disk?.id,
    provisionedBytes: a.disk?.provisioned_size,
    diskStatus: a.disk?.status,
  };
}
