/** From the engine's parsed JSON to the service's types: defaults for what old or partial documents leave out. */
import type { z } from 'zod';
import type {
  apiRootSchema,
  clusterSchema,
  dataCenterSchema,
  eventSchema,
  fenceAgentSchema,
  hostSchema,
  statisticSchema,
  storageDomainSchema,
  templateSchema,
  vmSchema,
} from './schemas';
import type { Cluster, DataCenter, EngineEvent, EngineInfo, FenceAgent, Host, StorageDomain, Template, Vm, VmStatistics } from './types';

export function toEngineInfo(a: z.output<typeof apiRootSchema>): EngineInfo {
  const v = a.product_info?.version;
  return {
    productName: a.product_info?.name ?? 'oVirt Engine',
    version: v?.full_version ?? [v?.major, v?.minor, v?.build].filter((x) => x !== undefined).join('.'),
    hostsActive: a.summary?.hosts?.active,
    hostsTotal: a.summary?.hosts?.total,
    vmsActive: a.summary?.vms?.active,
    vmsTotal: a.summary?.vms?.total,
  };
}

export function toDataCenter(d: z.output<typeof dataCenterSchema>): DataCenter {
  return { id: d.id, name: d.name, status: d.status, local: d.local ?? false };
}

export function toCluster(c: z.output<typeof clusterSchema>): Cluster {
  return {
    id: c.id,
    name: c.name,
    dataCenterId: c.data_center?.id,
    memoryOverCommitPercent: c.memory_policy?.over_commit?.percent ?? 100,
    haReservation: c.ha_reservation ?? false,
    threadsAsCores: c.threads_as_cores ?? false,
    // The engine's default is on; an absent element means the default.
    fencingPolicyEnabled: c.fencing_policy?.enabled ?? true,
    schedulingPolicyId: c.scheduling_policy?.id,
  };
}

export function toHost(h: z.output<typeof hostSchema>): Host {
  const t = h.cpu?.topology;
  return {
    id: h.id,
    name: h.name,
    address: h.address,
    status: h.status ?? 'unassigned',
    clusterId: h.cluster?.id,
    memoryBytes: h.memory ?? 0,
    maxSchedulingMemoryBytes: h.max_scheduling_memory,
    cpu: { sockets: t?.sockets ?? 1, cores: t?.cores ?? 1, threads: t?.threads ?? 1 },
    powerManagement: { enabled: h.power_management?.enabled ?? false, automatic: h.power_management?.automatic_pm_enabled ?? false },
    spm: h.spm?.status,
    vmSummary: { active: h.summary?.active ?? 0, migrating: h.summary?.migrating ?? 0, total: h.summary?.total ?? 0 },
  };
}

export function toFenceAgent(a: z.output<typeof fenceAgentSchema>): FenceAgent {
  return { id: a.id, type: a.type, address: a.address, order: a.order };
}

export function toStorageDomain(s: z.output<typeof storageDomainSchema>): StorageDomain {
  const storageType = s.storage?.type;
  return {
    id: s.id,
    name: s.name,
    type: s.type,
    storageType,
    status: s.status,
    shared: storageType !== undefined && storageType !== 'localfs',
    master: s.master ?? false,
    availableBytes: s.available,
    usedBytes: s.used,
    dataCenterIds: (s.data_centers?.data_center ?? []).map((d) => d.id),
  };
}

export function toTemplate(t: z.output<typeof templateSchema>): Template {
  return { id: t.id, name: t.name, status: t.status, memoryBytes: t.memory, versionNumber: t.version?.version_number };
}

export function toVm(v: z.output<typeof vmSchema>): Vm {
  const t = v.cpu?.topology;
  return {
    id: v.id,
    name: v.name,
    status: v.status ?? 'unknown',
    description: v.description,
    comment: v.comment,
    clusterId: v.cluster?.id,
    hostId: v.host?.id,
    hostName: v.host?.name,
    templateId: v.template?.id,
    memoryBytes: v.memory ?? 0,
    vcpus: (t?.sockets ?? 1) * (t?.cores ?? 1) * (t?.threads ?? 1),
    ha: { enabled: v.high_availability?.enabled ?? false, priority: v.high_availability?.priority ?? 0 },
    leaseStorageDomainId: v.lease?.storage_domain?.id,
    stopReason: v.stop_reason,
    startTime: v.start_time,
    creationTime: v.creation_time,
    nextRunConfigurationExists: v.next_run_configuration_exists ?? false,
    diskStorageDomainIds: v.disk_attachments
      ? [
          ...new Set(
            (v.disk_attachments.disk_attachment ?? []).flatMap((a) => (a.disk?.storage_domains?.storage_domain ?? []).map((s) => s.id)),
          ),
        ]
      : undefined,
    diskAttachments: v.disk_attachments
      ? (v.disk_attachments.disk_attachment ?? []).map((a) => ({
          // An attachment's id is its disk's id in the engine.
          id: a.id ?? a.disk?.id ?? '',
          bootable: a.bootable ?? false,
          diskId: a.disk?.id,
          provisionedBytes: a.disk?.provisioned_size,
          diskStatus: a.disk?.status,
        }))
      : undefined,
  };
}

export function toEvent(e: z.output<typeof eventSchema>): EngineEvent {
  return {
    id: e.id,
    // `index` exists from engine 4.1.3; before that the id is the index.
    index: e.index ?? Number(e.id),
    code: e.code,
    severity: e.severity ?? 'normal',
    time: e.time,
    description: e.description ?? '',
    correlationId: e.correlation_id,
    vm: e.vm,
    host: e.host,
    cluster: e.cluster,
  };
}

export function toVmStatistics(stats: z.output<typeof statisticSchema>[]): VmStatistics {
  const raw: Record<string, number | undefined> = {};
  for (const s of stats) raw[s.name] = s.values?.value?.[0]?.datum;
  return {
    uptimeSeconds: raw['elapsed.time'],
    memoryInstalledBytes: raw['memory.installed'],
    memoryUsedBytes: raw['memory.used'],
    cpuTotalPercent: raw['cpu.current.total'],
    raw,
  };
}
