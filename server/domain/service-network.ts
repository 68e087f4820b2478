/**
 * The network a VPS configures (cloud-init, before its first start) from the addresses its service holds and their
 * pools: pure, so the provisioning, the callback and the client area all read the same answer.
 */
import type { IpAssignment } from './ip-assignment';
import { netmaskV4, parseCidr } from './ip-address';
import { type IpPool, buildPool, hostAddress, slotOf } from './ip-pool';

/** What a VPS configures (cloud-init) from the addresses its service holds. */
export interface ServiceNetwork {
  /** `192.0.2.10`. */
  ipv4: string[];
  /** The prefix's `::1` with its length: `2001:db8:1:5::1/64`. */
  ipv6: string[];
  /** The prefixes held: `2001:db8:1:5::/64`. */
  ipv6Prefixes: string[];
  gatewayV4: string | null;
  netmaskV4: string | null;
  prefixLengthV4: number | null;
  gatewayV6: string | null;
  dns: string[];
  dnsSearch: string[];
  /** The oVirt vNIC profile for the NIC: the IPv4 pool's, else the IPv6 pool's. */
  network: string | null;
  pools: string[];
}
/** The IPv6 address the VPS uses in its prefix (`::1`, with the prefix length); the prefix as stored if it cannot be read. */
function v6Host(a: IpAssignment, pool: IpPool): string {
  const space = buildPool(pool).space;
  const slot = space && slotOf(space, a.address);
  return space && slot !== undefined ? hostAddress(space, slot) : a.address;
}

/** The network view of `held` (at most one row per family); undefined when nothing is held. */
export function serviceNetwork(held: IpAssignment[], pools: IpPool[]): ServiceNetwork | undefined {
  if (held.length === 0) return undefined;
  const byId = new Map(pools.map((p) => [p.id, p]));
  const v4 = held.find((a) => a.family === 4);
  const v6 = held.find((a) => a.family === 6);
  const pool4 = v4 && byId.get(v4.poolId);
  const pool6 = v6 && byId.get(v6.poolId);
  const prefixLengthV4 = pool4 ? (parseCidr(pool4.cidr).cidr?.prefixLength ?? null) : null;
  const unique = (xs: string[]) => [...new Set(xs)];
  return {
    ipv4: v4 ? [v4.address] : [],
    ipv6: v6 && pool6 ? [v6Host(v6, pool6)] : [],
    ipv6Prefixes: v6 ? [v6.address] : [],
    gatewayV4: pool4?.gateway ?? null,
    netmaskV4: prefixLengthV4 === null ? null : netmaskV4(prefixLengthV4),
    prefixLengthV4,
    gatewayV6: pool6?.gateway ?? null,
    dns: unique([...(pool4?.dns ?? []), ...(pool6?.dns ?? [])]),
    dnsSearch: unique([...(pool4?.dnsSearch ?? []), ...(pool6?.dnsSearch ?? [])]),
    network: pool4?.network ?? pool6?.network ?? null,
    pools: [pool4?.name, pool6?.name].filter((n): n is string => n !== undefined),
  };
}
