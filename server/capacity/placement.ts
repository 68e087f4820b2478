/**
 * The restart simulation for one failure scenario: the failed hosts' HA VMs, in restart order, each started on the
 * surviving up host oVirt's scheduler would pick (most free schedulable memory among the hosts where it fits, see
 * {@link preferHost}), free capacity updated as it goes. A VM that fits nowhere is skipped and the next one is tried,
 * as the engine keeps going down its queue and retries the skipped one later.
 *
 * Speed matters (one scenario per host for N+1, many per added VM when counting headroom), so a runner sorts the up
 * hosts by free capacity once and, per scenario, only tracks the few hosts that received VMs: the best untouched
 * host is the first fitting one in that order, and it is compared with the touched ones.
 */
import { type CapacityModel, compareRestartOrder, type ModelVm, preferHost } from './capacity-model';

/** Why a VM found no host. `fragmented`: enough memory and enough vCPUs exist, but never on the same host. */
export type NotPlacedReason = 'no_surviving_host' | 'memory' | 'vcpus' | 'memory_and_vcpus' | 'fragmented';

export type PlacementStep =
  | { vm: ModelVm; target: number }
  | { vm: ModelVm; target: -1; reason: NotPlacedReason; largestFreeMemoryBytes: number; largestFreeVcpus: number };

export interface ScenarioTotals {
  allPlaced: boolean;
  demandCount: number;
  demandMemoryBytes: number;
  demandVcpus: number;
  unplacedCount: number;
  unplacedMemoryBytes: number;
  unplacedVcpus: number;
}

/** The HA VMs to restart when these hosts fail, in restart order. */
export function restartQueueFor(model: CapacityModel, failed: readonly number[]): readonly ModelVm[] {
  if (failed.length === 1) return model.restartQueues[failed[0] ?? -1] ?? [];
  const merged: ModelVm[] = [];
  for (const h of failed) merged.push(...(model.restartQueues[h] ?? []));
  return merged.sort(compareRestartOrder);
}

export class ScenarioRunner {
  private readonly order: number[];
  private readonly baseMem: Float64Array;
  private readonly baseCpu: Float64Array;
  private readonly curMem: Float64Array;
  private readonly curCpu: Float64Array;
  private readonly failedStamp: Int32Array;
  private readonly touchedStamp: Int32Array;
  private generation = 0;

  /** Takes the model's free capacity as it is now; build a new runner after adding VMs to the model. */
  constructor(private readonly model: CapacityModel) {
    const n = model.hosts.length;
    this.baseMem = new Float64Array(n);
    this.baseCpu = new Float64Array(n);
    for (let h = 0; h < n; h++) {
      this.baseMem[h] = (model.capMem[h] ?? 0) - (model.usedMem[h] ?? 0);
      this.baseCpu[h] = (model.capCpu[h] ?? 0) - (model.usedCpu[h] ?? 0);
    }
    const mem = this.baseMem;
    const cpu = this.baseCpu;
    this.order = [...model.upHosts].sort((a, b) => (preferHost(model, a, mem[a] ?? 0, cpu[a] ?? 0, b, mem[b] ?? 0, cpu[b] ?? 0) ? -1 : 1));
    this.curMem = new Float64Array(n);
    this.curCpu = new Float64Array(n);
    this.failedStamp = new Int32Array(n);
    this.touchedStamp = new Int32Array(n);
  }

