import type { Request } from 'express';
import { z } from 'zod';
import { EngineError, syntaxError } from '../world/engine-error';
import type { VmInput } from '../world/vm-commands';
import { parseJson } from '../wire/json';
import { parseXml } from '../wire/xml';

// Leaf coercions: XML gives strings; JSON may give strings or natives (reference §1.3).
const str = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const int = z.union([
  z.number().int(),
  z
    .string()
    .trim()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
const bool = z.union([
  z.boolean(),
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => ['true', 'false', '1', '0'].includes(v), 'expected a boolean')
    .transform((v) => v === 'true' || v === '1'),
]);

/** An element that may be empty (`<high_availability/>` parses to ''). */
function obj<S extends z.ZodRawShape>(shape: S) {
  return z.preprocess((v) => (v === '' ? {} : v), z.object(shape));
}

/** Repeated elements: XML gives one object or an array; JSON always an array. */
function list<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => (v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item));
}

const ref = obj({ id: str.optional(), name: str.optional() });

const topology = obj({ sockets: int.optional(), cores: int.optional(), threads: int.optional() });

const placement = obj({ affinity: str.optional(), hosts: obj({ host: list(ref).optional() }).optional() });

/** `<disk_attachments><disk_attachment><disk id=…><storage_domains><storage_domain id=…/>…` on create (reference §8.2). */
const diskAttachments = obj({
  disk_attachment: list(
    obj({
      disk: obj({
        id: str.optional(),
        format: str.optional(),
        storage_domains: obj({ storage_domain: list(ref).optional() }).optional(),
      }).optional(),
    }),
  ).optional(),
});

const vmSchema = obj({
  name: str.optional(),
  description: str.optional(),
  comment: str.optional(),
  cluster: ref.optional(),
  template: ref.optional(),
  memory: int.optional(),
  memory_policy: obj({ guaranteed: int.optional(), max: int.optional(), ballooning: bool.optional() }).optional(),
  cpu: obj({ topology: topology.optional() }).optional(),
  high_availability: obj({ enabled: bool.optional(), priority: int.optional() }).optional(),
  placement_policy: placement.optional(),
  lease: obj({ storage_domain: ref.optional() }).optional(),
  storage_error_resume_behaviour: str.optional(),
  type: str.optional(),
  delete_protected: bool.optional(),
  disk_attachments: diskAttachments.optional(),
});

const actionSchema = obj({
  force: bool.optional(),
  reason: str.optional(),
  async: bool.optional(),
  fence_type: str.optional(),
  host: ref.optional(),
  vm: obj({ placement_policy: placement.optional() }).optional(),
});

export type ActionInput = z.infer<typeof actionSchema>;

function usage(req: Request, method: string): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}/ovirt-engine/apidoc#${method}`;
}

/** Parses the request body as XML or JSON by `Content-Type`; XML must have the expected root element. */
function readRaw(req: Request, root: string, method: string): unknown {
  const text = typeof req.body === 'string' ? req.body : '';
  if (text.trim() === '') return {};
  const type = (req.get('content-type') ?? 'application/xml').toLowerCase();
  try {
    if (type.includes('json')) {
      const value = parseJson(text);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
      return value;
    }
    const parsed = parseXml(text);
    if (parsed.root !== root) throw new Error(`unexpected root <${parsed.root}>`);
    return parsed.value;
  } catch {
    throw syntaxError(usage(req, method));
  }
}

function parse<T extends z.ZodType>(schema: T, raw: unknown, req: Request, method: string): z.output<T> {
  const result = schema.safeParse(raw);
  if (!result.success) throw syntaxError(usage(req, method));
  return result.data;
}

export function readVm(req: Request, method: 'add' | 'update'): VmInput {
  const v = parse(vmSchema, readRaw(req, 'vm', `services/vms/methods/${method}`), req, `services/vms/methods/${method}`);
  const input: VmInput = {};
  if (v.name !== undefined) input.name = v.name;
  if (v.description !== undefined) input.description = v.description;
  if (v.comment !== undefined) input.comment = v.comment;
  if (v.cluster) input.cluster = definedRef(v.cluster);
  if (v.template) input.template = definedRef(v.template);
  if (v.memory !== undefined) input.memoryBytes = v.memory;
  if (v.memory_policy?.guaranteed !== undefined) input.guaranteedBytes = v.memory_policy.guaranteed;
  if (v.memory_policy?.max !== undefined) input.maxBytes = v.memory_policy.max;
  if (v.cpu?.topology) {
    const t = v.cpu.topology;
    input.topology = {
      ...(t.sockets !== undefined ? { sockets: t.sockets } : {}),
      ...(t.cores !== undefined ? { cores: t.cores } : {}),
      ...(t.threads !== undefined ? { threads: t.threads } : {}),
    };
    if (Object.values(input.topology).some((n) => n < 1)) {
      throw new EngineError(400, 'Input validation failed.', 'CPU topology values must be positive');
    }
  }
  if (v.high_availability) {
    input.ha = {
      ...(v.high_availability.enabled !== undefined ? { enabled: v.high_availability.enabled } : {}),
      ...(v.high_availability.priority !== undefined ? { priority: v.high_availability.priority } : {}),
    };
  }
  if (v.placement_policy) {
    input.placement = {
      ...(v.placement_policy.affinity !== undefined ? { affinity: v.placement_policy.affinity } : {}),
      ...(v.placement_policy.hosts?.host ? { hosts: v.placement_policy.hosts.host.map(definedRef) } : {}),
    };
  }
  // An empty <lease/> (or {}) removes the lease, as on the engine.
  if (v.lease) input.lease = v.lease.storage_domain ? { storageDomain: definedRef(v.lease.storage_domain) } : null;
  if (v.storage_error_resume_behaviour !== undefined) input.storageErrorResumeBehaviour = v.storage_error_resume_behaviour;
  if (v.type !== undefined) input.type = v.type;
  if (v.delete_protected !== undefined) input.deleteProtected = v.delete_protected;
  if (v.disk_attachments?.disk_attachment) {
    input.disks = v.disk_attachments.disk_attachment.map(({ disk }) => {
      const sd = disk?.storage_domains?.storage_domain?.[0];
      return {
        ...(sd ? { storageDomain: definedRef(sd) } : {}),
        ...(disk?.format !== undefined ? { format: disk.format } : {}),
      };
    });
  }
  return input;
}

export function readAction(req: Request, service: string, action: string): ActionInput {
  const method = `services/${service}/methods/${action}`;
  return parse(actionSchema, readRaw(req, 'action', method), req, method);
}

function definedRef(r: { id?: string | undefined; name?: string | undefined }): { id?: string; name?: string } {
  return { ...(r.id !== undefined ? { id: r.id } : {}), ...(r.name !== undefined ? { name: r.name } : {}) };
}
