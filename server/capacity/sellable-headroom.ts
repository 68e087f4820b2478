/**
 * Sellable headroom: how many more VPS of a plan the cluster takes, counted the way they would arrive, one at a
 * time, each started where the scheduler would start it (most free schedulable memory).
 *
 * - Without HA a VPS only needs a host with room. Each host then takes min(free memory / size, free vCPUs / size)
 *   of them whatever the order, so the count is that sum (no limit needed).
 * - With HA, the n-th VPS counts when it finds a host and N+k still holds with it. Greedy placement is not
 *   guaranteed to be monotone (one more VM can, rarely, make a later failure case pack differently), so the count is
 *   the first n that breaks, not a binary search: it is exactly what the gate would answer order after order. The
 *   count stops at `headroomLimit` and then says "at least".
 */
import {
  addVmToModel,
  buildCapacityModel,
  type CapacityModel,
  cloneCapacityModel,
  freeMemory,
  freeVcpus,
  pickHostForNewVm,
  removeVmFromModel,
} from './capacity-model';
import { schedulingMemoryBytes } from './engine-memory';
import { formatGiB, formatVcpus, plural } from './format';
import { type CapacityOptions, type ClusterInventory, type PlanShape, resolveCapacityOptions } from './inventory';
import { nPlusKHolds } from './n-plus-k';
import { assertPlanShape, describeShape, evaluateSale, newVm, type SellRefusal } from './sell-gate';

export interface SellableHeadroom {
  productId?: string;
  shape: PlanShape;
  /** How many more VPS of this plan can be sold now. */
  count: number;
  /** What stops the next one. */
  limitedBy: 'no_capacity' | 'failover_reserve' | 'headroom_limit';
  /** True when counting stopped at the limit: there is room for at least `count`. */
  atLeast: boolean;
  /** The N+k kept while counting; null for plans without HA. */
  k: number | null;
  /** The gate's refusal for the next VPS (null when counting stopped at the limit). */
  next: SellRefusal | null;
  message: string;
}

/** Headroom for one plan shape. */
export function sellableHeadroom(inventory: ClusterInventory, shape: PlanShape, options: Partial<CapacityOptions> = {}): SellableHeadroom {
  const resolved = resolveCapacityOptions(options);
  return headroomOnModel(buildCapacityModel(inventory, resolved), shape, resolved);
}

/** Headroom for several plans on one snapshot (each counted independently, from the same starting point). */
export function sellableHeadroomForPlans(
  inventory: ClusterInventory,
  shapes: readonly PlanShape[],
  options: Partial<CapacityOptions> = {},
): SellableHeadroom[] {
  const resolved = resolveCapacityOptions(options);
  const model = buildCapacityModel(inventory, resolved);
  return shapes.map((shape) => headroomOnModel(model, shape, resolved));
}

/** Headroom on a built model (left unchanged). */
export function headroomOnModel(model: CapacityModel, shape: PlanShape, options: CapacityOptions): SellableHeadroom {
  assertPlanShape(shape);
  return shape.ha.enabled ? haHeadroom(model, shape, options) : plainHeadroom(model, shape);
}

function plainHeadroom(model: CapacityModel, shape: PlanShape): SellableHeadroom {
  let count = 0;
  // Filled to the brim, the same model gives the gate's refusal for the next one.
  const filled = cloneCapacityModel(model);
  for (const h of model.upHosts) {
    const byMemory = Math.floor(freeMemory(model, h) / schedulingMemoryBytes(shape));
    const byVcpus = Math.floor(freeVcpus(model, h) / shape.vcpus);
    const fits = Math.max(0, Math.min(byMemory, byVcpus));
    count += fits;
    filled.usedMem[h] = (filled.usedMem[h] ?? 0) + fits * schedulingMemoryBytes(shape);
    filled.usedCpu[h] = (filled.usedCpu[h] ?? 0) + fits * shape.vcpus;
  }
  const next = evaluateSale(filled, shape, { k: 1, enumerationLimit: 0 }, count + 1);
  return {
    ...(shape.productId === undefined ? {} : { productId: shape.productId }),
    shape,
    count,
    limitedBy: 'no_capacity',
    atLeast: false,
    k: null,
    next: next.ok ? null : next,
    message: `${describeShape(shape)}: ${plural(count, 'more VPS', 'more VPS')} fit on the up hosts.`,
  };
}

function haHeadroom(model: CapacityModel, shape: PlanShape, options: CapacityOptions): SellableHeadroom {
  const work = cloneCapacityModel(model);
  let count = 0;
  let stop: 'no_capacity' | 'failover_reserve' | 'headroom_limit' = 'headroom_limit';
  while (count < options.headroomLimit) {
    const target = pickHostForNewVm(work, schedulingMemoryBytes(shape), shape.vcpus);
    if (target < 0) {
      stop = 'no_capacity';
      break;
    }
    const vm = newVm(shape, target, count + 1);
    addVmToModel(work, vm);
    if (!nPlusKHolds(work, options)) {
      removeVmFromModel(work, vm);
      stop = 'failover_reserve';
      break;
    }
    count += 1;
  }
  const atLeast = stop === 'headroom_limit';
  const verdict = atLeast ? null : evaluateSale(work, shape, options, count + 1);
  const next = verdict && !verdict.ok ? verdict : null;
  let message = `${describeShape(shape)}: ${atLeast ? 'at least ' : ''}${plural(count, 'more VPS', 'more VPS')} while N+${options.k} holds.`;
  if (next?.code === 'failover_reserve_exceeded') {
    const hosts = next.failedHosts.map((h) => h.name).join(', ');
    const shortfall = `${formatGiB(next.shortfall.memoryBytes)}, ${formatVcpus(next.shortfall.vcpus)}`;
    message += ` The next one would break it${hosts ? ` (failure of ${hosts}: ${shortfall} would not restart)` : ''}.`;
  } else if (next?.code === 'no_capacity') {
    message += ' The next one finds no host with room.';
  }
  return {
    ...(shape.productId === undefined ? {} : { productId: shape.productId }),
    shape,
    count,
    limitedBy: stop,
    atLeast,
    k: options.k,
    next,
    message,
  };
}
