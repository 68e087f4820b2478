import type { Request } from 'express';
import type { z } from 'zod';
import { EngineError } from '../world/engine-error';
import type { VmInput } from '../world/vm-commands';
import { bool, definedRef, int, list, obj, parse, readRaw, ref, str } from './body-parse';
import { initializationSchema, toInitInput } from './body-initialization';

const topology = obj({ sockets: int.optional(), cores: int.optional(), threads: int.optional() });

const placement = obj({ affinity: str.optional(), hosts: obj({ host: list(ref).optional() }).optional() });

/** `<disk_attachments><disk_attachment><disk id=…><storage_domains><storage_domain id=…/>…` on create (docs/ovirt-api.md §8.2). */
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
  initialization: initializationSchema.optional(),
});

const actionSchema = obj({
  force: bool.optional(),
  reason: str.optional(),
  async: bool.optional(),
  fence_type: str.optional(),
  host: ref.optional(),
  use_cloud_init: bool.optional(),
  vm: obj({ placement_policy: placement.optional(), initialization: initializationSchema.optional() }).optional(),
});

export type ActionInput = z.infer<typeof actionSchema>;

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
  if (v.initialization) input.initialization = toInitInput(v.initialization);
  return input;
}

export function readAction(req: Request, service: string, action: string): ActionInput {
  const method = `services/${service}/methods/${action}`;
  return parse(actionSchema, readRaw(req, 'action', method), req, method);
}
