/** Reads of services for the billing panel and admins. */
import type { Plan } from '../domain/plan';
import type { ActualState, Service } from '../domain/service';
import { NotFoundError } from '../errors';
import type { PlansRepository } from '../repositories/plans';
import type { ServicesRepository } from '../repositories/services';
import type { IpAllocation, ServiceNetwork } from './ip-allocation';

export interface ServiceView {
  service: Service;
  plan: Plan | undefined;
  /** The addresses the service holds (one read); undefined when it holds none. */
  network?: ServiceNetwork;
}

/** A service in the panel's list, with when the work it waits for was asked (null when none waits). */
export interface ListedService extends ServiceView {
  waitingSince: Date | null;
}

export interface ServiceListQuery {
  states: readonly ActualState[];
  afterId?: number;
  limit: number;
}

export class ServiceQueries {
  constructor(private readonly d: { services: ServicesRepository; plans: PlansRepository; addresses?: IpAllocation }) {}

  async get(billingServiceId: string): Promise<ServiceView> {
    const service = await this.d.services.findByBillingServiceId(billingServiceId);
    if (!service) throw new NotFoundError('service', billingServiceId);
    const [plan, network] = await Promise.all([this.d.plans.findById(service.planId), this.d.addresses?.heldBy(service.id)]);
    return { service, plan, network };
  }

  /**
   * A page of services in the given actual states, in id order (`nextAfterId` is the cursor of the next page, null on
   * the last): what a panel's cron reads to find orders that are stuck or failed. Two queries per page.
   */
  async list(q: ServiceListQuery): Promise<{ items: ListedService[]; nextAfterId: number | null }> {
    const rows = await this.d.services.listInStates(q.states, q.afterId ?? 0, q.limit);
    const planIds = [...new Set(rows.map((r) => r.service.planId))];
    const plans = new Map((await this.d.plans.findMany([], planIds)).map((p) => [p.id, p]));
    const items = rows.map((r) => ({ service: r.service, plan: plans.get(r.service.planId), waitingSince: r.waitingSince }));
    const last = rows[rows.length - 1];
    return { items, nextAfterId: rows.length === q.limit && last ? last.service.id : null };
  }
}
