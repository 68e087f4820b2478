/**
 * The indexed, mutable working form of a cluster snapshot that the placement, N+k and headroom code share. Hosts are
 * addressed by index so one failure scenario costs array reads, not map lookups: the N+1 audit of a 500-host,
 * 20,000-VM cluster runs 500 scenarios. Internal to server/capacity; results leave it as plain JSON-ready objects.
 */
import { schedulingMemoryBytes } from './engine-memory';
import { hostCapacity, type HostCapacity, isUpHost, occupyingVmsByHost } from './host-capacity';
import type { CapacityOptions, ClusterInfo, ClusterInventory, HostInventory, HostRef } from './inventory';

export interface ModelVm {
  id: string;
  name: string;
  hostIndex: number;
  /** Memory with the engine's per-VM overhead: what the VM takes from a host's schedulable memory. */
  memoryBytes: number;
  vcpus: number;
  ha: boolean;
  priority: number;
  lease: boolean;
}

export interface CapacityModel {
  cluster: ClusterInfo;
  hosts: readonly HostInventory[];
  hostIndexById: ReadonlyMap<string, number>;
  up: readonly boolean[];
  /** Indices of up hosts, by name then id: the order scenarios are enumerated and reported in. */
  upHosts: readonly number[];
  capacities: readonly HostCapacity[];
  /** Schedulable totals (fixed) and what is committed (grows as VMs are added). */
  capMem: Float64Array;
  capCpu: Float64Array;
  usedMem: Float64Array;
  usedCpu: Float64Array;
  /** Per host, its HA VMs in restart order. */
  restartQueues: ModelVm[][];
  /** Per host, its occupying VMs without HA (never restarted). */
  nonHaVms: ModelVm[][];
}

/** Plain code-unit comparison: the same order on every machine, whatever its locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Restart order: highest HA priority first (the engine's queue, section 13.4), then larger memory, then more vCPUs
 * (big VMs are the hard ones to fit, so they go while there is most room), then name and id so ties never depend
 * on input order.
 */
export function compareRestartOrder(a: ModelVm, b: ModelVm): number {
  return (
    b.priority - a.priority || b.memoryBytes - a.memoryBytes || b.vcpus - a.vcpus || compareText(a.name, b.name) || compareText(a.id, b.id)
  );
}

export function hostRef(model: CapacityModel, index: number): HostRef {
  const host = model.hosts[index];
  if (!host) throw new RangeError(`no host at index ${index}`);
  return { id: host.id, name: host.name };
}

/** Builds the working model. Each VM that holds resources is booked on its host; other VMs are ignored. */
export function buildCapacityModel(inventory: ClusterInventory, options: CapacityOptions): CapacityModel {
  const { cluster, hosts } = inventory;
  const count = hosts.length;
  const hostIndexById = new Map(hosts.map((h, i) => [h.id, i]));
  const byHost = occupyingVmsByHost(hosts, inventory.vms);
  const model: CapacityModel = {
    cluster,
    hosts,
    hostIndexById,
    up: hosts.map((h) => isUpHost(h.status)),
    upHosts: [],
    capacities: [],
    capMem: new Float64Array(count),
    capCpu: new Float64Array(count),
    usedMem: new Float64Array(count),
    usedCpu: new Float64Array(count),
    restartQueues: hosts.map(() => []),
    nonHaVms: hosts.map(() => []),
  };
  const capacities: HostCapacity[] = [];
  hosts.forEach((host, index) => {
    const vms = byHost.get(host.id) ?? [];
    const capacity = hostCapacity(host, cluster, vms, options);
    capacities.push(capacity);
    model.capMem[index] = capacity.memory.schedulableBytes;
    model.capCpu[index] = capacity.vcpus.capacity;
    model.usedMem[index] = capacity.memory.committedBytes;
    model.usedCpu[index] = capacity.vcpus.committed;
    for (const vm of vms) {
      const entry: ModelVm = {
        id: vm.id,
        name: vm.name,
        hostIndex: index,
        memoryBytes: schedulingMemoryBytes(vm),
        vcpus: vm.vcpus,
        ha: vm.ha.enabled,
        priority: vm.ha.priority,
        lease: vm.lease,
      };
      (entry.ha ? model.restartQueues : model.nonHaVms)[index]?.push(entry);
    }
  });
  model.capacities = capacities;
  for (const queue of model.restartQueues) queue.sort(compareRestartOrder);
  model.upHosts = hosts
    .map((_, i) => i)
    .filter((i) => model.up[i])
    .sort((a, b) => compareHostNames(model, a, b));
  return model;
}

