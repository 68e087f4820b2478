/**
 * zod schemas for the engine's JSON. Engines from 4.3 send integers and booleans as strings ("4294967296", "true");
 * older ones send some as native JSON; dates are epoch milliseconds. Every reader accepts both forms, and a missing
 * collection key means an empty list (the engine omits null lists).
 */
import { z } from 'zod';

export const num = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^-?\d+(\.\d+)?$/),
  ])
  .transform(Number);
export const bool = z
  .union([
    z.boolean(),
    z
      .string()
      .trim()
      .regex(/^(true|false|1|0)$/i),
  ])
  .transform((v) => v === true || (typeof v === 'string' && /^(true|1)$/i.test(v)));
export const date = z.union([z.number(), z.string()]).transform((v) => new Date(typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v));

export const ref = z.object({ id: z.string(), name: z.string().optional() });

/** `{"vm": [...]}` or `{}` → the array. */
export function collection<T extends z.ZodType>(key: string, item: T) {
  return z.object({ [key]: z.array(item).optional() }).transform((o) => (o[key] as z.output<T>[] | undefined) ?? []);
}

const topology = z.object({ sockets: num.optional(), cores: num.optional(), threads: num.optional() });

export const apiRootSchema = z.object({
  product_info: z
    .object({
      name: z.string().optional(),
      vendor: z.string().optional(),
      version: z
        .object({
          major: num.optional(),
          minor: num.optional(),
          build: num.optional(),
          revision: num.optional(),
          full_version: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  summary: z
    .object({
      hosts: z.object({ active: num.optional(), total: num.optional() }).optional(),
      vms: z.object({ active: num.optional(), total: num.optional() }).optional(),
      storage_domains: z.object({ active: num.optional(), total: num.optional() }).optional(),
    })
    .optional(),
});

export const dataCenterSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string().optional(),
  local: bool.optional(),
});

export const clusterSchema = z.object({
  id: z.string(),
  name: z.string(),
  data_center: ref.optional(),
  memory_policy: z.object({ over_commit: z.object({ percent: num.optional() }).optional() }).optional(),
  ha_reservation: bool.optional(),
  threads_as_cores: bool.optional(),
  fencing_policy: z.object({ enabled: bool.optional() }).optional(),
  scheduling_policy: ref.optional(),
});

export const hostSchema = z.object({
  id: z.string(),
  name: z.string(),
  address: z.string().optional(),
  status: z.string().optional(),
  cluster: ref.optional(),
  memory: num.optional(),
  max_scheduling_memory: num.optional(),
  cpu: z.object({ topology: topology.optional(), speed: num.optional(), name: z.string().optional() }).optional(),
  power_management: z.object({ enabled: bool.optional(), automatic_pm_enabled: bool.optional() }).optional(),
  spm: z.object({ status: z.string().optional(), priority: num.optional() }).optional(),
  summary: z.object({ active: num.optional(), migrating: num.optional(), total: num.optional() }).optional(),
});

export const fenceAgentSchema = z.object({
  id: z.string(),
  type: z.string().optional(),
  address: z.string().optional(),
  order: num.optional(),
});

export const storageDomainSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string().optional(),
  status: z.string().optional(),
  master: bool.optional(),
  available: num.optional(),
  used: num.optional(),
  storage: z.object({ type: z.string().optional() }).optional(),
  data_centers: z.object({ data_center: z.array(ref).optional() }).optional(),
});

export const templateSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string().optional(),
  memory: num.optional(),
  cluster: ref.optional(),
  version: z.object({ version_number: num.optional(), version_name: z.string().optional() }).optional(),
});

export const vmSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string().optional(),
  description: z.string().optional(),
  comment: z.string().optional(),
  cluster: ref.optional(),
  host: ref.optional(),
  template: ref.optional(),
  memory: num.optional(),
  cpu: z.object({ topology: topology.optional() }).optional(),
  high_availability: z.object({ enabled: bool.optional(), priority: num.optional() }).optional(),
  lease: z.object({ storage_domain: ref.optional() }).optional(),
  placement_policy: z.object({ affinity: z.string().optional() }).optional(),
  stop_reason: z.string().optional(),
  start_time: date.optional(),
  stop_time: date.optional(),
  creation_time: date.optional(),
  next_run_configuration_exists: bool.optional(),
  // Present with follow=disk_attachments.disk: where each disk lives.
  disk_attachments: z
    .object({
      disk_attachment: z
        .array(
          z.object({
            id: z.string().optional(),
            bootable: bool.optional(),
            disk: z
              .object({
                id: z.string(),
                provisioned_size: num.optional(),
                status: z.string().optional(),
                storage_domains: z.object({ storage_domain: z.array(ref).optional() }).optional(),
              })
              .optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

export const eventSchema = z.object({
  id: z.string(),
  index: num.optional(),
  code: num,
  severity: z.string().optional(),
  time: date,
  description: z.string().optional(),
  correlation_id: z.string().optional(),
  vm: ref.optional(),
  host: ref.optional(),
  cluster: ref.optional(),
  data_center: ref.optional(),
  storage_domain: ref.optional(),
});

export const statisticSchema = z.object({
  name: z.string(),
  unit: z.string().optional(),
  values: z.object({ value: z.array(z.object({ datum: num.optional(), detail: z.string().optional() })).optional() }).optional(),
});

/** Engine fault document, bare or wrapped in an `<action>` answer. */
export const faultSchema = z.object({ reason: z.string().optional(), detail: z.string().optional() });
export const actionSchema = z.object({ status: z.string().optional(), fault: faultSchema.optional() });

export const tokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  exp: z.union([z.string(), z.number()]).optional(),
});
export const tokenErrorSchema = z.object({
  error: z.string().optional(),
  error_code: z.string().optional(),
  error_description: z.string().optional(),
});
