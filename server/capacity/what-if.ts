/**
 * "What if these hosts fail": the restart simulation of one scenario as data for the admin API, with a sentence
 * that says it plainly. Capacity is modelled as if every HA VM will restart; whether the engine restarts it on its
 * own (fencing) is said per VM, because without power management only VMs with a lease restart by themselves.
 */
import { NotFoundError } from '../errors';
import { buildCapacityModel, type CapacityModel, compareText, hostRef, type ModelVm } from './capacity-model';
import { formatGiB, formatVcpus, listNames, plural } from './format';
import { type CapacityOptions, type ClusterInventory, type HostRef, resolveCapacityOptions, type ResourceAmount } from './inventory';
import { type NotPlacedReason, ScenarioRunner } from './placement';

interface FailoverVmBase {
  vmId: string;
  vmName: string;
  fromHost: HostRef;
  memoryBytes: number;
  vcpus: number;
}

export type FailoverVmOutcome =
  | (FailoverVmBase & {
      outcome: 'restarted';
      haPriority: number;
      lease: boolean;
      toHost: HostRef;
      /** False when the engine waits for a fence or a manual "Confirm host has been rebooted" first. */
      automatic: boolean;
    })
  | (FailoverVmBase & {
      outcome: 'not_restarted';
      haPriority: number;
      lease: boolean;
      reason: NotPlacedReason;
      /** The most free memory / vCPUs any surviving host had when this VM's turn came. */
      largestFreeMemoryBytes: number;
      largestFreeVcpus: number;
      automatic: boolean;
    })
  | (FailoverVmBase & { outcome: 'not_ha' });

export interface SurvivingHost extends HostRef {
  freeMemoryBytesBefore: number;
  freeVcpusBefore: number;
  freeMemoryBytesAfter: number;
  freeVcpusAfter: number;
  restartedVmCount: number;
}

export interface FailoverPlacement {
  failedHosts: HostRef[];
  survivingHosts: SurvivingHost[];
  /** Every HA VM of the failed hosts finds a host. */
  allRestarted: boolean;
  /** The HA VMs that need a new host. */
  demand: ResourceAmount & { vmCount: number };
  /** The HA VMs that would not restart: the capacity to add (or free) for all of them to restart. */
  shortfall: ResourceAmount & { vmCount: number };
  /** HA VMs in restart order, then VMs without HA by name. */
  vms: FailoverVmOutcome[];
  /** Failed hosts whose non-lease HA VMs wait for fencing that cannot happen (no power management, fencing off). */
  hostsWithoutAutomaticRestart: HostRef[];
  summary: string;
}

/** Whether the engine can fence this host on its own, which non-lease HA VMs need before they restart. */
export function canBeFenced(model: CapacityModel, h: number): boolean {
  const host = model.hosts[h];
  return Boolean(host && model.cluster.fencingPolicyEnabled && host.powerManagement.enabled && host.powerManagement.agentCount > 0);
}

/**
 * The placement for a set of failed hosts. Unknown host ids are refused with a NotFoundError; a failed host that is
 * not up is allowed (its VMs, if any, are still booked on it).
 */
export function whatIf(
  inventory: ClusterInventory,
  failedHostIds: readonly string[],
  options: Partial<CapacityOptions> = {},
): FailoverPlacement {
  const model = buildCapacityModel(inventory, resolveCapacityOptions(options));
  const failed = [...new Set(failedHostIds)].map((id) => {
    const index = model.hostIndexById.get(id);
    if (index === undefined) throw new NotFoundError('host', id);
    return index;
  });
  return describeScenario(model, new ScenarioRunner(model), failed);
}

