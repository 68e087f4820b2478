/**
 * The plan JSON shape, as billing-panel modules and scripts rely on it:
 * {"product_id","name","template","cluster","vcpus","memory_mib","ha":{"enabled","priority"},
 *  "sla":{"target_percent","credit_tiers":[{"below_percent","credit_percent"}]}}
 */
import { z } from 'zod';
import { type CreditTier, type FailoverGateMode, HA_PRIORITY_LEVELS, type OsOption, type PlanInput } from '../../domain/plan';
import { isValidTimeZone } from '../../domain/zoned-time';
import type { PlanPatch } from '../../use-cases/plans';
import { BILLING_PRODUCT_ID, BILLING_PRODUCT_ID_RULE } from '../../domain/billing-ids';
import { OS_KEY } from '../../webhooks/guest-access';

// Names as oVirt accepts them are free text, but control characters never belong in one.
const noControlChars = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');

/** WHMCS product ids are integers; other panels use short strings. Both are kept as strings. */
const productId = z.union([
  z.string().regex(BILLING_PRODUCT_ID, BILLING_PRODUCT_ID_RULE),
  z.number().int('must be a whole number').min(0, 'must not be negative').transform(String),
]);

const percent = z
  .number()
  .gt(0, 'must be above 0')
  .max(100, 'must be at most 100')
  .refine((n) => Math.abs(n * 1000 - Math.round(n * 1000)) < 1e-6, 'must have at most 3 decimals');

const haPriority = z.union([
  z.number().int('must be a whole number').min(0, 'must be 0-100').max(100, 'must be 0-100'),
  z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(['low', 'medium', 'high'], { message: 'must be 0-100 or one of low, medium, high' }))
    .transform((label) => HA_PRIORITY_LEVELS[label]),
]);

const timeZone = z
  .string()
  .max(64, 'must be at most 64 characters')
  .refine(isValidTimeZone, 'must be an IANA time zone such as UTC or Europe/Amsterdam');

const failoverGate = z.enum(['enforce', 'warn'], { message: 'must be enforce or warn' });

const diskGib = z.number().int('must be a whole number').min(1, 'must be 1-65536').max(65_536, 'must be 1-65536').nullable();

/** OS keys travel in orders and WHMCS option values: short, safe characters. */
const osOption = z
  .object({
    key: z.string().regex(OS_KEY, 'must be 1-64 lower-case letters, digits or . _ - (e.g. debian-12)'),
    label: noControlChars(100),
    template: noControlChars(255),
  })
  .strict();
const osOptions = z.array(osOption).max(50, 'at most 50 operating systems');

const ipPoolNames = z
  .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be a pool name (1-64 letters, digits or . _ -)'))
  .max(20, 'at most 20 pools');

const creditTier = z
  .object({ below_percent: percent, credit_percent: percent })
  .strict()
  .transform((t) => ({ belowPercent: t.below_percent, creditPercent: t.credit_percent }));

const fields = {
  product_id: productId,
  name: noControlChars(100),
  template: noControlChars(255),
  cluster: noControlChars(255),
  vcpus: z.number().int('must be a whole number').min(1, 'must be 1-256').max(256, 'must be 1-256'),
  memory_mib: z.number().int('must be a whole number').min(256, 'must be at least 256').max(4_194_304, 'must be at most 4194304 (4 TiB)'),
};

const haCreate = z.object({ enabled: z.boolean(), priority: haPriority.default(HA_PRIORITY_LEVELS.medium) }).strict();
const slaCreate = z
  .object({
    target_percent: percent,
    credit_tiers: z.array(creditTier).max(10, 'at most 10 tiers').default([]),
    unknown_counts_as_down: z.boolean().default(true),
    contact_loss_counts_as_down: z.boolean().default(false),
    unannounced_admin_stops_excluded: z.boolean().default(false),
    time_zone: timeZone.default('UTC'),
  })
  .strict();

interface PlanBodyFields {
  product_id?: string;
  name?: string;
  template?: string;
  cluster?: string;
  vcpus?: number;
  memory_mib?: number;
  ha?: { enabled?: boolean; priority?: number };
  sla?: {
    target_percent?: number;
    credit_tiers?: CreditTier[];
    unknown_counts_as_down?: boolean;
    contact_loss_counts_as_down?: boolean;
    unannounced_admin_stops_excluded?: boolean;
    time_zone?: string;
  };
  failover_gate?: FailoverGateMode;
  disk_gib?: number | null;
  os_options?: OsOption[];
  ip_pools?: string[];
}

/** The JSON field names to the domain's, for a full body and a partial one alike. */
function toPlanFields(b: PlanBodyFields): PlanPatch {
  return {
    productId: b.product_id,
    name: b.name,
    template: b.template,
    cluster: b.cluster,
    vcpus: b.vcpus,
    memoryMib: b.memory_mib,
    ha: b.ha && { enabled: b.ha.enabled, priority: b.ha.priority },
    sla: b.sla && {
      targetPercent: b.sla.target_percent,
      creditTiers: b.sla.credit_tiers,
      unknownCountsAsDown: b.sla.unknown_counts_as_down,
      contactLossCountsAsDown: b.sla.contact_loss_counts_as_down,
      unannouncedAdminStopsExcluded: b.sla.unannounced_admin_stops_excluded,
      timeZone: b.sla.time_zone,
    },
    failoverGate: b.failover_gate,
    diskGib: b.disk_gib,
    osOptions: b.os_options,
    ipPools: b.ip_pools,
  };
}

export const planBody = z
  .object({
    ...fields,
    ha: haCreate,
    sla: slaCreate.default({
      target_percent: 99.9,
      credit_tiers: [],
      unknown_counts_as_down: true,
      contact_loss_counts_as_down: false,
      unannounced_admin_stops_excluded: false,
      time_zone: 'UTC',
    }),
    failover_gate: failoverGate.default('enforce'),
    disk_gib: diskGib.default(null),
    os_options: osOptions.default([]),
    ip_pools: ipPoolNames.default([]),
  })
  .strict()
  // Every field is present here (zod filled the defaults), so the partial mapping is a complete plan.
  .transform((b): PlanInput => toPlanFields(b) as PlanInput);

export const planPatchBody = z
  .object({
    product_id: fields.product_id.optional(),
    name: fields.name.optional(),
    template: fields.template.optional(),
    cluster: fields.cluster.optional(),
    vcpus: fields.vcpus.optional(),
    memory_mib: fields.memory_mib.optional(),
    ha: z.object({ enabled: z.boolean().optional(), priority: haPriority.optional() }).strict().optional(),
    sla: z
      .object({
        target_percent: percent.optional(),
        credit_tiers: z.array(creditTier).max(10, 'at most 10 tiers').optional(),
        unknown_counts_as_down: z.boolean().optional(),
        contact_loss_counts_as_down: z.boolean().optional(),
        unannounced_admin_stops_excluded: z.boolean().optional(),
        time_zone: timeZone.optional(),
      })
      .strict()
      .optional(),
    failover_gate: failoverGate.optional(),
    disk_gib: diskGib.optional(),
    os_options: osOptions.optional(),
    ip_pools: ipPoolNames.optional(),
  })
  .strict()
  .transform(toPlanFields);

export const planIdParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'must be a plan id (a positive whole number)')
    .transform(Number),
});

export const planListQuery = z.object({ product_id: z.string().max(64).optional() }).strict();
