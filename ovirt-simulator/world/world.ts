import type { SimClock } from '../clock';
import type { SeededRandom } from '../random';
import { EVENTS, renderMessage, type EventName } from './event-catalog';
import { NetworkRegistry } from './network-registry';
import type { Cluster, DataCenter, Disk, EngineEvent, Host, Job, StorageDomain, Template, User, Vm } from './model';

/** Who asked for a command: the engine names the user in event texts and tags events with the correlation id. */
export interface Actor {
  userId: string;
  userName: string;
  correlationId: string | undefined;
}

/** Entities an event refers to; the engine links them and includes their names (docs/ovirt-api.md §12.2). */
export interface EventRefs {
  vm?: Vm;
  host?: Host;
  cluster?: Cluster;
  template?: Template;
  storageDomain?: StorageDomain;
  /** For events about a data center alone (the storage pool's status); otherwise derived from the cluster. */
  dataCenter?: DataCenter;
  actor?: Actor;
  correlationId?: string;
}

export const BLANK_TEMPLATE_ID = '00000000-0000-0000-0000-000000000000';

/**
 * The engine's database: every entity, the audit log and the jobs, plus the one index that listing hosts at
 * scale needs (VMs per host). State only; behaviour lives in the engine services.
 */
export class World {
  readonly dataCenters = new Map<string, DataCenter>();
  readonly storageDomains = new Map<string, StorageDomain>();
  readonly clusters = new Map<string, Cluster>();
  readonly hosts = new Map<string, Host>();
  readonly templates = new Map<string, Template>();
  readonly vms = new Map<string, Vm>();
  readonly disks = new Map<string, Disk>();
  readonly events: EngineEvent[] = [];
  readonly jobs = new Map<string, Job>();
  readonly users: User[] = [];
  /** Networks, vNIC profiles, MAC pools and the NICs of VMs and templates. */
  readonly net = new NetworkRegistry();
  private readonly vmsOnHost = new Map<string, Set<string>>();
  private readonly vmIdByName = new Map<string, string>();
  /** Disk ids per VM in attachment order (the first is the boot disk). */
  private readonly disksOfVm = new Map<string, string[]>();
  private readonly migrating = new Set<string>();
  /** Listeners for tests and the control API's event stream. */
  private readonly eventListeners = new Set<(event: EngineEvent) => void>();

  constructor(
    readonly clock: SimClock,
    readonly rng: SeededRandom,
    private nextEventIndex: number,
    readonly instanceId: string,
  ) {}

  newId(): string {
    return this.rng.uuid();
  }

  /** The next audit-log index this world will hand out (kept across scenario resets so indexes only grow). */
  peekNextEventIndex(): number {
    return this.nextEventIndex;
  }

  // ---- lookups -------------------------------------------------------------------------------------------

  cluster(id: string): Cluster {
    const c = this.clusters.get(id);
    if (!c) throw new Error(`no cluster ${id}`);
    return c;
  }

  host(id: string): Host {
    const h = this.hosts.get(id);
    if (!h) throw new Error(`no host ${id}`);
    return h;
  }

  dataCenterOf(cluster: Cluster): DataCenter | undefined {
    return this.dataCenters.get(cluster.dataCenterId);
  }

  findByName<T extends { name: string }>(map: Map<string, T>, name: string): T | undefined {
    for (const e of map.values()) if (e.name === name) return e;
    return undefined;
  }

  /** Id or name, for the control API and scenario files. */
  findHost(idOrName: string): Host | undefined {
    return this.hosts.get(idOrName) ?? this.findByName(this.hosts, idOrName);
  }

  findVm(idOrName: string): Vm | undefined {
    const byId = this.vms.get(idOrName);
    if (byId) return byId;
    const id = this.vmIdByName.get(idOrName);
    return id ? this.vms.get(id) : undefined;
  }

  vmByName(name: string): Vm | undefined {
    const id = this.vmIdByName.get(name);
    return id ? this.vms.get(id) : undefined;
  }

  vmsOn(hostId: string): Vm[] {
    const ids = this.vmsOnHost.get(hostId);
    if (!ids) return [];
    const out: Vm[] = [];
    for (const id of ids) {
      const vm = this.vms.get(id);
      if (vm) out.push(vm);
    }
    return out;
  }

  /** VMs currently migrating (few at a time), so the scheduler need not scan every VM. */
  migratingVms(): Vm[] {
    const out: Vm[] = [];
    for (const id of this.migrating) {
      const vm = this.vms.get(id);
      if (vm) out.push(vm);
    }
    return out;
  }

  setMigrationTarget(vm: Vm, hostId: string | undefined): void {
    vm.migratingToHostId = hostId;
    if (hostId) this.migrating.add(vm.id);
    else this.migrating.delete(vm.id);
  }

  /** The disks attached to a VM, boot disk first. */
  disksOf(vmId: string): Disk[] {
    const ids = this.disksOfVm.get(vmId);
    if (!ids) return [];
    const out: Disk[] = [];
    for (const id of ids) {
      const disk = this.disks.get(id);
      if (disk) out.push(disk);
    }
    return out;
  }

  hostsIn(clusterId: string): Host[] {
    return [...this.hosts.values()].filter((h) => h.clusterId === clusterId);
  }

  // ---- mutations that keep the indexes right ----------------------------------------------------------------

  addVm(vm: Vm): void {
    this.vms.set(vm.id, vm);
    this.vmIdByName.set(vm.name, vm.id);
    if (vm.hostId) this.indexVm(vm.id, vm.hostId);
  }

  renameVm(vm: Vm, name: string): void {
    this.vmIdByName.delete(vm.name);
    vm.name = name;
    this.vmIdByName.set(name, vm.id);
  }

