import type { Engine } from '../world/engine';
import type {
  Cluster,
  DataCenter,
  Disk,
  EngineEvent,
  Host,
  HostStatus,
  Job,
  Severity,
  StorageDomain,
  Template,
  Vm,
  VmStatus,
} from '../world/model';
import { diskStatus } from '../world/disks';
import { enumField, type FieldSpec } from './filter';
import { searchError } from './query';

const VM_STATUS_NAMES = [
  'Down',
  'Up',
  'PoweringUp',
  'Paused',
  'MigratingFrom',
  'MigratingTo',
  'Unknown',
  'NotResponding',
  'WaitForLaunch',
  'RebootInProgress',
  'SavingState',
  'RestoringState',
  'Suspended',
  'ImageIllegal',
  'ImageLocked',
  'PoweringDown',
];
const HOST_STATUS_NAMES = [
  'Unassigned',
  'Down',
  'Maintenance',
  'Up',
  'NonResponsive',
  'Error',
  'Installing',
  'InstallFailed',
  'Reboot',
  'PreparingForMaintenance',
  'NonOperational',
  'PendingApproval',
  'Initializing',
  'Connecting',
  'InstallingOS',
  'Kdumping',
];
const SEVERITIES: readonly Severity[] = ['normal', 'warning', 'error', 'alert'];

/** API status → backend enum name(s), lower case, as the search backend knows them (docs/ovirt-api.md §11). */
function vmBackendStatus(status: VmStatus): string[] {
  if (status === 'migrating') return ['migratingfrom', 'migratingto'];
  return [status.replace(/_/g, '')];
}

function hostBackendStatus(status: HostStatus): string {
  return status.replace(/_/g, '');
}

export function vmFields(engine: Engine): Record<string, FieldSpec<Vm>> {
  const world = engine.world;
  const hostName = (vm: Vm) => (vm.hostId ? world.hosts.get(vm.hostId)?.name : undefined);
  return {
    name: { get: (vm) => vm.name },
    id: { get: (vm) => vm.id },
    description: { get: (vm) => vm.description },
    comment: { get: (vm) => vm.comment },
    status: enumField((vm) => vmBackendStatus(vm.status), VM_STATUS_NAMES, 'VM status'),
    host: { get: hostName },
    'host.name': { get: hostName },
    on_host: { get: hostName },
    cluster: { get: (vm) => world.clusters.get(vm.clusterId)?.name },
    datacenter: {
      get: (vm) => {
        const c = world.clusters.get(vm.clusterId);
        return c ? world.dataCenters.get(c.dataCenterId)?.name : undefined;
      },
    },
    template: { get: (vm) => world.templates.get(vm.templateId)?.name },
    'template.name': { get: (vm) => world.templates.get(vm.templateId)?.name },
    memory: { get: (vm) => Math.floor(vm.memoryBytes / (1024 * 1024)), ordered: true },
    type: { get: (vm) => vm.type },
    os: { get: (vm) => vm.osType },
    creationdate: {
      get: (vm) => new Date(vm.creationTime).toISOString(),
      ordered: true,
      normalize(v) {
        const t = Date.parse(v);
        if (Number.isNaN(t)) throw searchError(`'${v}' is not a date`);
        return new Date(t).toISOString();
      },
    },
  };
}

export function hostFields(engine: Engine): Record<string, FieldSpec<Host>> {
  const world = engine.world;
  return {
    name: { get: (h) => h.name },
    id: { get: (h) => h.id },
    address: { get: (h) => h.address },
    comment: { get: (h) => h.comment },
    status: enumField((h) => hostBackendStatus(h.status), HOST_STATUS_NAMES, 'host status'),
    cluster: { get: (h) => world.clusters.get(h.clusterId)?.name },
    datacenter: {
      get: (h) => {
        const c = world.clusters.get(h.clusterId);
        return c ? world.dataCenters.get(c.dataCenterId)?.name : undefined;
      },
    },
    active_vms: { get: (h) => world.vmsOn(h.id).length, ordered: true },
    memory: { get: (h) => Math.floor(h.memoryBytes / (1024 * 1024)), ordered: true },
    cpus: { get: (h) => h.topology.sockets * h.topology.cores * h.topology.threads, ordered: true },
    spm_id: { get: (h) => (h.spmStatus === 'spm' ? 1 : 0), ordered: true },
  };
}

