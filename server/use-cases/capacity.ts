/**
 * Failover capacity for admins, the billing panel and the order gate: readiness, what-if, headroom and the verdict on
 * each order, over the cluster snapshots of ./cluster-snapshots.ts (cached engine reads with the orders accepted
 * since booked in). Just past 300 lines on purpose: one service over one snapshot cache, and each part (admin reads,
 * the panel's headroom, the gate, the drift sweep) is a few short methods over the same snapshots and options.
 */
import {
  auditReadiness,
  canSell,
  evaluateSale,
  resolveCapacityOptions,
  type CapacityOptions,
  type ClusterInventory,
  type FailoverPlacement,
  findHaDrift,
  type HostInventory,
  type ReadinessReport,
  type SellableHeadroom,
  sellableHeadroomForPlans,
  whatIf,
} from '../capacity/index';
import { ScenarioRunner } from '../capacity/placement';
import { describeScenario } from '../capacity/what-if';
import type { Clock } from '../clock';
import type { Plan } from '../domain/plan';
import { AppError, NotFoundError, ServiceUnavailableError, UnprocessableError, ValidationError } from '../errors';
import { reconcileJob } from '../jobs/job-kinds';
import type { JobQueue } from '../jobs/job-queue';
import type { Logger } from '../logger';
import { OvirtError } from '../ovirt/errors';
import type { PlansRepository } from '../repositories/plans';
import type { ServicesRepository } from '../repositories/services';
import type { Order } from './billing-order-gate';
import type { ClusterInventoryReader } from './cluster-inventory';
import { ClusterSnapshots, planShape, type Snapshot } from './cluster-snapshots';
import type { IpAllocation } from './ip-allocation';

export { planShape } from './cluster-snapshots';

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
  /** Free addresses in the plan's IP pools; null where no pool of that family applies (addresses not managed). */
  addresses: { ipv4_free: number | null; ipv6_free: number | null };
}

/**
 * A panel may ask on every page view; counting HA headroom costs one N+1 check per VPS counted (about a millisecond
 * each on a 500-host cluster), so the answer stops at "at least 200".
 */
const PANEL_HEADROOM_LIMIT = 200;

/**
 * An engine failure as the billing panel may read it. WHMCS shows our errors to its staff, and an engine error's
 * message names the engine's internal URL (and, for a refused login, our user); its publicDetail says the same without
 * them.
 */
function inWordsForThePanel(err: unknown): never {
  if (err instanceof OvirtError)
    throw new ServiceUnavailableError(`Failover capacity cannot be checked right now: ${err.publicDetail}.`, { reason: err.publicDetail });
  throw err;
}

