/**
 * The IP pool JSON shape:
 * {"name","cluster","network","cidr","gateway","dns":[…],"dns_search":[…],"ranges":[{"from","to"}],
 *  "prefix_per_service" (IPv6, 64 by default),"quarantine_minutes" (60 by default)}
 * zod checks the shape; whether the addresses make a pool (cidr, gateway, ranges) is the domain's (400 invalid_ip_pool).
 */
import { z } from 'zod';
import { DEFAULT_QUARANTINE_MINUTES, type IpPoolInput } from '../../domain/ip-pool';
import type { IpPoolPatch } from '../../use-cases/ip-pools';

const POOL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const poolName = z.string().regex(POOL_NAME, 'must be 1-64 letters, digits or . _ - (starting with a letter or digit)');

const label = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');

const addressText = z.string().max(64, 'must be at most 64 characters');

const fields = {
  cluster: label(255),
  network: label(255),
  cidr: addressText,
  gateway: addressText,
  dns: z.array(addressText).max(4, 'at most 4 servers'),
  dns_search: z.array(z.string().max(253, 'must be at most 253 characters')).max(6, 'at most 6 domains'),
  ranges: z.array(z.object({ from: addressText, to: addressText }).strict()).max(64, 'at most 64 ranges'),
  prefix_per_service: z.number().int('must be a whole number').min(1, 'must be 1-128').max(128, 'must be 1-128'),
  quarantine_minutes: z
    .number()
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(525_600, 'must be at most 525600 (a year)'),
};

export const ipPoolBody = z
  .object({
    name: poolName,
    ...fields,
    dns: fields.dns.default([]),
    dns_search: fields.dns_search.default([]),
    ranges: fields.ranges.default([]),
    prefix_per_service: fields.prefix_per_service.optional(),
    quarantine_minutes: fields.quarantine_minutes.default(DEFAULT_QUARANTINE_MINUTES),
  })
  .strict()
  .transform((b): IpPoolInput => ({
    name: b.name,
    cluster: b.cluster,
    network: b.network,
    cidr: b.cidr,
    gateway: b.gateway,
    dns: b.dns,
    dnsSearch: b.dns_search,
    ranges: b.ranges,
    prefixPerService: b.prefix_per_service,
    quarantineMinutes: b.quarantine_minutes,
  }));

export const ipPoolPatchBody = z
  .object({
    cluster: fields.cluster.optional(),
    network: fields.network.optional(),
    cidr: fields.cidr.optional(),
    gateway: fields.gateway.optional(),
    dns: fields.dns.optional(),
    dns_search: fields.dns_search.optional(),
    ranges: fields.ranges.optional(),
    prefix_per_service: fields.prefix_per_service.optional(),
    quarantine_minutes: fields.quarantine_minutes.optional(),
  })
  .strict()
  .transform((b): IpPoolPatch => ({
    cluster: b.cluster,
    network: b.network,
    cidr: b.cidr,
    gateway: b.gateway,
    dns: b.dns,
    dnsSearch: b.dns_search,
    ranges: b.ranges,
    prefixPerService: b.prefix_per_service,
    quarantineMinutes: b.quarantine_minutes,
  }));

export const ipPoolNameParams = z.object({ name: poolName });

export const ipPoolListQuery = z.object({ cluster: z.string().max(255).optional() }).strict();
