/** IP pools as the admin API shows them: the only place that chooses their output fields (no row ids). */
import { assignmentState, type IpAssignment } from '../../domain/ip-assignment';
import type { IpPoolDetail, IpPoolView } from '../../use-cases/ip-pools';

export interface IpPoolJson {
  name: string;
  cluster: string;
  network: string;
  family: 4 | 6;
  cidr: string;
  gateway: string;
  dns: string[];
  dns_search: string[];
  ranges: Array<{ from: string; to: string }>;
  /** IPv6 only. */
  prefix_per_service?: number;
  quarantine_minutes: number;
  size: number;
  used: number;
  free: number;
  quarantined: number;
  created_at: string;
  updated_at: string;
}

export interface IpHolderJson {
  address: string;
  state: 'held' | 'quarantined';
  /** The billing panel's service id holding it (or, in quarantine, the last one that did). */
  service_id: string;
  since: string;
  released_at: string | null;
  quarantine_until: string | null;
}

/** A pool and its usage; `prefix_per_service` only for IPv6 (an IPv4 pool hands out single addresses). */
export function presentIpPool({ pool, usage }: IpPoolView): IpPoolJson {
  return {
    name: pool.name,
    cluster: pool.cluster,
    network: pool.network,
    family: pool.family,
    cidr: pool.cidr,
    gateway: pool.gateway,
    dns: pool.dns,
    dns_search: pool.dnsSearch,
    ranges: pool.ranges.map((r) => ({ from: r.from, to: r.to })),
    ...(pool.family === 6 ? { prefix_per_service: pool.prefixPerService } : {}),
    quarantine_minutes: pool.quarantineMinutes,
    size: usage.size,
    used: usage.used,
    free: usage.free,
    quarantined: usage.quarantined,
    created_at: pool.createdAt.toISOString(),
    updated_at: pool.updatedAt.toISOString(),
  };
}

/** One held or quarantined address, with the billing service id (never our row ids). */
export function presentIpHolder(a: IpAssignment, now: Date): IpHolderJson {
  return {
    address: a.address,
    state: assignmentState(a, now) === 'held' ? 'held' : 'quarantined',
    service_id: a.billingServiceId,
    since: a.heldSince.toISOString(),
    released_at: a.releasedAt?.toISOString() ?? null,
    quarantine_until: a.quarantineUntil?.toISOString() ?? null,
  };
}

/** A pool with its holders, newest first. */
export function presentIpPoolDetail(detail: IpPoolDetail, now: Date): IpPoolJson & { holders: IpHolderJson[] } {
  return { ...presentIpPool(detail), holders: detail.holders.map((h) => presentIpHolder(h, now)) };
}
