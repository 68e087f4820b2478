/**
 * Failover capacity for admins, the billing panel and the order gate. Reads a cluster from the engine (cached for a
 * few seconds: the gate runs on every order) and adds the orders already accepted but not yet running, so a burst
 * of orders cannot all take the same last free slot.
 */
import {
  addVmToModel,
  auditReadiness,
  buildCapacityModel,
  canSell,
  type CapacityModel,
  evaluateSale,
  newVm,
  pickHostForNewVm,
  resolveCapacityOptions,
  type CapacityOptions,
  type ClusterInventory,
  type FailoverPlacement,
  findHaDrift,
  type HostInventory,
  type PlanShape,
  type ReadinessReport,
  type SellableHeadroom,
  sellableHeadroomForPlans,
  whatIf,
} from '../capacity';
import { ScenarioRunner } from '../capacity/placement';
import { describeScenario } from '../capacity/what-if';
import type { Clock } from '../clock';
import type { Plan } from '../domain/plan';
import { AppError, NotFoundError, ServiceUnavailableError, UnprocessableError, ValidationError } from '../errors';
import type { JobQueue } from '../jobs/job-queue';
import type { Logger } from '../logger';
import { OvirtError } from '../ovirt/errors';
import type { PlansRepository } from '../repositories/plans';
import type { ServicesRepository } from '../repositories/services';
import type { Order } from './billing-events';
import type { ClusterInventoryReader } from './cluster-inventory';

const MIB = 1024 * 1024;

export function planShape(plan: Plan): PlanShape {
  return { productId: plan.productId, memoryBytes: plan.memoryMib * MIB, vcpus: plan.vcpus, ha: plan.ha };
}

/** What the admin console draws for one cluster, from one engine read. */
export interface ClusterPicture {
  report: ReadinessReport;
  /** The hosts as read (status, power management), in the engine's order. */
  hosts: HostInventory[];
  /** Per up host: where its HA VMs restart if that host alone fails, the room each survivor must keep for it. */
  singleFailures: FailoverPlacement[];
}

/** The headroom of the plans on one cluster, or why that cluster could not be counted. */
export type ClusterHeadroom =
  | { cluster: string; plans: Plan[]; headroom: Array<SellableHeadroom & { plan: Plan }> }
  | { cluster: string; plans: Plan[]; error: AppError };

export interface ProductCapacity {
  product_id: string;
  can_sell: boolean;
  headroom: number;
  /** True when counting stopped at the limit: at least `headroom` more fit. */
  headroom_at_least: boolean;
  reason: string | null;
}

/**
 * A panel may ask on every page view; counting HA headroom costs one N+1 check per VPS counted (about a millisecond
 * each on a 500-host cluster), so the answer stops at "at least 200".
 */
const PANEL_HEADROOM_LIMIT = 200;

/**
 * One engine snapshot of a cluster plus the orders placed into it since it was read. Orders are added as they pass
 * the gate (and, for orders another instance took, when first seen), so each order costs one N+k check, not one
 * per order still waiting.
 */
interface Snapshot {
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

export class CapacityService {
  private readonly cache = new Map<string, Promise<Snapshot>>();
  private readonly cachedAt = new Map<string, number>();
  private readonly resolved: CapacityOptions;

  constructor(
    private readonly d: {
      reader: ClusterInventoryReader;
      plans: PlansRepository;
      services: ServicesRepository;
      jobs: JobQueue;
      clock: Clock;
      logger: Logger;
      options: Partial<CapacityOptions>;
      cacheMs: number;
    },
  ) {
    this.resolved = resolveCapacityOptions(d.options);
  }

  /** The readiness audit of a cluster; drifted VMs of ours get a reconcile job that sets their HA back. */
  async readiness(cluster: string): Promise<ReadinessReport> {
    const { inventory } = await this.fresh(cluster);
    const report = auditReadiness(inventory, this.d.options);
    await this.repairDrift(inventory);
    return report;
  }

  /** Where the HA VMs of the named hosts would restart if those hosts failed now. */
  async whatIf(cluster: string, hosts: string[]): Promise<FailoverPlacement> {
    const { inventory } = await this.fresh(cluster);
    const ids = hosts.map((h) => inventory.hosts.find((x) => x.name === h || x.id === h)?.id);
    const unknown = hosts.filter((_, i) => ids[i] === undefined);
    if (unknown.length > 0) throw new ValidationError(unknown.map((h) => ({ field: 'query.hosts', message: `no host ${h} in cluster ${cluster}` })));
    return whatIf(inventory, ids as string[], this.d.options);
  }

