import { nameUuid } from '../random';
import { DEFAULT_MAC_POOL_ID } from '../world/network-registry';
import type { Network, VmNic } from '../world/network-model';
import type { Template } from '../world/model';
import type { World } from '../world/world';
import type { ClusterSpec, DataCenterSpec, Scenario, TemplateSpec } from './schema';

export const MANAGEMENT_NETWORK = 'ovirtmgmt';

/**
 * The `Default` MAC pool. engine-setup gives it one range `56:6f:XX:YY:00:00-56:6f:XX:YY:ff:ff` with XX:YY drawn at
 * random (`network/macpools.py`); the simulator derives them from the seed so a scenario's MACs stay the same.
 */
export function addMacPool(world: World, scenario: Scenario, seed: number): void {
  const bytes = nameUuid(`macpool:${seed}`).replace(/-/g, '');
  const prefix = `56:6f:${bytes.slice(0, 2)}:${bytes.slice(2, 4)}`;
  world.net.macPools.set(DEFAULT_MAC_POOL_ID, {
    id: DEFAULT_MAC_POOL_ID,
    name: 'Default',
    description: 'Default MAC pool',
    allowDuplicates: scenario.macPool?.allowDuplicates ?? false,
    defaultPool: true,
    ranges: scenario.macPool?.ranges.map((r) => ({ from: r.from.toLowerCase(), to: r.to.toLowerCase() })) ?? [
      { from: `${prefix}:00:00`, to: `${prefix}:ff:ff` },
    ],
  });
}

/** A data center's networks, `ovirtmgmt` first (the engine creates it with the data center), each with its profiles. */
export function addNetworks(world: World, dataCenterId: string, spec: DataCenterSpec): void {
  const specs = spec.networks.some((n) => n.name === MANAGEMENT_NETWORK)
    ? spec.networks
    : [
        { name: MANAGEMENT_NETWORK, description: 'Management Network', mtu: 0, vm: true, vlanId: undefined, vnicProfiles: undefined },
        ...spec.networks,
      ];
  for (const n of specs) {
    if (world.net.networkNamed(dataCenterId, n.name)) throw new Error(`scenario: duplicate network ${n.name} in ${spec.name}`);
    const network: Network = {
      id: nameUuid(`network:${dataCenterId}:${n.name}`),
      name: n.name,
      description: n.description,
      dataCenterId,
      mtu: n.mtu,
      vlanId: n.vlanId,
      vm: n.vm,
    };
    world.net.addNetwork(network);
    // The engine makes a profile named after each VM network; non-VM networks have none.
    const profiles = n.vnicProfiles ?? (n.vm ? [{ name: n.name, description: '' }] : []);
    for (const p of profiles) {
      world.net.addVnicProfile({
        id: nameUuid(`vnicprofile:${network.id}:${p.name}`),
        name: p.name,
        description: p.description,
        networkId: network.id,
      });
    }
  }
}

/** Attaches the cluster's networks (all of its data center's by default); `ovirtmgmt` is required and the management network. */
export function linkClusterNetworks(world: World, clusterId: string, dataCenterId: string, spec: ClusterSpec): void {
  const names = spec.networks ?? [...world.net.networks.values()].filter((n) => n.dataCenterId === dataCenterId).map((n) => n.name);
  if (!names.includes(MANAGEMENT_NETWORK)) names.unshift(MANAGEMENT_NETWORK);
  for (const name of names) {
    const network = world.net.networkNamed(dataCenterId, name);
    if (!network) throw new Error(`scenario: cluster ${spec.name}: unknown network ${name}`);
    const management = name === MANAGEMENT_NETWORK;
    world.net.attachToCluster(clusterId, { networkId: network.id, required: management, management });
  }
}

/** A template's NICs (`nic1` on `ovirtmgmt` unless the scenario says), without MACs: VMs made from it get their own. */
export function addTemplateNics(world: World, template: Template, spec: TemplateSpec): void {
  const dataCenterId = template.clusterId ? world.cluster(template.clusterId).dataCenterId : undefined;
  const nics = spec.nics ?? [{ name: 'nic1', network: MANAGEMENT_NETWORK, vnicProfile: undefined, interface: 'virtio' as const }];
  for (const n of nics) {
    const network = [...world.net.networks.values()].find(
      (net) => net.name === n.network && (dataCenterId === undefined || net.dataCenterId === dataCenterId),
    );
    // A scenario without data centers has no networks: its templates' NICs are on the empty profile.
    if (!network && world.dataCenters.size > 0) throw new Error(`scenario: template ${spec.name}: unknown network ${n.network}`);
    const profileName = n.vnicProfile ?? n.network;
    const profile = network ? world.net.profilesOf(network.id).find((p) => p.name === profileName) : undefined;
    if (network && !profile) throw new Error(`scenario: template ${spec.name}: network ${n.network} has no profile ${profileName}`);
    const nic: VmNic = {
      id: world.net.nextNicId(template.id),
      name: n.name,
      ownerId: template.id,
      owner: 'template',
      vnicProfileId: profile?.id,
      mac: undefined,
      interface: n.interface,
      linked: true,
      plugged: true,
    };
    world.net.addNic(nic);
  }
}