export class CapacityService {
  private readonly resolved: CapacityOptions;
  private readonly snapshots: ClusterSnapshots;

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
      /** Free addresses limit sales like room does: a plan whose pools are empty cannot be sold. */
      addresses?: IpAllocation;
    },
  ) {
    this.resolved = resolveCapacityOptions(d.options);
    this.snapshots = new ClusterSnapshots({
      reader: d.reader,
      plans: d.plans,
      services: d.services,
      clock: d.clock,
      options: this.resolved,
      cacheMs: d.cacheMs,
    });
  }

  /** The readiness audit of a cluster; drifted VMs of ours get a reconcile job that sets their HA back. */
  async readiness(cluster: string): Promise<ReadinessReport> {
    const { inventory } = await this.snapshots.fresh(cluster);
    const report = auditReadiness(inventory, this.d.options);
    await this.repairDrift(inventory);
    return report;
  }

  /** Where the HA VMs of the named hosts would restart if those hosts failed now. */
  async whatIf(cluster: string, hosts: string[]): Promise<FailoverPlacement> {
    const { inventory } = await this.snapshots.fresh(cluster);
    const ids = hosts.map((h) => inventory.hosts.find((x) => x.name === h || x.id === h)?.id);
    const unknown = hosts.filter((_, i) => ids[i] === undefined);
    if (unknown.length > 0)
      throw new ValidationError(unknown.map((h) => ({ field: 'query.hosts', message: `no host ${h} in cluster ${cluster}` })));
    return whatIf(inventory, ids as string[], this.d.options);
  }

  /**
   * The readiness audit plus what the console's host picture needs, from one engine read. Unlike readiness() it
   * queues nothing, because console pages change no state on GET; the periodic drift sweep sets drifted VMs back.
   */
  async picture(cluster: string): Promise<ClusterPicture> {
    const { inventory, model } = await this.snapshots.fresh(cluster);
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
    const inventory = await this.snapshots.withPending(await this.snapshots.fresh(cluster));
    return sellableHeadroomForPlans(inventory, list.map(planShape), this.d.options).map((r, i) => ({ ...r, plan: list[i]! }));
  }

  /** For the billing panel: can this product be sold now, and how many more. */
  async forProduct(productId: string): Promise<ProductCapacity> {
    const plan = await this.d.plans.findByProductId(productId);
    if (!plan) throw new NotFoundError('plan for product', productId);
    const inventory = await this.snapshots.withPending(await this.snapshots.cached(plan.cluster).catch(inWordsForThePanel));
    const [headroom] = sellableHeadroomForPlans(inventory, [planShape(plan)], { ...this.d.options, headroomLimit: PANEL_HEADROOM_LIMIT });
    const verdict = canSell(inventory, planShape(plan), this.d.options);
    const warnOnly = plan.failoverGate === 'warn' && verdict.code === 'failover_reserve_exceeded';
    const free = this.d.addresses ? await this.d.addresses.freeCounts(plan.cluster, plan.ipPools) : undefined;
    const addresses = { ipv4_free: free?.ipv4?.free ?? null, ipv6_free: free?.ipv6?.free ?? null };
    const roomCount = headroom?.count ?? 0;
    // Addresses bound the headroom when they are fewer than the room: each order takes one.
    const byAddresses = free?.orders !== null && free?.orders !== undefined && free.orders < roomCount;
    const exhausted = free?.orders === 0;
    return {
      product_id: plan.productId,
      can_sell: (verdict.ok || warnOnly) && !exhausted,
      headroom: byAddresses ? (free?.orders ?? 0) : roomCount,
      headroom_at_least: byAddresses ? false : (headroom?.atLeast ?? false),
      reason: exhausted ? ipPoolsExhaustedMessage(plan) : verdict.ok ? null : verdict.message,
      addresses,
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
    for (const [i, { plan, billingServiceId: billingServiceId }] of orders.entries()) {
      let pending = snapshots.get(plan.cluster);
      if (!pending) {
        pending = this.snapshotForGate(plan);
        snapshots.set(plan.cluster, pending);
      }
      const snapshot = await pending;
      verdicts[i] = snapshot instanceof AppError ? snapshot : this.judge(snapshot, plan, billingServiceId);
    }
    return verdicts;
  }

  private async snapshotForGate(plan: Plan): Promise<Snapshot | AppError> {
    try {
      const snapshot = await this.snapshots.cached(plan.cluster);
      await this.snapshots.withPending(snapshot);
      return snapshot;
    } catch (err) {
      if (err instanceof NotFoundError)
        return new UnprocessableError(
          'unknown_cluster',
          `Plan ${plan.productId} points at cluster ${plan.cluster}, which the engine does not have.`,
        );
      if (err instanceof OvirtError) {
        return new ServiceUnavailableError(
          'Failover capacity cannot be checked right now (the oVirt engine does not answer); the order was not taken, please retry.',
          { reason: err.publicDetail },
        );
      }
      throw err;
    }
  }

  /** One order against a snapshot; a sale is booked into it. */
  private judge(snapshot: Snapshot, plan: Plan, billingServiceId: string): AppError | undefined {
    // Already counted: a redelivery or a concurrent duplicate of an order that passed a moment ago.
    if (snapshot.placed.has(billingServiceId)) return undefined;
    const planKey = `${plan.id}@${plan.updatedAt.getTime()}`;
    const refusedBefore = snapshot.refusals.get(planKey);
    if (refusedBefore?.version === snapshot.version) return refusedBefore.error;
    const verdict = evaluateSale(snapshot.model, planShape(plan), this.resolved);
    const sold = verdict.ok || (verdict.code === 'failover_reserve_exceeded' && plan.failoverGate === 'warn');
    if (sold) {
      // Counted from now on, so the next order sees this one's room taken even before its row commits.
      if ('targetHost' in verdict) this.snapshots.place(snapshot, billingServiceId, planShape(plan), verdict.targetHost.id);
      if (!verdict.ok)
        this.d.logger.warn(
          { productId: plan.productId, cluster: plan.cluster, reason: verdict.message },
          'sold past the failover reserve (plan set to warn)',
        );
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
        queued += await this.repairDrift((await this.snapshots.fresh(c)).inventory);
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
      await this.d.jobs.enqueue(reconcileJob(service.id));
      queued += 1;
    }
    if (queued > 0)
      this.d.logger.warn(
        { cluster: inventory.cluster.name, queued },
        'HA settings changed by hand; reconcile jobs queued to set them back',
      );
    return queued;
  }
}

function ipPoolsExhaustedMessage(plan: Plan): string {
  const pools = plan.ipPools.length > 0 ? `the IP pools ${plan.ipPools.join(', ')}` : `the IP pools of cluster ${plan.cluster}`;
  return `No free address is left in ${pools}; add addresses to a pool (admin API /api/v1/admin/ip-pools) to sell plan ${plan.productId} again.`;
}
