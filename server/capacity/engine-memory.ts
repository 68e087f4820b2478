/**
 * The oVirt engine's own memory arithmetic, so the capacity model schedules with the numbers a real engine uses
 *. In the engine (ovirt-engine `VDS.calculateFreeSchedulingMemoryCache`,
 * `HostMonitoring.refreshCommitedMemory`, `VmOverheadCalculatorImpl`, `SlaValidator.hasOvercommitMemoryToRunVM`):
 *
 * - a host's `max_scheduling_memory` = physical × over-commit % / 100 − committed − reserved − pending;
 * - committed = the host's guest overhead (VDSM `guest_ram_overhead`, 65 MiB) once, plus every VM's memory with its
 *   overhead;
 * - reserved = VDSM `host_mem_reserve` 256 + `extra_mem_reserve` 65 = 321 MiB;
 * - a VM starts on a host only when its memory with overhead fits in that host's `max_scheduling_memory`.
 *
 * Counting VMs by their bare memory, as the model did before, promised room the engine refuses: on the write-up's
 * cluster pushed to 13 VMs of 5 GiB per host at 150 % over-commit, N+1 looked like it held while the engine would
 * leave two VMs of the failed host down.
 */

const MIB = 1024 * 1024;

/** VDSM defaults, as the engine reads them from the host's capabilities (`reservedMem`, `guestOverhead`). */
export const ENGINE_RESERVED_MEMORY_BYTES = (256 + 65) * MIB;
export const ENGINE_HOST_GUEST_OVERHEAD_BYTES = 65 * MIB;

/**
 * The VM's expected QEMU overhead (x86, `VmOverheadCalculatorImpl.getOverheadInMb`): page tables (memory / 512),
 * 64 MiB fixed, video RAM, 8 MiB per vCPU and 8 MiB per I/O thread. The engine reads video RAM and I/O threads from
 * the VM; we do not read them, so we take what a VM made from the 4.5 Blank template has: a VGA device of 16 MiB and
 * one I/O thread. (A QXL display adds up to 56 MiB more; each extra I/O thread 8 MiB.)
 */
export function vmOverheadBytes(memoryBytes: number, vcpus: number): number {
  const memMib = Math.floor(memoryBytes / MIB);
  return (Math.floor(memMib / 512) + 64 + 16 + 8 * vcpus + 8) * MIB;
}

/** What the engine's Memory filter asks of a host for this VM: its memory plus its overhead. */
export function schedulingMemoryBytes(vm: { memoryBytes: number; vcpus: number }): number {
  return vm.memoryBytes + vmOverheadBytes(vm.memoryBytes, vm.vcpus);
}
