/**
 * The N+k verdict: can the cluster lose any k up hosts at once and still restart every HA VM they ran?
 *
 * Exact when the number of k-host combinations is at most `enumerationLimit` (always for N+1 in practice: one case
 * per host): every combination is simulated. Above the limit the conservative bound of n-plus-k-bound.ts decides;
 * when it cannot prove the cluster safe the verdict is `unproven` (which refuses like `fails`), unless simulating
 * the heaviest combinations finds a real failure, which makes it `fails`.
 */
import { buildCapacityModel, type CapacityModel, hostRef } from './capacity-model';
import { formatGiB, formatVcpus, listNames, plural } from './format';
import { type CapacityOptions, type ClusterInventory, type HostRef, resolveCapacityOptions, type ResourceAmount } from './inventory';
import { type BoundNumbers, evaluateBound } from './n-plus-k-bound';
import { ScenarioRunner, type ScenarioTotals } from './placement';
import { describeScenario, type FailoverPlacement } from './what-if';

export type NPlusKStatus = 'holds' | 'fails' | 'unproven';

export interface FailureCase {
  failedHosts: HostRef[];
  /** The HA VMs of that case that find no host. */
  shortfall: ResourceAmount & { vmCount: number };
}

export interface NPlusKVerdict {
  k: number;
  upHostCount: number;
  status: NPlusKStatus;
  /** `status === 'holds'`; `unproven` never counts as holding. */
  holds: boolean;
  method: 'exact' | 'bound';
  /** How many k-host combinations exist among the up hosts. */
  combinations: number;
  scenariosChecked: number;
  /** Exact: how many combinations fail. Bound: how many of the simulated heavy combinations failed. */
  failureCount: number;
  /** Failing combinations, largest shortfall first, at most {@link MAX_LISTED_FAILURES}. */
  failures: FailureCase[];
  /** The full placement of the worst failing combination, when one was found. */
  worst: FailoverPlacement | null;
  /** The combination whose HA VMs need the most memory (exact), or the bound's demand figures. */
  heaviest: { failedHosts: HostRef[]; demand: ResourceAmount & { vmCount: number } } | null;
  bound: (BoundNumbers & { proven: boolean; criterion: 'slots' | 'slack' | null }) | null;
  message: string;
}

export const MAX_LISTED_FAILURES = 20;

/** Number of k-subsets of n items, stopping early once above `cap` (returns a value > cap then). */
export function combinationCount(n: number, k: number, cap = Number.MAX_SAFE_INTEGER): number {
  if (k < 0 || k > n) return 0;
  const kk = Math.min(k, n - k);
  let result = 1;
  for (let i = 1; i <= kk; i++) {
    result = (result * (n - kk + i)) / i;
    if (result > cap) return Math.round(result);
  }
  return Math.round(result);
}

/** Calls `visit` with each k-subset of `items` in lexicographic order; stops when it returns false. */
function forEachCombination(items: readonly number[], k: number, visit: (subset: number[]) => boolean): void {
  const n = items.length;
  if (k > n || k <= 0) return;
  const idx = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    if (!visit(idx.map((i) => items[i] ?? -1))) return;
    let i = k - 1;
    while (i >= 0 && idx[i] === n - k + i) i--;
    if (i < 0) return;
    idx[i] = (idx[i] ?? 0) + 1;
    for (let j = i + 1; j < k; j++) idx[j] = (idx[j - 1] ?? 0) + 1;
  }
}

/** Hosts that fail together in each case: k, or all up hosts when there are no more than k. */
function subsetSize(model: CapacityModel, k: number): number {
  return Math.min(k, model.upHosts.length);
}

/**
 * The quick yes/no used while counting headroom and in the gate: the same decision as {@link evaluateNPlusK}'s
 * `holds`, stopping at the first failing combination.
 */
