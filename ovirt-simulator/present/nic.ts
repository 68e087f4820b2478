import { nameUuid } from '../random';
import type { ReportedNic } from '../world/guest-agent';
import type { VmNic } from '../world/network-model';
import type { Node } from '../wire/document';
import { links, ref } from './links';

/**
 * `<nic>` of a VM or template (`NicMapper`): `mac` only when the NIC has one (template NICs do not), `vnic_profile`
 * only when the NIC is on a network (an empty profile shows none).
 */
export function presentNic(nic: VmNic, base: string): Node {
  const owner = nic.owner === 'vm' ? 'vms' : 'templates';
  const href = `${base}/${owner}/${nic.ownerId}/nics/${nic.id}`;
  const node: Node = {
    href,
    id: nic.id,
    name: nic.name,
    link: links(href, nic.owner === 'vm' ? ['networkfilterparameters', 'reporteddevices', 'statistics'] : []),
    interface: nic.interface,
    linked: nic.linked,
  };
  if (node.link && (node.link as Node[]).length === 0) delete node.link;
  if (nic.mac) node.mac = { address: nic.mac };
  node.plugged = nic.plugged;
  node.synced = true;
  if (nic.vnicProfileId) node.vnic_profile = ref(base, 'vnicprofiles', nic.vnicProfileId);
  node[nic.owner === 'vm' ? 'vm' : 'template'] = ref(base, owner, nic.ownerId);
  return node;
}

/**
 * `<reported_device>` (`ReportedDeviceMapper`): the guest's interface, its MAC and addresses, `description` "guest
 * reported data", type `network`. Its id is derived from the NIC, as the engine derives it from the interface.
 */
export function presentReportedDevice(device: ReportedNic, nic: VmNic, base: string): Node {
  const id = nameUuid(`reported:${nic.id}`);
  const node: Node = {
    href: `${base}/vms/${nic.ownerId}/nics/${nic.id}/reporteddevices/${id}`,
    id,
    name: device.guestName,
    description: 'guest reported data',
  };
  if (device.ips.length > 0) {
    node.ips = {
      ip: device.ips.map((ip) => {
        const out: Node = { address: ip.address ?? '' };
        if (ip.gateway) out.gateway = ip.gateway;
        if (ip.netmask) out.netmask = ip.netmask;
        out.version = ip.version;
        return out;
      }),
    };
  }
  if (device.mac) node.mac = { address: device.mac };
  node.type = 'network';
  node.vm = ref(base, 'vms', nic.ownerId);
  return node;
}
