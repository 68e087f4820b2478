/**
 * An IP pool: a block of addresses on one cluster and vNIC profile, the ranges of it the bridge hands out, and what
 * a VPS configures with its address (gateway, DNS). Pure: the validation every create and update applies, and the
 * pool's "slots" — what one service receives: one address for IPv4, one prefix of `prefixPerService` bits for IPv6.
 * Slots are numbered by `address >> hostBits`, so IPv4 and IPv6 share the arithmetic.
 */
import type { FieldProblem } from '../errors';
import {
  ADDRESS_BITS,
  type Cidr,
  type IpFamily,
  canonicalIp,
  cidrContains,
  cidrLast,
  formatCidr,
  formatIp,
  hostMask,
  isLinkLocalV6,
  parseCidr,
  parseIp,
} from './ip-address';

export interface IpRangeInput {
  from: string;
  to: string;
}

export interface IpPoolInput {
  name: string;
  cluster: string;
  /** The oVirt vNIC profile the VPS's NIC is attached to. */
  network: string;
  cidr: string;
  gateway: string;
  dns: string[];
  dnsSearch: string[];
  /** Empty: the whole block (less the reserved addresses). */
  ranges: IpRangeInput[];
  /** IPv6: the prefix each service gets (64 when not given); IPv4: always 32. */
  prefixPerService?: number;
  quarantineMinutes: number;
}

export interface IpPool extends IpPoolInput {
  id: number;
  /**
   * Raised on every pool of the cluster when any pool of it is created, changed or deleted: an address chosen from a
   * remembered pool is written under the revision it was chosen from, and the database refuses it once that is stale.
   */
  revision: number;
  prefixPerService: number;
  family: IpFamily;
  createdAt: Date;
  updatedAt: Date;
}

/** Slots [first, last] (inclusive) in slot numbers. */
export interface SlotRange {
  first: bigint;
  last: bigint;
}

/** The slots a pool hands out: its ranges in slot numbers, and the slots never handed out. */
export interface SlotSpace {
  family: IpFamily;
  /** Address bits below a slot: 0 for IPv4, 128 - prefixPerService for IPv6. */
  hostBits: number;
  prefixPerService: number;
  ranges: SlotRange[];
  /** Network, broadcast and gateway (IPv4); the gateway's prefix (IPv6). Only those inside a range are listed. */
  reserved: Set<bigint>;
  size: bigint;
}

export const DEFAULT_PREFIX_PER_SERVICE = 64;
export const DEFAULT_QUARANTINE_MINUTES = 60;
/** A pool larger than this many slots would not fit a JavaScript number in the answers; nobody needs more. */
const MAX_SLOTS = 2n ** 48n;

const DOMAIN = /^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** The slot text stored in ip_assignments: the address (IPv4) or the prefix `2001:db8:1:5::/64` (IPv6). */
export function slotText(space: Pick<SlotSpace, 'family' | 'hostBits' | 'prefixPerService'>, slot: bigint): string {
  const address = formatIp({ family: space.family, value: slot << BigInt(space.hostBits) });
  return space.family === 4 ? address : `${address}/${space.prefixPerService}`;
}

/** The slot an address (IPv4) or a prefix or its first address (IPv6) names in this space, if it is aligned. */
export function slotOf(space: Pick<SlotSpace, 'family' | 'hostBits' | 'prefixPerService'>, text: string): bigint | undefined {
  const m = /^(.*?)(?:\/(\d{1,3}))?$/.exec(text);
  const addr = m?.[1] === undefined ? undefined : parseIp(m[1]);
  if (!addr || addr.family !== space.family) return undefined;
  if (m?.[2] !== undefined && (space.family === 4 || Number(m[2]) !== space.prefixPerService)) return undefined;
  if ((addr.value & hostMask(space.family, ADDRESS_BITS[space.family] - space.hostBits)) !== 0n) return undefined;
  return addr.value >> BigInt(space.hostBits);
}

function rangeSize(r: SlotRange): bigint {
  return r.last - r.first + 1n;
}

/** The number of slots handed out, ranges less reserved. */
export function spaceSize(ranges: SlotRange[], reserved: Set<bigint>): bigint {
  return ranges.reduce((n, r) => n + rangeSize(r), 0n) - BigInt(reserved.size);
}

