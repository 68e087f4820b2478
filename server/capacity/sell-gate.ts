/**
 * The sales gate: may one more VPS of this plan be created on this cluster? A VPS without HA only needs a host with
 * room. An HA VPS is placed where the scheduler would start it, and the cluster with it must still pass N+k: selling
 * an HA promise the cluster could not keep is what this product exists to prevent (docs/architecture.md, "Capacity is checked
 * before selling"). Whether a refusal blocks or only warns is the caller's per-plan choice.
 */
import {
  addVmToModel,
  buildCapacityModel,
  type CapacityModel,
  cloneCapacityModel,
  freeMemory,
  freeVcpus,
  hostRef,
  type ModelVm,
  pickHostForNewVm,
} from './capacity-model';
import { schedulingMemoryBytes } from './engine-memory';
import { formatGiB, formatVcpus } from './format';
import {
  type CapacityOptions,
  type ClusterInventory,
  type HostRef,
  type PlanShape,
  resolveCapacityOptions,
  type ResourceAmount,
} from './inventory';
import { evaluateNPlusK, nPlusKHolds, type NPlusKStatus, type NPlusKVerdict } from './n-plus-k';

export type SellVerdict =
  | { ok: true; code: 'ok'; targetHost: HostRef; message: string }
  | {
      ok: false;
      code: 'no_capacity';
      needed: ResourceAmount;
      /** The most free memory and the most free vCPUs on any up host (not necessarily the same host). */
      largestFree: ResourceAmount;
      message: string;
    }
  | {
      ok: false;
      code: 'failover_reserve_exceeded';
      k: number;
      /** Where the new VPS would have started. */
      targetHost: HostRef;
      status: Exclude<NPlusKStatus, 'holds'>;
      /** N+k already failed before this VPS; the refusal is not this plan's fault alone. */
      alreadyBroken: boolean;
      /** The host(s) whose failure leaves HA VMs without a host (the heaviest case when `unproven`). */
      failedHosts: HostRef[];
      /** What would not restart in that case. */
      shortfall: ResourceAmount & { vmCount: number };
      verdict: NPlusKVerdict;
      message: string;
    };

export type SellRefusal = Exclude<SellVerdict, { ok: true }>;

export function assertPlanShape(shape: PlanShape): void {
  if (!(shape.memoryBytes > 0)) throw new RangeError('plan memoryBytes must be > 0');
  if (!Number.isInteger(shape.vcpus) || shape.vcpus < 1) throw new RangeError('plan vcpus must be an integer >= 1');
  if (!(shape.ha.priority >= 0 && shape.ha.priority <= 100)) throw new RangeError('plan HA priority must be 0-100');
}

export function describeShape(shape: PlanShape): string {
  const name = shape.productId === undefined ? 'This plan' : `Plan ${shape.productId}`;
  const ha = shape.ha.enabled ? `, HA priority ${shape.ha.priority}` : ', no HA';
  return `${name} (${formatGiB(shape.memoryBytes)}, ${formatVcpus(shape.vcpus)}${ha})`;
}

/** The model VM for the n-th new VPS of a shape, placed on host `h`. */
export function newVm(shape: PlanShape, h: number, n: number): ModelVm {
  const label = shape.productId === undefined ? 'new VPS' : `new VPS of plan ${shape.productId}`;
  return {
    id: `new:${shape.productId ?? ''}:${n}`,
    name: `(${label} #${n})`,
    hostIndex: h,
    memoryBytes: schedulingMemoryBytes(shape),
    vcpus: shape.vcpus,
    ha: shape.ha.enabled,
    priority: shape.ha.priority,
    lease: false,
  };
}

/** Can one more VPS of this shape be sold on this cluster? */
export function canSell(inventory: ClusterInventory, shape: PlanShape, options: Partial<CapacityOptions> = {}): SellVerdict {
  const resolved = resolveCapacityOptions(options);
  return evaluateSale(buildCapacityModel(inventory, resolved), shape, resolved);
}

/** The gate on a built model (left unchanged). `n` numbers the hypothetical VPS in names. */
export function evaluateSale(
  model: CapacityModel,
  shape: PlanShape,
  options: Pick<CapacityOptions, 'k' | 'enumerationLimit'>,
  n = 1,
): SellVerdict {
  assertPlanShape(shape);
  const target = pickHostForNewVm(model, schedulingMemoryBytes(shape), shape.vcpus);
  if (target < 0) return noCapacity(model, shape);
  const targetHost = hostRef(model, target);
  if (!shape.ha.enabled) {
    return { ok: true, code: 'ok', targetHost, message: `${describeShape(shape)} fits: it would start on ${targetHost.name}.` };
  }
  const withVm = cloneCapacityModel(model);
  addVmToModel(withVm, newVm(shape, target, n));
  if (nPlusKHolds(withVm, options)) {
    return {
      ok: true,
      code: 'ok',
      targetHost,
      message: `${describeShape(shape)} fits: it would start on ${targetHost.name} and N+${options.k} still holds.`,
    };
  }
  const verdict = evaluateNPlusK(withVm, options);
  const alreadyBroken = !nPlusKHolds(model, options);
  const worst = verdict.worst;
  const failedHosts = worst?.failedHosts ?? verdict.heaviest?.failedHosts ?? [];
  const shortfall = worst?.shortfall ?? { vmCount: 0, memoryBytes: 0, vcpus: 0 };
  const before = alreadyBroken ? ` The cluster already fails N+${options.k} without it.` : '';
  return {
    ok: false,
    code: 'failover_reserve_exceeded',
    k: options.k,
    targetHost,
    status: verdict.status === 'unproven' ? 'unproven' : 'fails',
    alreadyBroken,
    failedHosts,
    shortfall,
    verdict,
    message:
      `${describeShape(shape)} cannot be sold on cluster ${model.cluster.name} without breaking its failover reserve. With one more ` +
      `VPS on ${targetHost.name}: ${verdict.message}${before}`,
  };
}

function noCapacity(model: CapacityModel, shape: PlanShape): SellRefusal {
  let memoryBytes = 0;
  let vcpus = 0;
  for (const h of model.upHosts) {
    memoryBytes = Math.max(memoryBytes, freeMemory(model, h));
    vcpus = Math.max(vcpus, freeVcpus(model, h));
  }
  const where =
    model.upHosts.length === 0
      ? 'no host is up'
      : `the most free on any up host is ${formatGiB(memoryBytes)} of memory and ${formatVcpus(vcpus)}`;
  return {
    ok: false,
    code: 'no_capacity',
    needed: { memoryBytes: shape.memoryBytes, vcpus: shape.vcpus },
    largestFree: { memoryBytes, vcpus },
    message: `${describeShape(shape)} does not fit on any host of cluster ${model.cluster.name}: ${where}.`,
  };
}
