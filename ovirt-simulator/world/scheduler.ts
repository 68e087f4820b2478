import { committedMib, maxSchedulingMib, vmRequiredMib } from './memory';
import { VM_RUNNING_STATUSES, MIB, type Host, type Vm } from './model';
import type { World } from './world';

export type Placement = { host: Host } | { host: undefined; reasons: string[] };

export interface PlacementOptions {
  /** Hosts that must not be chosen (the migration source, a failed host). */
  exclude?: ReadonlySet<string>;
  /** Run-once or migrate with an explicit destination: only this host is considered. */
  onlyHostId?: string;
}

/**
 * The engine's scheduler reduced to what matters for HA: candidate hosts are the `up` hosts of the VM's
 * cluster (and of its pinning set, if any); the Memory filter keeps hosts whose `max_scheduling_memory` (the
 * engine's arithmetic, `./memory.ts`) covers the VM's memory with its overhead, the CPU filter keeps
 * hosts with at least as many logical CPUs as the VM has vCPUs. Among the survivors the host with the most free
 * schedulable memory wins (ties: fewest VMs, then name), which spreads load like `evenly_distributed`.
 */
export class Scheduler {
  constructor(private readonly world: World) {}

  /** Memory promised to VMs on this host, including VMs migrating to it. */
  committedBytes(host: Host): number {
    let sum = 0;
    for (const vm of this.world.vmsOn(host.id)) {
      if (VM_RUNNING_STATUSES.has(vm.status) && vm.status !== 'unknown') sum += vm.memoryBytes;
    }
    for (const vm of this.world.migratingVms()) {
      if (vm.migratingToHostId === host.id) sum += vm.memoryBytes;
    }
    return sum;
  }

  /** The engine's `mem_commited` (MiB): guest overhead once, then each VM's memory with overhead, pending included. */
  committedMib(host: Host): number {
    const incoming = this.world.migratingVms().filter((vm) => vm.migratingToHostId === host.id);
    return committedMib(host, this.world.vmsOn(host.id), incoming);
  }

  /** What the API shows as `max_scheduling_memory`, in bytes (whole MiB, as `HostMapper` writes it). */
  maxSchedulingMemory(host: Host): number {
    if (host.status !== 'up') return 0;
    return maxSchedulingMib(host, this.world.cluster(host.clusterId), this.committedMib(host)) * MIB;
  }

  logicalCpus(host: Host): number {
    return host.topology.sockets * host.topology.cores * host.topology.threads;
  }

  pick(vm: Vm, options: PlacementOptions = {}): Placement {
    const reasons: string[] = [];
    let best: { host: Host; free: number; vms: number } | undefined;
    const pinned = vm.placement.hostIds.length > 0 ? new Set(vm.placement.hostIds) : undefined;
    const vcpus = vm.topology.sockets * vm.topology.cores * vm.topology.threads;
    for (const host of this.world.hostsIn(vm.clusterId)) {
      if (host.status !== 'up' || options.exclude?.has(host.id)) continue;
      if (options.onlyHostId !== undefined && host.id !== options.onlyHostId) continue;
      if (pinned && !pinned.has(host.id)) {
        reasons.push(`The host ${host.name} did not satisfy internal filter PinToHost because it is not one of the VM's pinned hosts.`);
        continue;
      }
      const free = this.maxSchedulingMemory(host);
      if (free < vmRequiredMib(vm) * MIB) {
        reasons.push(
          `The host ${host.name} did not satisfy internal filter Memory because its available memory is too low (${Math.floor(free / MIB)} MB) to run the VM.`,
        );
        continue;
      }
      if (this.logicalCpus(host) < vcpus) {
        reasons.push(`The host ${host.name} did not satisfy internal filter CPU because it does not have enough CPU cores to run the VM.`);
        continue;
      }
      const count = this.world.vmsOn(host.id).length;
      if (!best || free > best.free || (free === best.free && (count < best.vms || (count === best.vms && host.name < best.host.name)))) {
        best = { host, free, vms: count };
      }
    }
    return best ? { host: best.host } : { host: undefined, reasons };
  }
}

/**
 * The fault detail the engine gives when every host was filtered out (`SCHEDULING_ALL_HOSTS_FILTERED_OUT`,
 * docs/ovirt-api.md §10.2; the filter wording per host is the reference's best reading, unconfirmed).
 */
export function noHostMessages(action: string, reasons: string[]): string[] {
  return [`Cannot ${action} VM. There is no host that satisfies current scheduling constraints. See below for details:`, ...reasons];
}
