/**
 * IPv4 and IPv6 addresses and CIDR blocks as BigInt arithmetic, pure. Parsing is strict on purpose: an admin's typo
 * (a leading zero that some tools read as octal, a zone id that means nothing off-link, junk after the address) is
 * refused rather than guessed at, and every address is stored in one canonical text (RFC 5952 for IPv6), so the
 * unique index on assigned addresses compares like with like.
 */

export type IpFamily = 4 | 6;

export interface IpAddress {
  family: IpFamily;
  value: bigint;
}

export interface Cidr {
  family: IpFamily;
  /** The first address of the block (host bits zero). */
  network: bigint;
  prefixLength: number;
}

export const ADDRESS_BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

const V4_OCTET = /^(0|[1-9]\d{0,2})$/;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const p of parts) {
    // No leading zeros: "010" is 8 to inet_aton and 10 to most people.
    if (!V4_OCTET.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseV6(text: string): bigint | undefined {
  // Zone ids (fe80::1%eth0) name an interface of one machine; they have no meaning in a pool.
  if (text.includes('%') || text.length > 45) return undefined;
  let head = text;
  let v4Tail: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    v4Tail = parseV4(text.slice(lastColon + 1));
    if (v4Tail === undefined) return undefined;
    // Keep the colon(s) before the dotted quad so "::1.2.3.4" still splits around its "::".
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const split = (s: string) => (s === '' ? [] : s.split(':'));
  const left = split(halves[0] ?? '');
  const right = halves.length === 2 ? split(halves[1] ?? '') : [];
  const groups = left.length + right.length;
  if (halves.length === 1 ? groups !== 8 : groups > 7) return undefined;
  const all = [...left, ...Array<string>(8 - groups).fill('0'), ...right];
  let value = 0n;
  for (const g of all) {
    if (!HEXTET.test(g)) return undefined;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  if (v4Tail !== undefined) value = (value & ~0xffffffffn) | v4Tail;
  return value;
}

/** Parses an IPv4 or IPv6 address; undefined for anything else (including surrounding spaces and zone ids). */
export function parseIp(text: string): IpAddress | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  if (text.includes(':')) {
    const value = parseV6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseV4(text);
  return value === undefined ? undefined : { family: 4, value };
}

function formatV4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
}

/** RFC 5952: lower case, no leading zeros, the longest run (first if tied) of two or more zero groups as "::". */
function formatV6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

/** The canonical text of an address: dotted quad, or RFC 5952 for IPv6. */
export function formatIp(addr: IpAddress): string {
  return addr.family === 4 ? formatV4(addr.value) : formatV6(addr.value);
}

/** The canonical text of `text`, or undefined when it is not an address. */
export function canonicalIp(text: string): string | undefined {
  const addr = parseIp(text);
  return addr && formatIp(addr);
}

/** Mask of the host bits of a block with this prefix length. */
export function hostMask(family: IpFamily, prefixLength: number): bigint {
  return (1n << BigInt(ADDRESS_BITS[family] - prefixLength)) - 1n;
}

export type CidrParse = { cidr: Cidr; problem?: undefined } | { cidr?: undefined; problem: string };

/**
 * Parses `address/length`. Host bits must be zero: "192.0.2.5/24" is refused (naming 192.0.2.0/24) because an admin
 * who typed it may have meant a different block.
 */
export function parseCidr(text: string): CidrParse {
  const m = /^([^/]+)\/(0|[1-9]\d{0,2})$/.exec(typeof text === 'string' ? text : '');
  const addr = m?.[1] === undefined ? undefined : parseIp(m[1]);
  if (!m || !addr) return { problem: 'must be a network in CIDR notation, e.g. 192.0.2.0/24 or 2001:db8:1::/48' };
  const prefixLength = Number(m[2]);
  if (prefixLength > ADDRESS_BITS[addr.family]) {
    return { problem: `prefix length must be at most ${ADDRESS_BITS[addr.family]}` };
  }
  const network = addr.value & ~hostMask(addr.family, prefixLength);
  if (network !== addr.value) {
    return { problem: `has host bits set; the network is ${formatCidr({ family: addr.family, network, prefixLength })}` };
  }
  return { cidr: { family: addr.family, network, prefixLength } };
}

/** `network/length` in canonical text. */
export function formatCidr(cidr: Cidr): string {
  return `${formatIp({ family: cidr.family, value: cidr.network })}/${cidr.prefixLength}`;
}

/** The last address of the block (the IPv4 broadcast address). */
export function cidrLast(cidr: Cidr): bigint {
  return cidr.network | hostMask(cidr.family, cidr.prefixLength);
}

/** How many addresses the block holds. */
export function cidrSize(cidr: Cidr): bigint {
  return 1n << BigInt(ADDRESS_BITS[cidr.family] - cidr.prefixLength);
}

/** Whether the address is in the block (an address of the other family never is). */
export function cidrContains(cidr: Cidr, addr: IpAddress): boolean {
  return cidr.family === addr.family && addr.value >= cidr.network && addr.value <= cidrLast(cidr);
}

/** Two blocks overlap exactly when one contains the other's network (blocks nest or are disjoint). */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.network <= cidrLast(b) && b.network <= cidrLast(a);
}

/** The n-th address of the block, counting from 0 at the network address; undefined past its end. */
export function nthAddress(cidr: Cidr, n: bigint): IpAddress | undefined {
  if (n < 0n || n >= cidrSize(cidr)) return undefined;
  return { family: cidr.family, value: cidr.network + n };
}

/** The dotted netmask of an IPv4 prefix length (24 → 255.255.255.0). */
export function netmaskV4(prefixLength: number): string {
  return formatV4(0xffffffffn & ~hostMask(4, prefixLength));
}

/** fe80::/10: link-local IPv6, which many providers use as the default gateway. */
export function isLinkLocalV6(addr: IpAddress): boolean {
  return addr.family === 6 && addr.value >> 118n === 0x3fan;
}
