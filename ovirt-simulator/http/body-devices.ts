import type { Request } from 'express';
import type { NicInput } from '../world/nic-commands';
import { bool, definedRef, int, obj, parse, readRaw, str } from './body-parse';

const nicSchema = obj({
  name: str.optional(),
  interface: str.optional(),
  mac: obj({ address: str.optional() }).optional(),
  // An empty `<vnic_profile/>` (or `{}`) takes the NIC off its network.
  vnic_profile: obj({ id: str.optional(), name: str.optional() }).optional(),
  linked: bool.optional(),
  plugged: bool.optional(),
});

/** `<nic>` for `POST /vms/{id}/nics` and `PUT /vms/{id}/nics/{nic}`. */
export function readNic(req: Request, method: 'add' | 'update'): NicInput {
  const service = method === 'add' ? 'vmnics' : 'vmnic';
  const path = `services/${service}/methods/${method}`;
  const v = parse(nicSchema, readRaw(req, 'nic', path), req, path);
  const input: NicInput = {};
  if (v.name !== undefined) input.name = v.name;
  if (v.interface !== undefined) input.interface = v.interface;
  if (v.mac?.address !== undefined) input.mac = v.mac.address;
  if (v.vnic_profile) {
    const r = definedRef(v.vnic_profile);
    input.vnicProfile = r.id === undefined && r.name === undefined ? null : r;
  }
  if (v.linked !== undefined) input.linked = v.linked;
  if (v.plugged !== undefined) input.plugged = v.plugged;
  return input;
}

const diskSchema = obj({ provisioned_size: int.optional() });

/** `<disk>` for `PUT /disks/{id}`: the simulator edits only `provisioned_size` (bytes). */
export function readDiskSize(req: Request): number | undefined {
  const path = 'services/disk/methods/update';
  return parse(diskSchema, readRaw(req, 'disk', path), req, path).provisioned_size;
}

const attachmentSchema = obj({ disk: diskSchema.optional() });

/** `<disk_attachment><disk><provisioned_size>` for `PUT /vms/{id}/diskattachments/{id}`. */
export function readAttachmentDiskSize(req: Request): number | undefined {
  const path = 'services/diskattachment/methods/update';
  return parse(attachmentSchema, readRaw(req, 'disk_attachment', path), req, path).disk?.provisioned_size;
}
