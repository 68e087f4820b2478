import type { SimClock } from '../clock';
import { SeededRandom } from '../random';
import { attachNewDisk, DEFAULT_DISK_BYTES, defaultDiskDomain, masterDataDomain } from '../world/disks';
import { Engine } from '../world/engine';
import { GIB, MIB, type Cluster, type Host, type StorageDomain, type Template, type Vm } from '../world/model';
import type { Timings } from '../world/timings';
import { newVmRecord } from '../world/vm-record';
import { BLANK_TEMPLATE_ID, World } from '../world/world';
import { addMacPool, addNetworks, addTemplateNics, linkClusterNetworks } from './build-networks';
import type { HostSpec, Scenario, VmSpec } from './schema';

export interface BuildOptions {
  clock: SimClock;
  timings: Timings;
  /** Overrides the random seed of the scenario. */
  seed?: number;
  /** Overrides the password of every scenario user (`--password`). */
  password?: string;
  /** First audit-log index; kept growing across resets. */
  firstEventIndex: number;
}

/** Turns a validated scenario into a running engine. VMs declared `up` start out running, without events. */
export function buildEngine(scenario: Scenario, options: BuildOptions): Engine {
  const rng = new SeededRandom(options.seed ?? scenario.seed);
  const world = new World(options.clock, rng, options.firstEventIndex, rng.uuid());
  const engine = new Engine(world, options.timings);
  const now = options.clock.now();
  addMacPool(world, scenario, options.seed ?? scenario.seed);
  for (const user of scenario.users) {
    world.users.push({ id: rng.uuid(), loginName: user.name, password: options.password ?? user.password });
  }
  for (const dcSpec of scenario.dataCenters) {
    const dcId = rng.uuid();
    world.dataCenters.set(dcId, {
      id: dcId,
      name: dcSpec.name,
      description: dcSpec.description,
      local: dcSpec.local,
      status: dcSpec.clusters.some((c) => c.hosts.length > 0) ? 'up' : 'uninitialized',
      version: { major: 4, minor: 7 },
    });
    dcSpec.storageDomains.forEach((sd, i) => {
      const id = rng.uuid();
      world.storageDomains.set(id, {
        id,
        name: sd.name,
        description: '',
        dataCenterId: dcId,
        type: sd.type,
        storageType: dcSpec.local ? 'localfs' : sd.storageType,
        address: sd.address,
        path: sd.path,
        availableBytes: (sd.sizeGiB - sd.usedGiB) * GIB,
        usedBytes: sd.usedGiB * GIB,
        committedBytes: sd.usedGiB * GIB,
        master: sd.master ?? (sd.type === 'data' && i === 0),
        status: sd.status,
      });
    });
    addNetworks(world, dcId, dcSpec);
    for (const cSpec of dcSpec.clusters) {
      const cluster: Cluster = {
        id: rng.uuid(),
        name: cSpec.name,
        description: cSpec.description,
        dataCenterId: dcId,
        cpuType: cSpec.cpuType,
        version: { major: 4, minor: 7 },
        overCommitPercent: cSpec.memoryOverCommitPercent,
        haReservation: cSpec.haReservation,
        fencingPolicy: { ...cSpec.fencingPolicy, skipIfConnectivityBroken: { ...cSpec.fencingPolicy.skipIfConnectivityBroken } },
        schedulingPolicy: cSpec.schedulingPolicy,
        onError: 'migrate',
      };
      world.clusters.set(cluster.id, cluster);
      linkClusterNetworks(world, cluster.id, dcId, cSpec);
      for (const hSpec of cSpec.hosts) {
        const host = buildHost(hSpec, cluster, rng, now);
        world.hosts.set(host.id, host);
      }
    }
  }
  for (const host of world.hosts.values()) engine.monitor.refreshSpm(host);
  addTemplates(world, scenario, rng, now);
  for (const vmSpec of scenario.vms) addVm(engine, vmSpec, rng, now);
  return engine;
}