function compareHostNames(model: CapacityModel, a: number, b: number): number {
  const ha = model.hosts[a];
  const hb = model.hosts[b];
  return ha && hb ? compareText(ha.name, hb.name) || compareText(ha.id, hb.id) : a - b;
}

/** A copy whose committed figures and queues can change without touching the original. */
export function cloneCapacityModel(model: CapacityModel): CapacityModel {
  return {
    ...model,
    usedMem: model.usedMem.slice(),
    usedCpu: model.usedCpu.slice(),
    restartQueues: model.restartQueues.map((q) => q.slice()),
    nonHaVms: model.nonHaVms.map((q) => q.slice()),
  };
}

/** Books a VM on its host (a new VPS the scheduler placed there). */
export function addVmToModel(model: CapacityModel, vm: ModelVm): void {
  const h = vm.hostIndex;
  model.usedMem[h] = (model.usedMem[h] ?? 0) + vm.memoryBytes;
  model.usedCpu[h] = (model.usedCpu[h] ?? 0) + vm.vcpus;
  const list = (vm.ha ? model.restartQueues : model.nonHaVms)[h];
  if (!list) throw new RangeError(`no host at index ${h}`);
  let at = list.length;
  if (vm.ha) {
    // Keep restart order without a full re-sort: one insertion per added VM.
    at = list.findIndex((other) => compareRestartOrder(vm, other) < 0);
    if (at < 0) at = list.length;
  }
  list.splice(at, 0, vm);
}

export function freeMemory(model: CapacityModel, h: number): number {
  return (model.capMem[h] ?? 0) - (model.usedMem[h] ?? 0);
}

export function freeVcpus(model: CapacityModel, h: number): number {
  return (model.capCpu[h] ?? 0) - (model.usedCpu[h] ?? 0);
}

/**
 * Host preference, as oVirt's scheduler ranks hosts that pass its filters: most free schedulable memory first; then
 * most free vCPUs, then name and id, so the choice is deterministic.
 */
export function preferHost(
  model: CapacityModel,
  a: number,
  aFreeMem: number,
  aFreeCpu: number,
  b: number,
  bFreeMem: number,
  bFreeCpu: number,
): boolean {
  if (aFreeMem !== bFreeMem) return aFreeMem > bFreeMem;
  if (aFreeCpu !== bFreeCpu) return aFreeCpu > bFreeCpu;
  return compareHostNames(model, a, b) < 0;
}

/** Where the scheduler would start a VM of this size now: the preferred up host it fits on, or -1. */
export function pickHostForNewVm(model: CapacityModel, memoryBytes: number, vcpus: number): number {
  let best = -1;
  let bestMem = 0;
  let bestCpu = 0;
  for (const h of model.upHosts) {
    const mem = freeMemory(model, h);
    const cpu = freeVcpus(model, h);
    if (mem < memoryBytes || cpu < vcpus) continue;
    if (best < 0 || preferHost(model, h, mem, cpu, best, bestMem, bestCpu)) {
      best = h;
      bestMem = mem;
      bestCpu = cpu;
    }
  }
  return best;
}

/** Undoes {@link addVmToModel} for the same VM object. */
export function removeVmFromModel(model: CapacityModel, vm: ModelVm): void {
  const h = vm.hostIndex;
  const list = (vm.ha ? model.restartQueues : model.nonHaVms)[h];
  const at = list ? list.indexOf(vm) : -1;
  if (!list || at < 0) throw new RangeError(`VM ${vm.id} is not booked on host index ${h}`);
  list.splice(at, 1);
  model.usedMem[h] = (model.usedMem[h] ?? 0) - vm.memoryBytes;
  model.usedCpu[h] = (model.usedCpu[h] ?? 0) - vm.vcpus;
}
