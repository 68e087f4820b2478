import type { SimClock } from '../clock';
import type { SeededRandom } from '../random';
import { AuditLog, type Actor, type EventRefs } from './audit-log';
import type { EventName } from './event-catalog';
import { NetworkRegistry } from './network-registry';
import type { Cluster, DataCenter, Disk, EngineEvent, Host, Job, StorageDomain, Template, User, Vm } from './model';

// Declared with the audit log (which this file imports, not the other way round); the commands take them from here.
export type { Actor, EventRefs } from './audit-log';

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
  readonly jobs = new Map<string, Job>();
  readonly users: User[] = [];
  /** Networks, vNIC profiles, MAC pools and the NICs of VMs and templates. */
  readonly net = new NetworkRegistry();
  private readonly vmsOnHost = new Map<string, Set<string>>();
  private readonly vmIdByName = new Map<string, string>();
  /** Disk ids per VM in attachment order (the first is the boot disk). */
  private readonly disksOfVm = new Map<string, string[]>();
  private readonly migrating = new Set<string>();
  /** The audit log: events with their indexes, the purge and the index restart. */
  readonly audit: AuditLog;

  constructor(
    readonly clock: SimClock,
    readonly rng: SeededRandom,
    firstEventIndex: number,
    readonly instanceId: string,
  ) {
    this.audit = new AuditLog(clock, this, firstEventIndex);
  }

  newId(): string {
    return this.rng.uuid();
  }

  /** The next audit-log index this world will hand out (kept across scenario resets so indexes only grow). */
  peekNextEventIndex(): number {
    return this.audit.peekNextEventIndex();
  }

  /** The audit log's events, oldest first. */
  get events(): EngineEvent[] {
    return this.audit.events;
  }

  /** Logs an engine event with its real code, severity and rendered message (see `AuditLog.log`). */
  log(name: EventName, params: Record<string, string | number>, refs: EventRefs = {}): EngineEvent {
    return this.audit.log(name, params, refs);
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
