/**
 * The conservative N+k test used when there are too many k-host combinations to simulate one by one.
 *
 * It must never say "holds" when some k-host failure would leave an HA VM without a host in the exact simulation.
 * It proves that with two sufficient conditions; either one is enough. Notation: for a failed set F the demand D is
 * the HA VMs on F; survivors S are the other up hosts with free memory f_s and free vCPUs g_s; m_max and c_max are
 * the largest memory and vCPUs of any HA VM on an up host.
 *
 * 1. Slots. A survivor with f_s >= j*m_max and g_s >= j*c_max takes any j VMs of D, whatever their sizes, so it has
 *    sigma_s = floor(min(f_s/m_max, g_s/c_max)) guaranteed slots, and a VM placed anywhere uses at most one slot of
 *    one host. While sum(sigma) over S exceeds the VMs placed so far, some host still has a slot and the next VM
 *    fits there, so the simulation (which places a VM whenever any host fits) places all of D when
 *    sum over S of sigma >= |D|.
 *
 * 2. Slack. If VM v finds no host, every survivor is blocked by memory (what was placed there, P_s, exceeds
 *    f_s - m_v >= a_s := max(0, f_s - m_max)) or by vCPUs (Q_s > g_s - c_v >= b_s := max(0, g_s - c_max)). So the
 *    survivors split into A (memory-blocked) and B (vCPU-blocked) with sum_A a_s <= sum P_s < M_D (the memory of
 *    D, v itself not placed) and sum_B b_s <= C_D. sum_B a_s is at most the best 0/1 knapsack of values a_s and
 *    weights b_s within C_D, itself at most the fractional knapsack K(C_D). Hence a miss needs
 *    sum_S a_s - K(C_D) < M_D, and sum_S a_s - K(C_D) >= M_D proves that no VM misses.
 *
 * Both are then made independent of F: |D| <= the k largest HA VM counts of any hosts, M_D and C_D <= the k largest
 * HA memory and vCPU loads; removing k hosts removes at most the k largest sigma_s / a_s, and K over all up hosts is
 * at least K over the survivors. Every step only weakens the test, so the bound stays safe (see the fast-check test
 * that forces this path on small clusters and compares it with the exact enumeration).
 */
import type { CapacityModel } from './capacity-model';
import { freeMemory, freeVcpus } from './capacity-model';

export interface BoundNumbers {
  /** The k largest per-host HA loads added up: an upper bound on what any k failed hosts need restarted. */
  demandBound: { vmCount: number; memoryBytes: number; vcpus: number };
  largestHaVm: { memoryBytes: number; vcpus: number };
  /** Criterion 1: slots left on the survivors in the worst case (all up hosts minus the k with most slots). */
  guaranteedSlots: number;
  /** Criterion 2: sum of a_s minus the k largest, minus the knapsack K(demand vCPUs). Proven when >= demand memory. */
  guaranteedMemoryBytes: number;
}

export interface BoundEvaluation {
  proven: boolean;
  criterion: 'slots' | 'slack' | null;
  numbers: BoundNumbers;
  /** Up-host index sets worth simulating exactly to find a real counterexample when the bound is not proven. */
  heavySets: number[][];
}

function sumOfLargest(values: readonly number[], k: number): number {
  return [...values]
    .sort((a, b) => b - a)
    .slice(0, k)
    .reduce((sum, v) => sum + v, 0);
}

/** Fractional knapsack: the most value that fits in `capacity` weight when items may be split. */
function fractionalKnapsack(items: ReadonlyArray<{ value: number; weight: number }>, capacity: number): number {
  let total = 0;
  let room = capacity;
  const weighted: Array<{ value: number; weight: number }> = [];
  for (const item of items) {
    if (item.value <= 0) continue;
    if (item.weight <= 0) total += item.value;
    else weighted.push(item);
  }
  weighted.sort((x, y) => y.value / y.weight - x.value / x.weight);
  for (const item of weighted) {
    if (room <= 0) break;
    const take = Math.min(1, room / item.weight);
    total += take * item.value;
    room -= take * item.weight;
  }
  return total;
}

/** Evaluates the bound for subsets of size k of the model's up hosts. */
export function evaluateBound(model: CapacityModel, k: number): BoundEvaluation {
  const up = model.upHosts;
  const load = up.map((h) => {
    const queue = model.restartQueues[h] ?? [];
    let memoryBytes = 0;
    let vcpus = 0;
    for (const vm of queue) {
      memoryBytes += vm.memoryBytes;
      vcpus += vm.vcpus;
    }
    return { h, count: queue.length, memoryBytes, vcpus };
  });
  let mMax = 0;
  let cMax = 0;
  let positiveSizes = true;
  for (const h of up) {
    for (const vm of model.restartQueues[h] ?? []) {
      mMax = Math.max(mMax, vm.memoryBytes);
      cMax = Math.max(cMax, vm.vcpus);
      // The slack argument needs every VM to take some memory and at least one vCPU.
      if (!(vm.memoryBytes > 0 && vm.vcpus > 0)) positiveSizes = false;
    }
  }
  const demandBound = {
    vmCount: sumOfLargest(
      load.map((l) => l.count),
      k,
    ),
    memoryBytes: sumOfLargest(
      load.map((l) => l.memoryBytes),
      k,
    ),
    vcpus: sumOfLargest(
      load.map((l) => l.vcpus),
      k,
    ),
  };
  // A unit of at least 1 keeps zero-sized VMs from dividing by zero; a larger unit only lowers the slot count.
  const unitMem = Math.max(mMax, 1);
  const unitCpu = Math.max(cMax, 1);
  const slots = up.map((h) => Math.max(0, Math.floor(Math.min(freeMemory(model, h) / unitMem, freeVcpus(model, h) / unitCpu))));
  const guaranteedSlots = slots.reduce((s, v) => s + v, 0) - sumOfLargest(slots, k);
  const slack = up.map((h) => ({
    value: Math.max(0, freeMemory(model, h) - mMax),
    weight: Math.max(0, freeVcpus(model, h) - cMax),
  }));
  const guaranteedMemoryBytes =
    slack.reduce((s, x) => s + x.value, 0) -
    sumOfLargest(
      slack.map((x) => x.value),
      k,
    ) -
    // Rounded up: the fractional part is computed in floating point, and a bound may only err on the cautious side.
    Math.ceil(fractionalKnapsack(slack, demandBound.vcpus));

  let criterion: BoundEvaluation['criterion'] = null;
  if (demandBound.vmCount === 0 || guaranteedSlots >= demandBound.vmCount) criterion = 'slots';
  else if (positiveSizes && guaranteedMemoryBytes >= demandBound.memoryBytes) criterion = 'slack';

  const heavySets: number[][] = [];
  const seen = new Set<string>();
  for (const metric of ['memoryBytes', 'vcpus', 'count'] as const) {
    // Stable sort: on equal load, hosts keep name order.
    const set = [...load]
      .sort((a, b) => b[metric] - a[metric])
      .slice(0, k)
      .map((l) => l.h);
    const key = [...set].sort((a, b) => a - b).join(',');
    if (set.length > 0 && !seen.has(key)) {
      seen.add(key);
      heavySets.push(set);
    }
  }
  return {
    proven: criterion !== null,
    criterion,
    numbers: { demandBound, largestHaVm: { memoryBytes: mMax, vcpus: cMax }, guaranteedSlots, guaranteedMemoryBytes },
    heavySets,
  };
}