  /**
   * The readiness audit plus what the console's host picture needs, from one engine read. Unlike readiness() it
   * queues nothing, because console pages change no state on GET; the periodic drift sweep sets drifted VMs back.
   */
  async picture(cluster: string): Promise<ClusterPicture> {
    const { inventory, model } = await this.fresh(cluster);
    const report = auditReadiness(inventory, this.d.options);
    // One runner for every scenario, as the N+1 check does: each host's case costs one simulation, not a model build.
    const runner = new ScenarioRunner(model);
    const singleFailures = model.upHosts.map((h) => describeScenario(model, runner, [h]));
    return { report, hosts: inventory.hosts, singleFailures };
  }

  /** How many more VPS of each plan each cluster can take while its failover reserve holds. */
  async headroom(): Promise<Array<SellableHeadroom & { plan: Plan }>> {
    const out: Array<SellableHeadroom & { plan: Plan }> = [];
    for (const [cluster, list] of await this.plansByCluster()) out.push(...(await this.clusterHeadroom(cluster, list)));
    return out;
  }

  /** The same per cluster, for the console: a cluster the engine cannot read is reported, the others still counted. */
  async headroomByCluster(): Promise<ClusterHeadroom[]> {
    const out: ClusterHeadroom[] = [];
    for (const [cluster, plans] of await this.plansByCluster()) {
      try {
        out.push({ cluster, plans, headroom: await this.clusterHeadroom(cluster, plans) });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        out.push({ cluster, plans, error: err });
      }
    }
    return out;
  }

  private async plansByCluster(): Promise<Map<string, Plan[]>> {
    const byCluster = new Map<string, Plan[]>();
    for (const p of await this.d.plans.list()) byCluster.set(p.cluster, [...(byCluster.get(p.cluster) ?? []), p]);
    return byCluster;
  }

  private async clusterHeadroom(cluster: string, list: Plan[]): Promise<Array<SellableHeadroom & { plan: Plan }>> {
    const inventory = await this.withPending(await this.fresh(cluster), cluster);
    return sellableHeadroomForPlans(inventory, list.map(planShape), this.d.options).map((r, i) => ({ ...r, plan: list[i]! }));
  }

  /** For the billing panel: can this product be sold now, and how many more. */
  async forProduct(productId: string): Promise<ProductCapacity> {
    const plan = await this.d.plans.findByProductId(productId);
    if (!plan) throw new NotFoundError('plan for product', productId);
    const inventory = await this.withPending(await this.cached(plan.cluster), plan.cluster);
    const [headroom] = sellableHeadroomForPlans(inventory, [planShape(plan)], { ...this.d.options, headroomLimit: PANEL_HEADROOM_LIMIT });
    const verdict = canSell(inventory, planShape(plan), this.d.options);
    const warnOnly = plan.failoverGate === 'warn' && verdict.code === 'failover_reserve_exceeded';
    return {
      product_id: plan.productId,
      can_sell: verdict.ok || warnOnly,
      headroom: headroom?.count ?? 0,
      headroom_at_least: headroom?.atLeast ?? false,
      reason: verdict.ok ? null : verdict.message,
    };
  }

  /**
   * The order gate: refuses (422) orders the cluster could not restart, before anything is created. Orders are taken
   * in turn, each sale booked into the snapshot before the next is judged; a cluster's snapshot and the orders other
   * instances accepted are read once per call, not once per order. When the engine cannot be asked, that cluster's
   * orders get a 503: selling blind is what the gate exists to prevent.
   */
  async gate(orders: Order[]): Promise<Array<AppError | undefined>> {
    const verdicts: Array<AppError | undefined> = [];
    const snapshots = new Map<string, Promise<Snapshot | AppError>>();
    for (const [i, { plan, serviceId }] of orders.entries()) {
      let pending = snapshots.get(plan.cluster);
      if (!pending) {
        pending = this.snapshotForGate(plan);
        snapshots.set(plan.cluster, pending);
      }
      const snapshot = await pending;
      verdicts[i] = snapshot instanceof AppError ? snapshot : this.judge(snapshot, plan, serviceId);
    }
    return verdicts;
  }

  private async snapshotForGate(plan: Plan): Promise<Snapshot | AppError> {
    try {
      const snapshot = await this.cached(plan.cluster);
      await this.withPending(snapshot, plan.cluster);
      return snapshot;
    } catch (err) {
      if (err instanceof NotFoundError) return new UnprocessableError('unknown_cluster', `Plan ${plan.productId} points at cluster ${plan.cluster}, which the engine does not have.`);
      if (err instanceof OvirtError) {
        return new ServiceUnavailableError('Failover capacity cannot be checked right now (the oVirt engine does not answer); the order was not taken, please retry.', { reason: err.message });
      }
      throw err;
    }
  }

