import { MIB, VM_RUNNING_STATUSES, type Cluster, type Host, type Vm } from './model';

/**
 * The engine's memory arithmetic for scheduling, in MiB as the engine keeps it.
 *
 * `max_scheduling_memory` is `VDS.calculateFreeSchedulingMemoryCache` (ovirt-engine, common/businessentities/VDS.java):
 *
 *     physical MiB × over-commit % / 100 − mem_commited − reserved_mem − pending
 *
 * never below 0, and `HostMapper` writes it as `(int) MiB × 1048576`. `mem_commited` is
 * `HostMonitoring.refreshCommitedMemory`: the host's `guest_overhead` once, plus each VM's memory with its overhead
 * (`VmOverheadCalculatorImpl.getTotalRequiredMemMb`). `reserved_mem` and `guest_overhead` come from VDSM's
 * capabilities (`vdsm/host/caps.py`): `host_mem_reserve` 256 + `extra_mem_reserve` 65 = 321 MiB, and
 * `guest_ram_overhead` 65 MiB, VDSM's defaults (`vdsm/common/config.py.in`). The scheduler's Memory filter
 * (`SlaValidator.hasOvercommitMemoryToRunVM`) admits a VM when its memory with overhead is at most that figure.
 */

/** VDSM's `host_mem_reserve` + `extra_mem_reserve` (MiB), reported as `reservedMem`. */
export const DEFAULT_RESERVED_MEM_MIB = 256 + 65;
/** VDSM's `guest_ram_overhead` (MiB), reported as `guestOverhead`; the engine counts it once per host. */
export const DEFAULT_GUEST_OVERHEAD_MIB = 65;

/**
 * What every simulated VM has, as a VM made from the 4.5 Blank template does: VNC graphics with a VGA video device
 * of 16384 KiB vram (`04_05_0290_change_default_display.sql`) and one I/O thread
 * (`04_03_0240_iothreads_enabled_by_default.sql`). The VM presenter shows the same values.
 */
export const VM_VIDEO_RAM_MIB = 16;
export const VM_IO_THREADS = 1;

/**
 * `VmOverheadCalculatorImpl.getOverheadInMb` on x86: page tables (memory / 512) + 64 MiB fixed, plus video RAM,
 * 8 MiB per vCPU and 8 MiB per I/O thread.
 */
export function vmOverheadMib(vm: Pick<Vm, 'memoryBytes' | 'topology'>): number {
  const memMib = Math.floor(vm.memoryBytes / MIB);
  const vcpus = vm.topology.sockets * vm.topology.cores * vm.topology.threads;
  return Math.floor(memMib / 512) + 64 + VM_VIDEO_RAM_MIB + 8 * vcpus + 8 * VM_IO_THREADS;
}

/** The VM's memory with its overhead (`getTotalRequiredMemMb`), what the Memory filter asks of a host, in MiB. */
export function vmRequiredMib(vm: Pick<Vm, 'memoryBytes' | 'topology'>): number {
  return Math.floor(vm.memoryBytes / MIB) + vmOverheadMib(vm);
}

/**
 * `mem_commited` in MiB: the host's guest overhead plus every VM that holds memory there with its overhead. VMs
 * still starting (`wait_for_launch`) and VMs migrating in are the engine's pending memory; they are counted here
 * too, since the figure the API shows subtracts both.
 */
export function committedMib(host: Host, vmsOnHost: Iterable<Vm>, migratingIn: Iterable<Vm>): number {
  let sum = host.guestOverheadMib;
  for (const vm of vmsOnHost) {
    if (VM_RUNNING_STATUSES.has(vm.status) && vm.status !== 'unknown') sum += vmRequiredMib(vm);
  }
  for (const vm of migratingIn) sum += vmRequiredMib(vm);
  return sum;
}

/** `max_scheduling_memory` in whole MiB (the engine's float, truncated as `HostMapper` truncates it). */
export function maxSchedulingMib(host: Host, cluster: Cluster, committed: number): number {
  const physicalMib = Math.floor(host.memoryBytes / MIB);
  const free = (cluster.overCommitPercent * physicalMib) / 100 - committed - host.reservedMemMib;
  return Math.max(0, Math.trunc(free));
}