/** Whether the pool hands out this slot: inside one of its ranges and not reserved. */
export function spaceContains(space: SlotSpace, slot: bigint): boolean {
  return !space.reserved.has(slot) && space.ranges.some((r) => slot >= r.first && slot <= r.last);
}

/**
 * The `index`-th slot handed out (0-based, in range order, skipping reserved slots); undefined past the end.
 * Reserved slots are few (at most three per range), so skipping them is a short walk.
 */
export function slotAt(space: SlotSpace, index: bigint): bigint | undefined {
  let left = index;
  for (const r of space.ranges) {
    const reservedHere = [...space.reserved].filter((s) => s >= r.first && s <= r.last).sort((a, b) => (a < b ? -1 : 1));
    const usable = rangeSize(r) - BigInt(reservedHere.length);
    if (left >= usable) {
      left -= usable;
      continue;
    }
    let slot = r.first + left;
    for (const s of reservedHere) if (s <= slot) slot += 1n;
    // A reserved slot may sit right after the shifted one; step over it too.
    while (space.reserved.has(slot)) slot += 1n;
    return slot;
  }
  return undefined;
}

type Built = { space: SlotSpace; problems?: undefined } | { space?: undefined; problems: FieldProblem[] };

/**
 * Checks a pool's own fields (not other pools: overlaps and use are the service's) and builds its slot space.
 * Every problem is reported, each naming its field as the API spells it.
 */
export function buildPool(input: IpPoolInput): Built {
  const problems: FieldProblem[] = [];
  const parsed = parseCidr(input.cidr);
  if (!parsed.cidr) return { problems: [{ field: 'cidr', message: parsed.problem }] };
  const cidr = parsed.cidr;
  const family = cidr.family;
  const bits = ADDRESS_BITS[family];
  const pps = family === 4 ? 32 : (input.prefixPerService ?? DEFAULT_PREFIX_PER_SERVICE);
  if (family === 4 && input.prefixPerService !== undefined && input.prefixPerService !== 32) {
    problems.push({ field: 'prefix_per_service', message: 'applies to IPv6 pools only (an IPv4 pool hands out single addresses)' });
  }
  if (family === 6 && (pps < cidr.prefixLength || pps > 128)) {
    problems.push({ field: 'prefix_per_service', message: `must be between the cidr's /${cidr.prefixLength} and 128` });
  } else if (1n << BigInt(pps - cidr.prefixLength) > MAX_SLOTS) {
    problems.push({ field: 'prefix_per_service', message: `makes more than 2^48 prefixes; use a longer cidr or a shorter prefix` });
  }
  if (family === 4 && cidr.prefixLength > 30) {
    problems.push({ field: 'cidr', message: 'must be /30 or larger (network, broadcast and gateway are reserved)' });
  }
  if (problems.length > 0) return { problems };
  const hostBits = bits - pps;
  const slotCidr = { first: cidr.network >> BigInt(hostBits), last: cidrLast(cidr) >> BigInt(hostBits) };

  const gateway = parseIp(input.gateway);
  if (!gateway || gateway.family !== family) {
    problems.push({ field: 'gateway', message: `must be an IPv${family} address` });
  } else if (!cidrContains(cidr, gateway) && !(family === 6 && isLinkLocalV6(gateway))) {
    problems.push({ field: 'gateway', message: `must be inside ${formatCidr(cidr)}${family === 6 ? ' or link-local (fe80::/10)' : ''}` });
  }
  input.dns.forEach((d, i) => {
    if (!parseIp(d)) problems.push({ field: `dns.${i}`, message: 'must be an IPv4 or IPv6 address' });
  });
  input.dnsSearch.forEach((d, i) => {
    if (!DOMAIN.test(d)) problems.push({ field: `dns_search.${i}`, message: 'must be a domain name' });
  });

  const space = { family, hostBits, prefixPerService: pps };
  const ranges: SlotRange[] = [];
  input.ranges.forEach((r, i) => {
    const ends = (['from', 'to'] as const).map((end) => {
      const slot = slotOf(space, r[end]);
      if (slot === undefined) {
        const what = family === 4 ? 'an IPv4 address' : `an IPv6 /${pps} prefix (or its first address)`;
        problems.push({ field: `ranges.${i}.${end}`, message: `must be ${what}` });
      } else if (slot < slotCidr.first || slot > slotCidr.last) {
        problems.push({ field: `ranges.${i}.${end}`, message: `must be inside ${formatCidr(cidr)}` });
      } else return slot;
      return undefined;
    });
    const [first, last] = ends;
    if (first === undefined || last === undefined) return;
    if (first > last) {
      problems.push({ field: `ranges.${i}.to`, message: 'must not be before from' });
      return;
    }
    const overlapped = ranges.findIndex((o) => o.first <= last && first <= o.last);
    if (overlapped >= 0) problems.push({ field: `ranges.${i}`, message: `overlaps ranges.${overlapped}` });
    ranges.push({ first, last });
  });
  if (problems.length > 0) return { problems };
  if (ranges.length === 0) ranges.push(slotCidr);

  const reservedAll = new Set<bigint>();
  if (family === 4) {
    reservedAll.add(cidr.network);
    reservedAll.add(cidrLast(cidr));
  }
  if (gateway && cidrContains(cidr, gateway)) reservedAll.add(gateway.value >> BigInt(hostBits));
  const reserved = new Set([...reservedAll].filter((s) => ranges.some((r) => s >= r.first && s <= r.last)));
  const size = spaceSize(ranges, reserved);
  if (size <= 0n)
    return { problems: [{ field: 'ranges', message: 'leave no address to hand out (network, broadcast and gateway are reserved)' }] };
  return { space: { ...space, ranges, reserved, size } };
}