export function nPlusKHolds(model: CapacityModel, options: Pick<CapacityOptions, 'k' | 'enumerationLimit'>): boolean {
  if (model.upHosts.length === 0) return false;
  const size = subsetSize(model, options.k);
  // The bound is cheap and never optimistic: when it proves the cluster safe, the enumeration would agree.
  // This keeps headroom counting fast on roomy clusters, where most steps are far from the limit.
  if (evaluateBound(model, size).proven) return true;
  if (combinationCount(model.upHosts.length, size, options.enumerationLimit) > options.enumerationLimit) return false;
  const runner = new ScenarioRunner(model);
  let ok = true;
  forEachCombination(model.upHosts, size, (subset) => {
    ok = runner.run(subset, { stopAtFirstFailure: true }).allPlaced;
    return ok;
  });
  return ok;
}

/** The N+k verdict for a cluster snapshot. */
export function checkNPlusK(inventory: ClusterInventory, options: Partial<CapacityOptions> = {}): NPlusKVerdict {
  const resolved = resolveCapacityOptions(options);
  return evaluateNPlusK(buildCapacityModel(inventory, resolved), resolved);
}

/** The N+k verdict with its numbers, for a built model (the gate evaluates models with an added VM). */
export function evaluateNPlusK(model: CapacityModel, options: Pick<CapacityOptions, 'k' | 'enumerationLimit'>): NPlusKVerdict {
  const k = options.k;
  const upHostCount = model.upHosts.length;
  const size = subsetSize(model, k);
  const combinations = combinationCount(upHostCount, size);
  const base = { k, upHostCount, combinations };
  if (upHostCount === 0) {
    return {
      ...base,
      status: 'fails',
      holds: false,
      method: 'exact',
      scenariosChecked: 0,
      failureCount: 0,
      failures: [],
      worst: null,
      heaviest: null,
      bound: null,
      message: `N+${k} fails: no host is up, so no VM can restart anywhere.`,
    };
  }
  const runner = new ScenarioRunner(model);
  const cases: Array<{ subset: number[]; totals: ScenarioTotals }> = [];
  let heaviest: { subset: number[]; totals: ScenarioTotals } | null = null;
  let scenariosChecked = 0;
  const simulate = (subset: number[]): ScenarioTotals => {
    const totals = runner.run(subset);
    scenariosChecked += 1;
    if (!totals.allPlaced) cases.push({ subset, totals });
    if (!heaviest || heavier(totals, heaviest.totals)) heaviest = { subset, totals };
    return totals;
  };

  let bound: NPlusKVerdict['bound'] = null;
  let method: NPlusKVerdict['method'] = 'exact';
  if (combinations <= options.enumerationLimit) {
    forEachCombination(model.upHosts, size, (subset) => {
      simulate(subset);
      return true;
    });
  } else {
    method = 'bound';
    const evaluation = evaluateBound(model, size);
    bound = { ...evaluation.numbers, proven: evaluation.proven, criterion: evaluation.criterion };
    // The heavy cases are simulated either way: they give a real counterexample, or the numbers for the message.
    for (const subset of evaluation.heavySets) simulate(subset);
  }
  cases.sort((a, b) => worseFirst(a.totals, b.totals));
  const status: NPlusKStatus = cases.length > 0 ? 'fails' : method === 'exact' || bound?.proven ? 'holds' : 'unproven';
  const worstCase = cases[0];
  const found = heaviest as { subset: number[]; totals: ScenarioTotals } | null;
  const verdict: NPlusKVerdict = {
    ...base,
    status,
    holds: status === 'holds',
    method,
    scenariosChecked,
    failureCount: cases.length,
    failures: cases.slice(0, MAX_LISTED_FAILURES).map(({ subset, totals }) => ({
      failedHosts: subset.map((h) => hostRef(model, h)),
      shortfall: { vmCount: totals.unplacedCount, memoryBytes: totals.unplacedMemoryBytes, vcpus: totals.unplacedVcpus },
    })),
    worst: worstCase ? describeScenario(model, runner, worstCase.subset) : null,
    heaviest: found
      ? {
          failedHosts: found.subset.map((h) => hostRef(model, h)),
          demand: { vmCount: found.totals.demandCount, memoryBytes: found.totals.demandMemoryBytes, vcpus: found.totals.demandVcpus },
        }
      : null,
    bound,
    message: '',
  };
  verdict.message = verdictMessage(verdict, options.enumerationLimit);
  return verdict;
}