export function clusterFields(engine: Engine): Record<string, FieldSpec<Cluster>> {
  return {
    name: { get: (c) => c.name },
    id: { get: (c) => c.id },
    description: { get: (c) => c.description },
    cpu_type: { get: (c) => c.cpuType },
    datacenter: { get: (c) => engine.world.dataCenters.get(c.dataCenterId)?.name },
  };
}

export function dataCenterFields(): Record<string, FieldSpec<DataCenter>> {
  return {
    name: { get: (d) => d.name },
    id: { get: (d) => d.id },
    description: { get: (d) => d.description },
    status: { get: (d) => d.status.replace(/_/g, '') },
    type: { get: (d) => (d.local ? 'local' : 'shared') },
  };
}

export function storageDomainFields(engine: Engine): Record<string, FieldSpec<StorageDomain>> {
  return {
    name: { get: (s) => s.name },
    id: { get: (s) => s.id },
    description: { get: (s) => s.description },
    type: { get: (s) => s.storageType },
    status: { get: (s) => s.status },
    shared_status: { get: (s) => (s.dataCenterId ? 'active' : 'unattached') },
    datacenter: { get: (s) => (s.dataCenterId ? engine.world.dataCenters.get(s.dataCenterId)?.name : undefined) },
    free_size: { get: (s) => Math.floor(s.availableBytes / 1024 ** 3), ordered: true },
    used_size: { get: (s) => Math.floor(s.usedBytes / 1024 ** 3), ordered: true },
  };
}

/** Disk search (a subset of the engine's `DiskConditionFieldAutoCompleter`; sizes in GiB). */
export function diskFields(engine: Engine): Record<string, FieldSpec<Disk>> {
  const world = engine.world;
  return {
    name: { get: (d) => d.name },
    alias: { get: (d) => d.name },
    id: { get: (d) => d.id },
    status: { get: (d) => diskStatus(world, d) },
    format: { get: (d) => d.format },
    provisioned_size: { get: (d) => Math.floor(d.provisionedBytes / 1024 ** 3), ordered: true },
    storage: { get: (d) => world.storageDomains.get(d.storageDomainId)?.name },
    vm_names: { get: (d) => (d.vmId ? world.vms.get(d.vmId)?.name : undefined) },
  };
}

export function templateFields(engine: Engine): Record<string, FieldSpec<Template>> {
  return {
    name: { get: (t) => t.name },
    id: { get: (t) => t.id },
    description: { get: (t) => t.description },
    comment: { get: (t) => t.comment },
    os: { get: (t) => t.osType },
    status: { get: () => 'ok' },
    mem: { get: (t) => Math.floor(t.memoryBytes / (1024 * 1024)), ordered: true },
    cluster: { get: (t) => (t.clusterId ? engine.world.clusters.get(t.clusterId)?.name : undefined) },
  };
}

/** Events compare severity by rank, so `severity>=warning` keeps warnings, errors and alerts. */
export function eventFields(): Record<string, FieldSpec<EngineEvent>> {
  return {
    type: { get: (e) => e.code, normalize: (v) => Number(v), ordered: true },
    index: { get: (e) => e.index, normalize: (v) => Number(v), ordered: true },
    severity: {
      get: (e) => SEVERITIES.indexOf(e.severity),
      ordered: true,
      normalize(v) {
        const rank = SEVERITIES.indexOf(v.toLowerCase() as Severity);
        if (rank < 0) throw searchError(`'${v}' is not a valid severity; use one of ${SEVERITIES.join(', ')}`);
        return rank;
      },
    },
    message: { get: (e) => e.description },
    time: { get: (e) => e.time, normalize: (v) => (/^\d+$/.test(v) ? Number(v) : Date.parse(v)), ordered: true },
    usrname: { get: (e) => e.user?.name },
    event_host: { get: (e) => e.host?.name },
    event_vm: { get: (e) => e.vm?.name },
    event_template: { get: (e) => e.template?.name },
    event_storage: { get: (e) => e.storageDomain?.name },
    event_datacenter: { get: (e) => e.dataCenter?.name },
    correlation_id: { get: (e) => e.correlationId },
    origin: { get: () => 'oVirt' },
    _event_vm_id: { get: (e) => e.vm?.id },
    _event_host_id: { get: (e) => e.host?.id },
  };
}

export function jobFields(): Record<string, FieldSpec<Job>> {
  return {
    correlation_id: { get: (j) => j.correlationId },
    start_time: { get: (j) => j.startTime, ordered: true, normalize: (v) => (/^\d+$/.test(v) ? Number(v) : Date.parse(v)) },
  };
}