  /**
   * Simulates one scenario. With `stopAtFirstFailure` it returns as soon as a VM finds no host (the totals then
   * cover only what was tried); `onStep` receives every VM's outcome in restart order.
   */
  run(failed: readonly number[], options: { stopAtFirstFailure?: boolean; onStep?: (step: PlacementStep) => void } = {}): ScenarioTotals {
    const gen = ++this.generation;
    for (const h of failed) this.failedStamp[h] = gen;
    const queue = restartQueueFor(this.model, failed);
    const touched: number[] = [];
    const totals: ScenarioTotals = {
      allPlaced: true,
      demandCount: 0,
      demandMemoryBytes: 0,
      demandVcpus: 0,
      unplacedCount: 0,
      unplacedMemoryBytes: 0,
      unplacedVcpus: 0,
    };
    for (const vm of queue) {
      totals.demandCount += 1;
      totals.demandMemoryBytes += vm.memoryBytes;
      totals.demandVcpus += vm.vcpus;
      const target = this.bestHost(vm, gen, touched);
      if (target >= 0) {
        if (this.touchedStamp[target] !== gen) {
          this.touchedStamp[target] = gen;
          this.curMem[target] = this.baseMem[target] ?? 0;
          this.curCpu[target] = this.baseCpu[target] ?? 0;
          touched.push(target);
        }
        this.curMem[target] = (this.curMem[target] ?? 0) - vm.memoryBytes;
        this.curCpu[target] = (this.curCpu[target] ?? 0) - vm.vcpus;
        options.onStep?.({ vm, target });
        continue;
      }
      totals.allPlaced = false;
      totals.unplacedCount += 1;
      totals.unplacedMemoryBytes += vm.memoryBytes;
      totals.unplacedVcpus += vm.vcpus;
      if (options.stopAtFirstFailure) return totals;
      if (options.onStep) options.onStep({ vm, target: -1, ...this.explainMiss(vm, gen) });
    }
    return totals;
  }

  /** Free memory and vCPUs of an up host after the last {@link run} (failed hosts included, unchanged). */
  freeAfterLastRun(h: number): { memoryBytes: number; vcpus: number } {
    const touched = this.touchedStamp[h] === this.generation;
    return {
      memoryBytes: (touched ? this.curMem[h] : this.baseMem[h]) ?? 0,
      vcpus: (touched ? this.curCpu[h] : this.baseCpu[h]) ?? 0,
    };
  }

  private bestHost(vm: ModelVm, gen: number, touched: readonly number[]): number {
    let best = -1;
    let bestMem = 0;
    let bestCpu = 0;
    for (const h of this.order) {
      if (this.failedStamp[h] === gen || this.touchedStamp[h] === gen) continue;
      const mem = this.baseMem[h] ?? 0;
      // Sorted by free memory: once one untouched host lacks memory, all the rest do.
      if (mem < vm.memoryBytes) break;
      const cpu = this.baseCpu[h] ?? 0;
      if (cpu < vm.vcpus) continue;
      best = h;
      bestMem = mem;
      bestCpu = cpu;
      break;
    }
    for (const h of touched) {
      const mem = this.curMem[h] ?? 0;
      const cpu = this.curCpu[h] ?? 0;
      if (mem < vm.memoryBytes || cpu < vm.vcpus) continue;
      if (best < 0 || preferHost(this.model, h, mem, cpu, best, bestMem, bestCpu)) {
        best = h;
        bestMem = mem;
        bestCpu = cpu;
      }
    }
    return best;
  }

  private explainMiss(vm: ModelVm, gen: number) {
    let survivors = 0;
    let largestFreeMemoryBytes = -Infinity;
    let largestFreeVcpus = -Infinity;
    for (const h of this.order) {
      if (this.failedStamp[h] === gen) continue;
      survivors += 1;
      const touched = this.touchedStamp[h] === gen;
      largestFreeMemoryBytes = Math.max(largestFreeMemoryBytes, (touched ? this.curMem[h] : this.baseMem[h]) ?? 0);
      largestFreeVcpus = Math.max(largestFreeVcpus, (touched ? this.curCpu[h] : this.baseCpu[h]) ?? 0);
    }
    if (survivors === 0) {
      return { reason: 'no_surviving_host' as const, largestFreeMemoryBytes: 0, largestFreeVcpus: 0 };
    }
    const memoryOk = largestFreeMemoryBytes >= vm.memoryBytes;
    const vcpusOk = largestFreeVcpus >= vm.vcpus;
    const reason: NotPlacedReason = memoryOk && vcpusOk ? 'fragmented' : memoryOk ? 'vcpus' : vcpusOk ? 'memory' : 'memory_and_vcpus';
    return { reason, largestFreeMemoryBytes, largestFreeVcpus };
  }
}