/** Runs one scenario with full detail. Shared by the what-if, the N+k verdict and the gate. */
export function describeScenario(model: CapacityModel, runner: ScenarioRunner, failed: readonly number[]): FailoverPlacement {
  const failedSet = new Set(failed);
  const vms: FailoverVmOutcome[] = [];
  const received = new Map<number, number>();
  const base = (vm: ModelVm): FailoverVmBase => ({
    vmId: vm.id,
    vmName: vm.name,
    fromHost: hostRef(model, vm.hostIndex),
    memoryBytes: vm.memoryBytes,
    vcpus: vm.vcpus,
  });
  const totals = runner.run(failed, {
    onStep: (step) => {
      const ha = { haPriority: step.vm.priority, lease: step.vm.lease };
      const automatic = step.vm.lease || canBeFenced(model, step.vm.hostIndex);
      if (step.target >= 0) {
        received.set(step.target, (received.get(step.target) ?? 0) + 1);
        vms.push({ ...base(step.vm), outcome: 'restarted', ...ha, toHost: hostRef(model, step.target), automatic });
      } else if ('reason' in step) {
        const { reason, largestFreeMemoryBytes, largestFreeVcpus } = step;
        vms.push({ ...base(step.vm), outcome: 'not_restarted', ...ha, reason, largestFreeMemoryBytes, largestFreeVcpus, automatic });
      }
    },
  });
  const notHa = failed.flatMap((h) => model.nonHaVms[h] ?? []).sort((a, b) => compareText(a.name, b.name) || compareText(a.id, b.id));
  for (const vm of notHa) vms.push({ ...base(vm), outcome: 'not_ha' });

  const survivingHosts: SurvivingHost[] = model.upHosts
    .filter((h) => !failedSet.has(h))
    .map((h) => {
      const after = runner.freeAfterLastRun(h);
      return {
        ...hostRef(model, h),
        freeMemoryBytesBefore: (model.capMem[h] ?? 0) - (model.usedMem[h] ?? 0),
        freeVcpusBefore: (model.capCpu[h] ?? 0) - (model.usedCpu[h] ?? 0),
        freeMemoryBytesAfter: after.memoryBytes,
        freeVcpusAfter: after.vcpus,
        restartedVmCount: received.get(h) ?? 0,
      };
    });
  const failedHosts = failed.map((h) => hostRef(model, h));
  const hostsWithoutAutomaticRestart = failed
    .filter((h) => !canBeFenced(model, h) && (model.restartQueues[h] ?? []).some((vm) => !vm.lease))
    .map((h) => hostRef(model, h));
  const placement: FailoverPlacement = {
    failedHosts,
    survivingHosts,
    allRestarted: totals.allPlaced,
    demand: { vmCount: totals.demandCount, memoryBytes: totals.demandMemoryBytes, vcpus: totals.demandVcpus },
    shortfall: { vmCount: totals.unplacedCount, memoryBytes: totals.unplacedMemoryBytes, vcpus: totals.unplacedVcpus },
    vms,
    hostsWithoutAutomaticRestart,
    summary: '',
  };
  placement.summary = summarizePlacement(placement, notHa.length);
  return placement;
}

function summarizePlacement(p: FailoverPlacement, notHaCount: number): string {
  const failedNames = listNames(p.failedHosts.map((h) => h.name));
  const parts: string[] = [];
  if (p.demand.vmCount === 0) {
    parts.push(`If ${failedNames} ${p.failedHosts.length === 1 ? 'fails' : 'fail'}, no HA VM needs a new host.`);
  } else {
    const targets = [...new Set(p.vms.flatMap((v) => (v.outcome === 'restarted' ? [v.toHost.name] : [])))];
    const restarted = p.demand.vmCount - p.shortfall.vmCount;
    const verb = restarted === 1 && p.shortfall.vmCount === 0 ? 'restarts' : 'restart';
    const who = p.shortfall.vmCount === 0 ? plural(p.demand.vmCount, 'HA VM') : `${restarted} of ${plural(p.demand.vmCount, 'HA VM')}`;
    let sentence = `If ${failedNames} ${p.failedHosts.length === 1 ? 'fails' : 'fail'}, ${who} ${verb}`;
    if (targets.length > 0) sentence += ` on ${listNames(targets)}`;
    if (p.shortfall.vmCount > 0) {
      const missing = p.vms.flatMap((v) => (v.outcome === 'not_restarted' ? [v.vmName] : []));
      sentence +=
        `; ${p.shortfall.vmCount} (${formatGiB(p.shortfall.memoryBytes)}, ${formatVcpus(p.shortfall.vcpus)}) ` +
        `${p.shortfall.vmCount === 1 ? 'finds' : 'find'} no host with room: ${listNames(missing)}`;
    }
    parts.push(`${sentence}.`);
  }
  if (notHaCount > 0) parts.push(`${plural(notHaCount, 'VM')} without HA ${notHaCount === 1 ? 'is' : 'are'} not restarted.`);
  if (p.hostsWithoutAutomaticRestart.length > 0) {
    parts.push(
      `HA VMs without a VM lease on ${listNames(p.hostsWithoutAutomaticRestart.map((h) => h.name))} restart only after someone ` +
        `confirms the host was rebooted, because the engine cannot fence it.`,
    );
  }
  return parts.join(' ');
}
