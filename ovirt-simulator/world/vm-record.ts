import type { Cluster, Vm } from './model';

/** What a new VM is made of; `guaranteedBytes` and `maxBytes` fall back to the engine's defaults. */
export type NewVmConfig = Pick<
  Vm,
  | 'id'
  | 'name'
  | 'description'
  | 'comment'
  | 'clusterId'
  | 'templateId'
  | 'memoryBytes'
  | 'topology'
  | 'ha'
  | 'placement'
  | 'leaseStorageDomainId'
  | 'storageErrorResumeBehaviour'
  | 'osType'
  | 'creationTime'
  | 'creationCorrelationId'
> &
  Partial<Pick<Vm, 'guaranteedBytes' | 'maxBytes'>>;

/**
 * A VM as the engine records it when created: down, unlocked, never run. One place for both ways a VM is born (an
 * API create and a scenario's VM), so a new field or default cannot reach only one of them.
 */
export function newVmRecord(c: NewVmConfig, cluster: Pick<Cluster, 'overCommitPercent'>): Vm {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    comment: c.comment,
    clusterId: c.clusterId,
    templateId: c.templateId,
    memoryBytes: c.memoryBytes,
    // Engine defaults when only memory is given: max = 4 × memory, guaranteed = memory × 100 / over-commit %.
    guaranteedBytes: c.guaranteedBytes ?? Math.floor((c.memoryBytes * 100) / cluster.overCommitPercent),
    maxBytes: c.maxBytes ?? c.memoryBytes * 4,
    topology: c.topology,
    ha: c.ha,
    placement: c.placement,
    leaseStorageDomainId: c.leaseStorageDomainId,
    storageErrorResumeBehaviour: c.storageErrorResumeBehaviour,
    type: 'server',
    osType: c.osType,
    deleteProtected: false,
    status: 'down',
    hostId: undefined,
    migratingToHostId: undefined,
    creationTime: c.creationTime,
    startTime: undefined,
    stopTime: undefined,
    stopReason: undefined,
    exitStatus: 'normal',
    locked: false,
    nextRun: undefined,
    creationStatus: undefined,
    epoch: 0,
    creationCorrelationId: c.creationCorrelationId,
    initialization: undefined,
    initialized: false,
    appliedInit: undefined,
    guestAgentReportedAt: undefined,
  };
}
