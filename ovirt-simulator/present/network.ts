import type { ClusterNetwork, MacPool, Network, VnicProfile } from '../world/network-model';
import type { Node } from '../wire/document';
import { links, ref } from './links';

/** `<network>` (`NetworkMapper`): `usages` lists `vm` for a VM network; `mtu` 0 is the engine's default. */
export function presentNetwork(network: Network, base: string): Node {
  const href = `${base}/networks/${network.id}`;
  const node: Node = {
    href,
    id: network.id,
    name: network.name,
    description: network.description,
    comment: '',
    link: links(href, ['networklabels', 'permissions', 'vnicprofiles']),
    mtu: network.mtu,
    port_isolation: false,
    stp: false,
    usages: network.vm ? { usage: ['vm'] } : {},
    vdsm_name: network.name,
  };
  if (network.vlanId !== undefined) node.vlan = { id: network.vlanId };
  node.data_center = ref(base, 'datacenters', network.dataCenterId);
  return node;
}

/**
 * A network as `/clusters/{id}/networks` shows it (`BackendClusterNetworkResource`): the cluster link, its status in
 * the cluster, whether hosts must have it, and the cluster roles (`management`, `display`, `migration`…).
 */
export function presentClusterNetwork(network: Network, link: ClusterNetwork, clusterId: string, base: string): Node {
  const href = `${base}/clusters/${clusterId}/networks/${network.id}`;
  const usages = [...(link.management ? ['default_route', 'display', 'management', 'migration'] : []), ...(network.vm ? ['vm'] : [])];
  const node: Node = {
    href,
    id: network.id,
    name: network.name,
    description: network.description,
    comment: '',
    display: link.management,
    mtu: network.mtu,
    port_isolation: false,
    required: link.required,
    status: 'operational',
    stp: false,
    usages: usages.length > 0 ? { usage: usages } : {},
    vdsm_name: network.name,
  };
  if (network.vlanId !== undefined) node.vlan = { id: network.vlanId };
  node.cluster = ref(base, 'clusters', clusterId);
  node.data_center = ref(base, 'datacenters', network.dataCenterId);
  return node;
}

/** `<vnic_profile>` (`VnicProfileMapper`): no pass-through, no port mirroring, the network it connects to. */
export function presentVnicProfile(profile: VnicProfile, base: string): Node {
  const href = `${base}/vnicprofiles/${profile.id}`;
  return {
    href,
    id: profile.id,
    name: profile.name,
    description: profile.description,
    comment: '',
    link: links(href, ['permissions']),
    migratable: false,
    pass_through: { mode: 'disabled' },
    port_mirroring: false,
    network: ref(base, 'networks', profile.networkId),
  };
}

/** `<mac_pool>` (`MacPoolMapper`). */
export function presentMacPool(pool: MacPool, base: string): Node {
  const href = `${base}/macpools/${pool.id}`;
  return {
    href,
    id: pool.id,
    name: pool.name,
    description: pool.description,
    link: links(href, ['permissions']),
    allow_duplicates: pool.allowDuplicates,
    default_pool: pool.defaultPool,
    ranges: { range: pool.ranges.map((r) => ({ from: r.from, to: r.to })) },
  };
}
