/**
 * Plan mappings: the admin's use cases. Free of req/res; collaborators come in through the constructor.
 */
import type { Clock } from '../clock';
import { translateDbError } from '../db/errors';
import { type Plan, type PlanInput, planProblems, sortCreditTiers } from '../domain/plan';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { PlansRepository } from '../repositories/plans';
import type { ServicesRepository } from '../repositories/services';

/** A partial update: top-level fields replace, `ha` and `sla` merge one level deep. */
export type PlanPatch = Partial<Omit<PlanInput, 'ha' | 'sla'>> & {
  ha?: Partial<PlanInput['ha']>;
  sla?: Partial<PlanInput['sla']>;
};

const messages = {
  duplicateProduct: (productId: string) => `A plan for billing product ${productId} already exists.`,
  inUse: (id: number, count: number) =>
    `Plan ${id} is used by ${count} service${count === 1 ? '' : 's'}; move or terminate them before deleting the plan.`,
};

/** Drops keys whose value is undefined, so a spread never overwrites a stored value with "not given". */
function withoutUndefined<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export class PlanService {
  private readonly plans: PlansRepository;
  private readonly services: ServicesRepository;
  private readonly clock: Clock;

  constructor(deps: { plans: PlansRepository; services: ServicesRepository; clock: Clock }) {
    this.plans = deps.plans;
    this.services = deps.services;
    this.clock = deps.clock;
  }

  list(filter: { productId?: string } = {}): Promise<Plan[]> {
    return this.plans.list(filter);
  }

  async get(id: number): Promise<Plan> {
    const plan = await this.plans.findById(id);
    if (!plan) throw new NotFoundError('plan', id);
    return plan;
  }

  async create(input: PlanInput): Promise<Plan> {
    const plan = this.checked(input);
    try {
      return await this.plans.insert(plan, this.clock.now());
    } catch (err) {
      translateDbError(err, { unique: this.duplicate(plan.productId) });
    }
  }

  async replace(id: number, input: PlanInput): Promise<Plan> {
    const plan = this.checked(input);
    let updated: Plan | undefined;
    try {
      updated = await this.plans.update(id, plan, this.clock.now());
    } catch (err) {
      translateDbError(err, { unique: this.duplicate(plan.productId) });
    }
    if (!updated) throw new NotFoundError('plan', id);
    return updated;
  }

  async patch(id: number, patch: PlanPatch): Promise<Plan> {
    const current = await this.get(id);
    const merged: PlanInput = {
      productId: patch.productId ?? current.productId,
      name: patch.name ?? current.name,
      template: patch.template ?? current.template,
      cluster: patch.cluster ?? current.cluster,
      vcpus: patch.vcpus ?? current.vcpus,
      memoryMib: patch.memoryMib ?? current.memoryMib,
      ha: { ...current.ha, ...withoutUndefined(patch.ha) },
      sla: { ...current.sla, ...withoutUndefined(patch.sla) },
      failoverGate: patch.failoverGate ?? current.failoverGate,
    };
    return this.replace(id, merged);
  }

  async delete(id: number): Promise<void> {
    await this.get(id);
    const inUse = await this.services.countByPlan(id);
    if (inUse > 0) throw new ConflictError(messages.inUse(id, inUse), { services: inUse }, 'plan_in_use');
    try {
      // The foreign key catches a service created between the count and the delete.
      await this.plans.delete(id);
    } catch (err) {
      translateDbError(err, { foreign_key: new ConflictError(messages.inUse(id, 1), undefined, 'plan_in_use') });
    }
  }

  private checked(input: PlanInput): PlanInput {
    const problems = planProblems(input);
    if (problems.length > 0) throw new ValidationError(problems);
    return { ...input, sla: { ...input.sla, creditTiers: sortCreditTiers(input.sla.creditTiers) } };
  }

  private duplicate(productId: string): ConflictError {
    return new ConflictError(messages.duplicateProduct(productId), { product_id: productId }, 'duplicate_product_id');
  }
}