function heavier(a: ScenarioTotals, b: ScenarioTotals): boolean {
  if (a.demandMemoryBytes !== b.demandMemoryBytes) return a.demandMemoryBytes > b.demandMemoryBytes;
  if (a.demandVcpus !== b.demandVcpus) return a.demandVcpus > b.demandVcpus;
  return a.demandCount > b.demandCount;
}

/** Largest memory shortfall first, then vCPUs, then VM count; stable, so enumeration order breaks ties. */
function worseFirst(a: ScenarioTotals, b: ScenarioTotals): number {
  return b.unplacedMemoryBytes - a.unplacedMemoryBytes || b.unplacedVcpus - a.unplacedVcpus || b.unplacedCount - a.unplacedCount;
}

const count = (n: number) => n.toLocaleString('en-US');

function failing(hosts: readonly HostRef[]): string {
  const names = listNames(hosts.map((h) => h.name));
  return hosts.length === 1 ? `if ${names} fails` : `if ${names} fail together`;
}

function verdictMessage(v: NPlusKVerdict, enumerationLimit: number): string {
  const label = `N+${v.k}`;
  const each = v.k === 1 ? 'whichever host fails, its' : `whichever ${v.k} hosts fail together, their`;
  const heavy = v.heaviest;
  const heavyText =
    heavy && heavy.demand.vmCount > 0
      ? ` The heaviest case, ${listNames(heavy.failedHosts.map((h) => h.name))}, needs ${formatGiB(heavy.demand.memoryBytes)} and ` +
        `${formatVcpus(heavy.demand.vcpus)} restarted.`
      : '';
  const tooMany =
    `${count(v.combinations)} combinations of ${plural(Math.min(v.k, v.upHostCount), 'host')} are more than the ` +
    `${count(enumerationLimit)} checked one by one`;
  const worst = v.worst;
  if (v.status === 'fails' && worst) {
    const what =
      `${failing(worst.failedHosts)}, ${plural(worst.shortfall.vmCount, 'HA VM')} (${formatGiB(worst.shortfall.memoryBytes)}, ` +
      `${formatVcpus(worst.shortfall.vcpus)}) ${worst.shortfall.vmCount === 1 ? 'finds' : 'find'} no host with room`;
    if (v.method === 'exact') {
      const others = v.failureCount > 1 ? ` ${count(v.failureCount)} of ${count(v.combinations)} cases fail.` : '';
      return `${label} fails: ${what}.${others}`;
    }
    return `${label} fails: ${what} (found among the heaviest cases; ${tooMany}).`;
  }
  if (v.status === 'fails') return `${label} fails.`;
  if (v.status === 'holds' && v.method === 'exact') {
    if (v.upHostCount <= v.k) {
      return `${label} holds only because no HA VM runs: with ${plural(v.upHostCount, 'host')} up, nothing would survive ${v.k} failures.`;
    }
    return `${label} holds: ${each} HA VMs restart on the remaining up hosts (all ${count(v.combinations)} cases checked).${heavyText}`;
  }
  const b = v.bound;
  const boundText = b
    ? `at most ${plural(b.demandBound.vmCount, 'HA VM')}, ${formatGiB(b.demandBound.memoryBytes)} and ` +
      `${formatVcpus(b.demandBound.vcpus)} to restart; ${plural(b.guaranteedSlots, 'guaranteed slot')} of ` +
      `${formatGiB(b.largestHaVm.memoryBytes)} / ${formatVcpus(b.largestHaVm.vcpus)} and ` +
      `${formatGiB(Math.max(0, b.guaranteedMemoryBytes))} of guaranteed memory on the survivors`
    : '';
  if (v.status === 'holds') {
    return `${label} holds by a conservative bound (${tooMany}): ${boundText}.${heavyText}`;
  }
  return (
    `${label} could not be proven: ${tooMany}, and the conservative bound does not hold (${boundText}). The heaviest cases simulated ` +
    `do restart all their HA VMs, so the cluster may be fine; more free capacity makes it provable.`
  );
}