function buildHost(spec: HostSpec, cluster: Cluster, rng: SeededRandom, now: number): Host {
  const cpu = spec.cpu ?? { sockets: 2, cores: 16, threads: 1 };
  return {
    id: rng.uuid(),
    name: spec.name,
    description: '',
    comment: '',
    address: spec.address ?? `${spec.name}.example.com`,
    clusterId: cluster.id,
    status: spec.status,
    statusDetail: undefined,
    cpuName: spec.cpu?.model ?? 'Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz',
    cpuSpeedMhz: spec.cpu?.speedMhz ?? 2400,
    topology: { sockets: cpu.sockets, cores: cpu.cores, threads: cpu.threads },
    memoryBytes: spec.memoryGiB * GIB,
    reservedMemMib: spec.reservedMemoryMiB,
    guestOverheadMib: spec.guestOverheadMiB,
    pm: {
      enabled: spec.powerManagement?.enabled ?? false,
      kdumpDetection: spec.powerManagement?.kdumpDetection ?? false,
      agents: (spec.powerManagement?.agents ?? []).map((a, i) => ({
        id: rng.uuid(),
        type: a.type,
        address: a.address,
        username: a.username,
        port: a.port,
        order: i + 1,
      })),
    },
    spmPriority: spec.spmPriority,
    spmStatus: 'none',
    fault: 'none',
    poweredOn: true,
    bootTime: now - 86_400_000,
    lastPmOperationAt: undefined,
    epoch: 0,
  };
}

function addTemplates(world: World, scenario: Scenario, rng: SeededRandom, now: number): void {
  const blank: Template = {
    id: BLANK_TEMPLATE_ID,
    name: 'Blank',
    description: 'Blank template',
    comment: '',
    clusterId: undefined,
    memoryBytes: GIB,
    topology: { sockets: 1, cores: 1, threads: 1 },
    osType: 'other',
    haEnabled: false,
    haPriority: 0,
    diskBytes: 0,
    storageDomainId: undefined,
    creationTime: Date.UTC(2008, 3, 1),
  };
  world.templates.set(blank.id, blank);
  for (const spec of scenario.templates) {
    const cluster = spec.cluster ? world.findByName(world.clusters, spec.cluster) : undefined;
    if (spec.cluster && !cluster) throw new Error(`scenario: template ${spec.name}: unknown cluster ${spec.cluster}`);
    const dataCenterId = cluster?.dataCenterId;
    let storageDomain: StorageDomain | undefined;
    if (spec.storageDomain) {
      storageDomain = dataDomainNamed(world, spec.storageDomain, dataCenterId, `template ${spec.name}`);
    } else if (spec.diskGiB > 0) {
      // A template without a cluster belongs to no data center here: its disk sits in the first one that has storage.
      const dcIds = dataCenterId ? [dataCenterId] : [...world.dataCenters.keys()];
      for (const dcId of dcIds) storageDomain ??= masterDataDomain(world, dcId);
    }
    const id = rng.uuid();
    const template: Template = {
      id,
      name: spec.name,
      description: spec.description,
      comment: '',
      clusterId: cluster?.id,
      memoryBytes: spec.memoryGiB * GIB,
      topology: spec.cpu,
      osType: spec.osType,
      haEnabled: spec.ha?.enabled ?? false,
      haPriority: spec.ha?.priority ?? 0,
      diskBytes: spec.diskGiB * GIB,
      storageDomainId: spec.diskGiB > 0 ? storageDomain?.id : undefined,
      creationTime: now - 30 * 86_400_000,
    };
    world.templates.set(id, template);
    addTemplateNics(world, template, spec);
    // Every template but Blank is made from a VM of some cluster and links it (`VmTemplate.clusterId`): without
    // one named, the first cluster of its disk's data center, or the first cluster. Set after the NICs, so a file
    // that names no cluster keeps the NICs it always had.
    if (!template.clusterId) {
      const clusters = [...world.clusters.values()];
      const home = storageDomain?.dataCenterId;
      template.clusterId = (clusters.find((c) => c.dataCenterId === home) ?? clusters[0])?.id;
    }
  }
}