  /** Adds a disk, attached to `disk.vmId` after the VM's other disks. */
  addDisk(disk: Disk): void {
    this.disks.set(disk.id, disk);
    if (!disk.vmId) return;
    const ids = this.disksOfVm.get(disk.vmId) ?? [];
    ids.push(disk.id);
    this.disksOfVm.set(disk.vmId, ids);
  }

  /**
   * Removes a VM and, as the engine does by default (`detach_only=false`), its disks; with `detachOnly` the
   * disks stay as floating disks.
   */
  removeVm(vm: Vm, detachOnly = false): void {
    this.placeVm(vm, undefined);
    this.setMigrationTarget(vm, undefined);
    for (const disk of this.disksOf(vm.id)) {
      if (detachOnly) disk.vmId = undefined;
      else this.disks.delete(disk.id);
    }
    this.disksOfVm.delete(vm.id);
    this.net.removeNicsOf(vm.id);
    this.vms.delete(vm.id);
    this.vmIdByName.delete(vm.name);
  }

  /** Sets the host a VM runs on (`run_on_vds`); `undefined` when it stops running anywhere. */
  placeVm(vm: Vm, hostId: string | undefined): void {
    if (vm.hostId) this.vmsOnHost.get(vm.hostId)?.delete(vm.id);
    vm.hostId = hostId;
    if (hostId) this.indexVm(vm.id, hostId);
  }

  private indexVm(vmId: string, hostId: string): void {
    let set = this.vmsOnHost.get(hostId);
    if (!set) {
      set = new Set();
      this.vmsOnHost.set(hostId, set);
    }
    set.add(vmId);
  }

  // ---- audit log --------------------------------------------------------------------------------------------

  /** Logs an engine event with its real code, severity and rendered message. */
  log(name: EventName, params: Record<string, string | number>, refs: EventRefs = {}): EngineEvent {
    const type = EVENTS[name];
    const vm = refs.vm;
    const host = refs.host ?? (vm?.hostId ? this.hosts.get(vm.hostId) : undefined);
    const cluster = refs.cluster ?? (vm ? this.clusters.get(vm.clusterId) : host ? this.clusters.get(host.clusterId) : undefined);
    const dc = refs.dataCenter ?? (cluster ? this.dataCenters.get(cluster.dataCenterId) : undefined);
    const actor = refs.actor;
    const allParams: Record<string, string | number> = {
      ...(vm ? { VmName: vm.name } : {}),
      ...(host ? { VdsName: host.name } : {}),
      ...(cluster ? { ClusterName: cluster.name } : {}),
      ...(actor ? { UserName: actor.userName } : {}),
      ...params,
    };
    const event: EngineEvent = {
      index: this.nextEventIndex++,
      code: type.code,
      severity: type.severity,
      time: this.clock.now(),
      description: renderMessage(type.template, allParams),
      correlationId: refs.correlationId ?? actor?.correlationId,
      vm: vm ? { id: vm.id, name: vm.name } : undefined,
      host: host ? { id: host.id, name: host.name } : undefined,
      cluster: cluster ? { id: cluster.id, name: cluster.name } : undefined,
      dataCenter: dc ? { id: dc.id, name: dc.name } : undefined,
      template: refs.template ? { id: refs.template.id, name: refs.template.name } : undefined,
      storageDomain: refs.storageDomain ? { id: refs.storageDomain.id, name: refs.storageDomain.name } : undefined,
      user: actor ? { id: actor.userId, name: actor.userName } : undefined,
    };
    this.events.push(event);
    for (const listener of this.eventListeners) listener(event);
    return event;
  }

  /**
   * Position in `events` of the first event whose index is above `index`. The log stays sorted by index (it only
   * ever grows at the end, purges keep the order, an id restart empties it first), so this is a binary search.
   */
  firstEventAfter(index: number): number {
    const events = this.events;
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((events[mid] as EngineEvent).index <= index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The event with this index, if the audit log still holds it (a purge or an id restart removes events). */
  eventByIndex(index: number): EngineEvent | undefined {
    const event = this.events[this.firstEventAfter(index - 1)];
    return event?.index === index ? event : undefined;
  }

  /**
   * The engine's audit-log cleanup: deletes the events `match` selects and returns how many. Done in place, in
   * order, so the log stays sorted by index; the indexes of the remaining and future events do not change.
   */
  deleteEvents(match: (event: EngineEvent) => boolean): number {
    const events = this.events;
    let kept = 0;
    for (const event of events) {
      if (!match(event)) events[kept++] = event;
    }
    const removed = events.length - kept;
    events.length = kept;
    return removed;
  }

  /**
   * An engine reinstalled or restored from an old backup: the audit log is empty and its sequence starts again at
   * `next`. Everything else in the world stays as it is.
   */
  restartEventIndex(next: number): void {
    this.events.length = 0;
    this.nextEventIndex = next;
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  // ---- jobs -------------------------------------------------------------------------------------------------

  startJob(description: string, actor: Actor | undefined, refs: { vmId?: string; hostId?: string } = {}): Job {
    const now = this.clock.now();
    const job: Job = {
      id: this.newId(),
      description,
      status: 'started',
      startTime: now,
      endTime: undefined,
      lastUpdated: now,
      correlationId: actor?.correlationId,
      vmId: refs.vmId,
      hostId: refs.hostId,
    };
    this.jobs.set(job.id, job);
    return job;
  }

  endJob(job: Job, status: 'finished' | 'failed' = 'finished'): void {
    if (job.status !== 'started') return;
    job.status = status;
    job.endTime = this.clock.now();
    job.lastUpdated = job.endTime;
  }
}