  /** One order against a snapshot; a sale is booked into it. */
  private judge(snapshot: Snapshot, plan: Plan, serviceId: string): AppError | undefined {
    // Already counted: a redelivery or a concurrent duplicate of an order that passed a moment ago.
    if (snapshot.placed.has(serviceId)) return undefined;
    const planKey = `${plan.id}@${plan.updatedAt.getTime()}`;
    const refusedBefore = snapshot.refusals.get(planKey);
    if (refusedBefore?.version === snapshot.version) return refusedBefore.error;
    const verdict = evaluateSale(snapshot.model, planShape(plan), this.resolved);
    const sold = verdict.ok || (verdict.code === 'failover_reserve_exceeded' && plan.failoverGate === 'warn');
    if (sold) {
      // Counted from now on, so the next order sees this one's room taken even before its row commits.
      if ('targetHost' in verdict) this.place(snapshot, serviceId, planShape(plan), verdict.targetHost.id);
      if (!verdict.ok) this.d.logger.warn({ productId: plan.productId, cluster: plan.cluster, reason: verdict.message }, 'sold past the failover reserve (plan set to warn)');
      return undefined;
    }
    const error = new UnprocessableError(verdict.code, verdict.message, { cluster: plan.cluster, product_id: plan.productId, verdict });
    snapshot.refusals.set(planKey, { version: snapshot.version, error });
    return error;
  }

  /** The periodic drift sweep: every cluster our plans use. */
  async sweepDrift(): Promise<number> {
    const clusters = [...new Set((await this.d.plans.list()).map((p) => p.cluster))];
    let queued = 0;
    for (const c of clusters) {
      try {
        queued += await this.repairDrift((await this.fresh(c)).inventory);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        this.d.logger.warn({ cluster: c, err: err.message }, 'drift sweep skipped a cluster');
      }
    }
    return queued;
  }

  private async repairDrift(inventory: ClusterInventory): Promise<number> {
    const drift = findHaDrift(inventory.vms);
    if (drift.length === 0) return 0;
    const ours = await this.d.services.listWithVm();
    const byVm = new Map(ours.map((s) => [s.vmId, s]));
    let queued = 0;
    for (const d of drift) {
      const service = byVm.get(d.vmId);
      if (!service || service.desiredState !== 'active') continue;
      await this.d.jobs.enqueue({ kind: 'reconcile', serviceId: service.id, dedupeKey: `reconcile:${service.id}` });
      queued += 1;
    }
    if (queued > 0) this.d.logger.warn({ cluster: inventory.cluster.name, queued }, 'HA settings changed by hand; reconcile jobs queued to set them back');
    return queued;
  }

  /**
   * Accepted orders whose VM is not in the snapshot yet take their room in the model. Only rows newer than the last
   * look are read; a row that commits out of id order is missed until the snapshot is read again (CAPACITY_CACHE_MS),
   * and orders that passed this instance's gate are counted anyway.
   */
  private async withPending(snapshot: Snapshot, _cluster: string): Promise<ClusterInventory> {
    const known = snapshot.engineVmIds;
    const rows = await this.d.services.listPendingForPlans([...snapshot.plans.keys()], snapshot.seenServiceRowId);
    for (const s of rows) {
      snapshot.seenServiceRowId = Math.max(snapshot.seenServiceRowId, s.id);
      const plan = snapshot.plans.get(s.planId);
      if (!plan || snapshot.placed.has(s.serviceId) || (s.vmId && known.has(s.vmId))) continue;
      this.place(snapshot, s.serviceId, planShape(plan));
    }
    return snapshot.inventory;
  }

  /**
   * Counts one order in the snapshot: on `hostId` when the gate chose it, else where the engine's scheduler would
   * (the up host with most free memory that fits). An order that fits nowhere takes no room (it will not start).
   */
  private place(snapshot: Snapshot, serviceId: string, shape: PlanShape, hostId?: string): void {
    snapshot.placed.add(serviceId);
    snapshot.version++;
    const index = hostId !== undefined ? snapshot.model.hostIndexById.get(hostId) ?? -1 : pickHostForNewVm(snapshot.model, shape.memoryBytes, shape.vcpus);
    const host = snapshot.model.hosts[index];
    if (!host) return;
    addVmToModel(snapshot.model, newVm(shape, index, snapshot.placed.size));
    snapshot.inventory.vms.push({
      id: `order-${serviceId}`,
      name: `order ${serviceId}`,
      status: 'up',
      hostId: host.id,
      memoryBytes: shape.memoryBytes,
      vcpus: shape.vcpus,
      ha: shape.ha,
      lease: false,
      storageDomainIds: [],
    });
  }

  private fresh(cluster: string): Promise<Snapshot> {
    const snapshot = Promise.all([this.d.reader.read(cluster), this.d.plans.list()]).then(([read, plans]): Snapshot => {
      const inventory = { ...read, vms: [...read.vms] };
      return {
        inventory,
        model: buildCapacityModel(inventory, this.resolved),
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

  private cached(cluster: string): Promise<Snapshot> {
    const hit = this.cache.get(cluster);
    const at = this.cachedAt.get(cluster) ?? 0;
    if (hit && this.d.clock.now().getTime() - at < this.d.cacheMs) return hit;
    return this.fresh(cluster);
  }
}