function addVm(engine: Engine, spec: VmSpec, rng: SeededRandom, now: number): void {
  const world = engine.world;
  const cluster = world.findByName(world.clusters, spec.cluster);
  if (!cluster) throw new Error(`scenario: VM ${spec.name}: unknown cluster ${spec.cluster}`);
  const template = world.findByName(world.templates, spec.template);
  if (!template) throw new Error(`scenario: VM ${spec.name}: unknown template ${spec.template}`);
  if (world.vmByName(spec.name)) throw new Error(`scenario: duplicate VM name ${spec.name}`);
  const lease = spec.lease ? world.findByName(world.storageDomains, spec.lease) : undefined;
  if (spec.lease && !lease) throw new Error(`scenario: VM ${spec.name}: unknown storage domain ${spec.lease}`);
  const memoryBytes = spec.memoryGiB !== undefined ? spec.memoryGiB * GIB : template.memoryBytes;
  const vm = newVmRecord(
    {
      id: rng.uuid(),
      name: spec.name,
      description: spec.description,
      comment: spec.comment,
      clusterId: cluster.id,
      templateId: template.id,
      memoryBytes,
      topology: spec.cpu ?? { ...template.topology },
      ha: spec.ha ? { enabled: spec.ha.enabled, priority: spec.ha.priority } : { enabled: false, priority: 0 },
      placement: { affinity: spec.affinity, hostIds: [] },
      leaseStorageDomainId: lease?.id,
      storageErrorResumeBehaviour: lease ? 'kill' : 'auto_resume',
      osType: template.osType,
      creationTime: now - 7 * 86_400_000,
      creationCorrelationId: undefined,
    },
    cluster,
  );
  engine.nicCommands.copyTemplateNics(vm, template);
  world.addVm(vm);
  addVmDisk(engine, vm, spec, template, cluster);
  if (spec.status !== 'up') return;
  const wanted = spec.host ? world.findByName(world.hosts, spec.host) : undefined;
  if (spec.host && !wanted) throw new Error(`scenario: VM ${spec.name}: unknown host ${spec.host}`);
  const placement = engine.scheduler.pick(vm, wanted ? { onlyHostId: wanted.id } : {});
  if (!placement.host) throw new Error(`scenario: VM ${spec.name} does not fit on ${spec.host ?? 'any host'}`);
  world.placeVm(vm, placement.host.id);
  vm.status = 'up';
  vm.startTime = now - 3_600_000;
  // Up for an hour: cloud-init (if any) ran long ago and the guest agent has reported.
  vm.initialized = true;
  vm.guestAgentReportedAt = vm.startTime;
}

/**
 * The VM's copy of its template's disk, on the domain the scenario names or else the template's. A VM whose data
 * center has no data domain gets no disk rather than failing the load (older scenario files never named one).
 */
function addVmDisk(engine: Engine, vm: Vm, spec: VmSpec, template: Template, cluster: Cluster): void {
  const world = engine.world;
  const sd = spec.storageDomain
    ? dataDomainNamed(world, spec.storageDomain, cluster.dataCenterId, `VM ${spec.name}`)
    : defaultDiskDomain(world, template, cluster);
  const bytes = vmDiskBytes(spec, template);
  if (bytes === 0 || !sd) return;
  // A VM that has lived a while: a quarter of its thin disk written.
  attachNewDisk(world, vm, { storageDomain: sd, provisionedBytes: bytes, actualBytes: Math.round(bytes / 4 / MIB) * MIB, format: 'cow' });
}

function vmDiskBytes(spec: VmSpec, template: Template): number {
  if (spec.diskGiB !== undefined) return spec.diskGiB * GIB;
  if (template.diskBytes > 0) return template.diskBytes;
  return spec.storageDomain ? DEFAULT_DISK_BYTES : 0;
}

function dataDomainNamed(world: World, name: string, dataCenterId: string | undefined, owner: string): StorageDomain {
  const sd = world.findByName(world.storageDomains, name);
  if (!sd) throw new Error(`scenario: ${owner}: unknown storage domain ${name}`);
  if (sd.type !== 'data') throw new Error(`scenario: ${owner}: storage domain ${name} is not a data domain`);
  if (dataCenterId && sd.dataCenterId !== dataCenterId) {
    throw new Error(`scenario: ${owner}: storage domain ${name} is in another data center`);
  }
  return sd;
}
