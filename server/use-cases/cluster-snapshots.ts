/**
 * The capacity gate's working copies of the clusters: one engine read per cluster, cached for CAPACITY_CACHE_MS (the
 * gate runs on every order), into which every order accepted since is booked, so a burst of orders cannot all take
 * the same last free slot. Orders another instance accepted are booked when this one first sees their rows.
 */
import {
  addVmToModel,
  buildCapacityModel,
  type CapacityModel,
  type CapacityOptions,
  type ClusterInventory,
  newVm,
  pickHostForNewVm,
  type PlanShape,
} from '../capacity/index';
import type { Clock } from '../clock';
import type { Plan } from '../domain/plan';
import type { AppError } from '../errors';
import type { PlansRepository } from '../repositories/plans';
import type { ServicesRepository } from '../repositories/services';
import type { ClusterInventoryReader } from './cluster-inventory';

const MIB = 1024 * 1024;

export function planShape(plan: Plan): PlanShape {
  return { productId: plan.productId, memoryBytes: plan.memoryMib * MIB, vcpus: plan.vcpus, ha: plan.ha };
}

/**
 * One engine snapshot of a cluster plus the orders placed into it since it was read. Orders are added as they pass
 * the gate (and, for orders another instance took, when first seen), so each order costs one N+k check, not one
 * per order still waiting.
 */
export interface Snapshot {
  inventory: ClusterInventory;
  /** The same snapshot as a working model, built once; orders are booked into both. */
  model: CapacityModel;
  /** Billing service ids already counted. */
  placed: Set<string>;
  /** Service rows up to this id have been looked at for counting; later ones are read on the next order. */
  seenServiceRowId: number;
  /** The cluster's plans when the snapshot was read. */
  plans: Map<number, Plan>;
  /** Ids of the VMs the engine reported (orders whose VM is among them are counted already). */
  engineVmIds: Set<string>;
  /** Bumped whenever an order is booked: a refusal holds as long as nothing was booked since. */
  version: number;
  /**
   * The last refusal per plan (by id and edit time) and the version it was made at. A full cluster keeps getting
   * orders; judging each again would repeat the same full N+k simulation for the same answer.
   */
  refusals: Map<string, { version: number; error: AppError }>;
}

export class ClusterSnapshots {
  private readonly cache = new Map<string, Promise<Snapshot>>();
  private readonly cachedAt = new Map<string, number>();

  constructor(
    private readonly d: {
      reader: ClusterInventoryReader;
      plans: PlansRepository;
      services: ServicesRepository;
      clock: Clock;
      options: CapacityOptions;
      cacheMs: number;
    },
  ) {}

  /**
   * Accepted orders whose VM is not in the snapshot yet take their room in the model. Only rows newer than the last
   * look are read; a row that commits out of id order is missed until the snapshot is read again (CAPACITY_CACHE_MS),
   * and orders that passed this instance's gate are counted anyway.
   */
  async withPending(snapshot: Snapshot): Promise<ClusterInventory> {
    const known = snapshot.engineVmIds;
    const rows = await this.d.services.listPendingForPlans([...snapshot.plans.keys()], snapshot.seenServiceRowId);
    for (const s of rows) {
      snapshot.seenServiceRowId = Math.max(snapshot.seenServiceRowId, s.id);
      const plan = snapshot.plans.get(s.planId);
      if (!plan || snapshot.placed.has(s.billingServiceId) || (s.vmId && known.has(s.vmId))) continue;
      this.place(snapshot, s.billingServiceId, planShape(plan));
    }
    return snapshot.inventory;
  }

  /**
   * Counts one order in the snapshot: on `hostId` when the gate chose it, else where the engine's scheduler would
   * (the up host with most free memory that fits). An order that fits nowhere takes no room (it will not start).
   */
  place(snapshot: Snapshot, billingServiceId: string, shape: PlanShape, hostId?: string): void {
    snapshot.placed.add(billingServiceId);
    snapshot.version++;
    const index =
      hostId !== undefined
        ? (snapshot.model.hostIndexById.get(hostId) ?? -1)
        : pickHostForNewVm(snapshot.model, shape.memoryBytes, shape.vcpus);
    const host = snapshot.model.hosts[index];
    if (!host) return;
    addVmToModel(snapshot.model, newVm(shape, index, snapshot.placed.size));
    snapshot.inventory.vms.push({
      id: `order-${billingServiceId}`,
      name: `order ${billingServiceId}`,
      status: 'up',
      hostId: host.id,
      memoryBytes: shape.memoryBytes,
      vcpus: shape.vcpus,
      ha: shape.ha,
      lease: false,
      storageDomainIds: [],
    });
  }

  /** A new read of the cluster, which later calls to cached() share. */
  fresh(cluster: string): Promise<Snapshot> {
    const snapshot = Promise.all([this.d.reader.read(cluster), this.d.plans.list()]).then(([read, plans]): Snapshot => {
      const inventory = { ...read, vms: [...read.vms] };
      return {
        inventory,
        model: buildCapacityModel(inventory, this.d.options),
        placed: new Set(),
        seenServiceRowId: 0,
        engineVmIds: new Set(read.vms.map((v) => v.id)),
        plans: new Map(plans.filter((p) => p.cluster === cluster).map((p) => [p.id, p])),
        version: 0,
        refusals: new Map(),
      };
    });
    this.cache.set(cluster, snapshot);
    this.cachedAt.set(cluster, this.d.clock.now().getTime());
    snapshot.catch(() => this.cache.delete(cluster));
    return snapshot;
  }

  /** The cached read while it is younger than cacheMs, else a new one. */
  cached(cluster: string): Promise<Snapshot> {
    const hit = this.cache.get(cluster);
    const at = this.cachedAt.get(cluster) ?? 0;
    if (hit && this.d.clock.now().getTime() - at < this.d.cacheMs) return hit;
    return this.fresh(cluster);
  }
}
