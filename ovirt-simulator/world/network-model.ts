/**
 * Logical networks, vNIC profiles, MAC pools and virtual NICs, as the engine's `network`, `vnic_profiles`,
 * `mac_pools` and `vm_interface` tables hold them. Kept apart from `model.ts` so that file stays one screenful of
 * compute and storage.
 */

/** `NicInterface` of the API model, in its order. The simulator's guests accept any of them. */
export const NIC_INTERFACES = ['e1000', 'e1000e', 'pci_passthrough', 'rtl8139', 'rtl8139_virtio', 'spapr_vlan', 'virtio'] as const;
export type NicInterface = (typeof NIC_INTERFACES)[number];

export interface Network {
  id: string;
  name: string;
  description: string;
  dataCenterId: string;
  /** 0 = the engine's default MTU (1500), as the API shows it. */
  mtu: number;
  vlanId: number | undefined;
  /** A VM network (usage `vm`): VM NICs may use it. */
  vm: boolean;
}

/** A network's link to a cluster (`network_cluster`): the management network carries the `management` usage. */
export interface ClusterNetwork {
  networkId: string;
  required: boolean;
  management: boolean;
}

export interface VnicProfile {
  id: string;
  name: string;
  description: string;
  networkId: string;
}

export interface MacRange {
  from: string;
  to: string;
}

export interface MacPool {
  id: string;
  name: string;
  description: string;
  allowDuplicates: boolean;
  defaultPool: boolean;
  ranges: MacRange[];
}

/**
 * A virtual NIC of a VM or of a template (`vm_interface`). Template NICs have no MAC: each VM made from the template
 * gets a copy with a MAC of its own from its cluster's pool.
 */
export interface VmNic {
  id: string;
  name: string;
  /** The VM or template the NIC belongs to. */
  ownerId: string;
  owner: 'vm' | 'template';
  /** `undefined`: the empty profile (the NIC is connected to no network). */
  vnicProfileId: string | undefined;
  mac: string | undefined;
  interface: NicInterface;
  linked: boolean;
  plugged: boolean;
}