/** The pool's input with every address in canonical text, as it is stored and answered. */
export function canonicalPool(input: IpPoolInput, space: SlotSpace): IpPoolInput & { prefixPerService: number } {
  const cidr = parseCidr(input.cidr).cidr as Cidr;
  return {
    ...input,
    cidr: formatCidr(cidr),
    gateway: canonicalIp(input.gateway) ?? input.gateway,
    dns: input.dns.map((d) => canonicalIp(d) ?? d),
    dnsSearch: input.dnsSearch.map((d) => d.toLowerCase().replace(/\.$/, '')),
    ranges: input.ranges.map((_, i) => {
      const r = space.ranges[i] as SlotRange;
      return { from: slotText(space, r.first), to: slotText(space, r.last) };
    }),
    prefixPerService: space.prefixPerService,
  };
}

/** The addresses a VPS configures from a slot: `192.0.2.10` for IPv4; the prefix's `::1` with its length for IPv6. */
export function hostAddress(space: Pick<SlotSpace, 'family' | 'hostBits' | 'prefixPerService'>, slot: bigint): string {
  if (space.family === 4) return slotText(space, slot);
  return `${formatIp({ family: 6, value: (slot << BigInt(space.hostBits)) | (space.hostBits > 0 ? 1n : 0n) })}/${space.prefixPerService}`;
}

/** The position of a slot among those handed out (inverse of slotAt); undefined when the space does not hand it out. */
export function slotIndex(space: SlotSpace, slot: bigint): bigint | undefined {
  if (!spaceContains(space, slot)) return undefined;
  let before = 0n;
  for (const r of space.ranges) {
    const reservedBelow = (limit: bigint) => BigInt([...space.reserved].filter((s) => s >= r.first && s <= limit).length);
    if (slot >= r.first && slot <= r.last) return before + (slot - r.first) - reservedBelow(slot);
    before += rangeSize(r) - reservedBelow(r.last);
  }
  return undefined;
}

/**
 * A uniformly random slot not among `taken` (slot indexes, as slotIndex gives them), or undefined when every slot is
 * taken. `random` is in [0, 1). The k-th free index is found by stepping over the taken indexes below it, so the cost
 * is the number taken, not the size of the pool (an IPv6 /48 has 65,536 prefixes).
 */
export function pickFreeSlot(space: SlotSpace, taken: bigint[], random: () => number): bigint | undefined {
  const sorted = [...new Set(taken)].filter((t) => t >= 0n && t < space.size).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const free = space.size - BigInt(sorted.length);
  if (free <= 0n) return undefined;
  let index = BigInt(Math.min(Number(free) - 1, Math.floor(random() * Number(free))));
  for (const t of sorted) if (t <= index) index += 1n;
  return slotAt(space, index);
}
