import { nameUuid } from '../random';
import type { ClusterNetwork, MacPool, Network, VmNic, VnicProfile } from './network-model';

/** The engine's `Default` MAC pool keeps the id its database seed gives it (`00210_insert_mac_pools.sql`). */
export const DEFAULT_MAC_POOL_ID = '58ca604b-017d-0374-0220-00000000014e';

export function macToNumber(mac: string): number {
  return parseInt(mac.replace(/:/g, ''), 16);
}

export function numberToMac(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return hex.match(/../g)?.join(':') ?? hex;
}

/** `HH:HH:HH:HH:HH:HH` (VALIDATION_VM_NETWORK_MAC_ADDRESS_INVALID). */
export const MAC_PATTERN = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/**
 * The engine's network tables plus the MAC pools' bookkeeping: which MACs are taken, and NICs per VM or template
 * in creation order. Ids are name-based (derived from their parents), so adding networks to the simulator drew
 * nothing from the world's seeded id sequence and every other seeded id stayed what it was.
 */
export class NetworkRegistry {
  readonly networks = new Map<string, Network>();
  readonly vnicProfiles = new Map<string, VnicProfile>();
  readonly macPools = new Map<string, MacPool>();
  readonly nics = new Map<string, VmNic>();
  private readonly clusterNetworks = new Map<string, ClusterNetwork[]>();
  private readonly nicsOfOwner = new Map<string, string[]>();
  /** NICs made per owner so far: a removed NIC's id is never handed out again. */
  private readonly nicSequence = new Map<string, number>();
  /** MAC (as a number) → NIC id, for every VM NIC. */
  private readonly macsInUse = new Map<number, string>();
  /** Where the next free-MAC search starts: the engine hands out a pool's MACs in order. */
  private macCursor = 0;

  addNetwork(network: Network): void {
    this.networks.set(network.id, network);
  }

  addVnicProfile(profile: VnicProfile): void {
    this.vnicProfiles.set(profile.id, profile);
  }

  attachToCluster(clusterId: string, link: ClusterNetwork): void {
    const links = this.clusterNetworks.get(clusterId) ?? [];
    links.push(link);
    this.clusterNetworks.set(clusterId, links);
  }

  networksOfCluster(clusterId: string): ClusterNetwork[] {
    return this.clusterNetworks.get(clusterId) ?? [];
  }

  profilesOf(networkId: string): VnicProfile[] {
    return [...this.vnicProfiles.values()].filter((p) => p.networkId === networkId);
  }

  networkNamed(dataCenterId: string, name: string): Network | undefined {
    for (const n of this.networks.values()) if (n.dataCenterId === dataCenterId && n.name === name) return n;
    return undefined;
  }

  /** The pool every cluster uses: the simulator has one (the engine's `Default`). */
  defaultPool(): MacPool | undefined {
    for (const pool of this.macPools.values()) if (pool.defaultPool) return pool;
    return undefined;
  }

  // ---- NICs -------------------------------------------------------------------------------------------------

  nicsOf(ownerId: string): VmNic[] {
    const ids = this.nicsOfOwner.get(ownerId) ?? [];
    const out: VmNic[] = [];
    for (const id of ids) {
      const nic = this.nics.get(id);
      if (nic) out.push(nic);
    }
    return out;
  }

  nextNicId(ownerId: string): string {
    const n = (this.nicSequence.get(ownerId) ?? 0) + 1;
    this.nicSequence.set(ownerId, n);
    return nameUuid(`nic:${ownerId}:${n}`);
  }

  /** Adds a NIC after its owner's others; its MAC must already be reserved (`reserveMac`/`allocateMac`). */
  addNic(nic: VmNic): void {
    this.nics.set(nic.id, nic);
    const ids = this.nicsOfOwner.get(nic.ownerId) ?? [];
    ids.push(nic.id);
    this.nicsOfOwner.set(nic.ownerId, ids);
  }

  removeNic(nic: VmNic): void {
    this.nics.delete(nic.id);
    const ids = this.nicsOfOwner.get(nic.ownerId);
    if (ids)
      this.nicsOfOwner.set(
        nic.ownerId,
        ids.filter((id) => id !== nic.id),
      );
    if (nic.mac) this.releaseMac(nic.mac);
  }

  /** A removed VM's NICs go, and their MACs return to the pool. */
  removeNicsOf(ownerId: string): void {
    for (const nic of this.nicsOf(ownerId)) this.removeNic(nic);
    this.nicsOfOwner.delete(ownerId);
  }

  // ---- MACs -------------------------------------------------------------------------------------------------

  /** The NIC holding this MAC, if any (MACs compare case-insensitively). */
  macHolder(mac: string): VmNic | undefined {
    const id = this.macsInUse.get(macToNumber(mac));
    return id ? this.nics.get(id) : undefined;
  }

  reserveMac(mac: string, nicId: string): void {
    this.macsInUse.set(macToNumber(mac), nicId);
  }

  releaseMac(mac: string): void {
    this.macsInUse.delete(macToNumber(mac));
  }

  /**
   * The next free MAC of the pool, in range order from where the last search stopped (so a just-released MAC is
   * not handed straight out again); `undefined` when the pool is exhausted.
   */
  allocateMac(pool: MacPool, nicId: string): string | undefined {
    const spans = pool.ranges.map((r) => [macToNumber(r.from), macToNumber(r.to)] as const);
    const size = spans.reduce((sum, [from, to]) => sum + Math.max(0, to - from + 1), 0);
    for (let step = 0; step < size; step++) {
      const offset = (this.macCursor + step) % size;
      const mac = macAt(spans, offset);
      if (this.macsInUse.has(mac)) continue;
      this.macCursor = offset + 1;
      this.macsInUse.set(mac, nicId);
      return numberToMac(mac);
    }
    return undefined;
  }
}

function macAt(spans: ReadonlyArray<readonly [number, number]>, offset: number): number {
  let rest = offset;
  for (const [from, to] of spans) {
    const n = to - from + 1;
    if (rest < n) return from + rest;
    rest -= n;
  }
  throw new Error('offset outside the MAC pool');
}
