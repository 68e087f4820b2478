/**
 * Plan mappings: the admin's use cases. Free of req/res; collaborators come in through the constructor.
 */
import type { Clock } from '../clock';
import { translateDbError } from '../db/errors';
import { type Plan, type PlanInput, planProblems, planTemplates, sortCreditTiers } from '../domain/plan';
import { ConflictError, NotFoundError, ServiceUnavailableError, UnprocessableError, ValidationError } from '../errors';
import type { PlansRepository } from '../repositories/plans';
import type { ServicesRepository } from '../repositories/services';
import type { TemplateDiskSizes } from './template-disks';

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
  private readonly templateDisks: TemplateDiskSizes | undefined;

  /** `templateDisks` checks a plan's disk size against its templates; without an engine there is nothing to check. */
  constructor(deps: { plans: PlansRepository; services: ServicesRepository; clock: Clock; templateDisks?: TemplateDiskSizes }) {
    this.plans = deps.plans;
    this.services = deps.services;
    this.clock = deps.clock;
    this.templateDisks = deps.templateDisks;
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
    await this.checkDiskSize(plan);
    try {
      return await this.plans.insert(plan, this.clock.now());
    } catch (err) {
      translateDbError(err, { unique: this.duplicate(plan.productId) });
    }
  }

  async replace(id: number, input: PlanInput): Promise<Plan> {
    const plan = this.checked(input);
    await this.checkDiskSize(plan);
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
      // null is a value here (back to the template's size), so only undefined keeps the stored one.
      diskGib: patch.diskGib === undefined ? current.diskGib : patch.diskGib,
      osOptions: patch.osOptions ?? current.osOptions,
      ipPools: patch.ipPools ?? current.ipPools,
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

  /**
   * A plan's disk may not be smaller than any of its templates' boot disks: the engine grows disks but never shrinks
   * them, so such a plan would sell a size nobody gets. Checked when a size is set; an engine that cannot be read
   * leaves the plan unsaved rather than unchecked.
   */
  private async checkDiskSize(plan: PlanInput): Promise<void> {
    if (plan.diskGib === null || !this.templateDisks) return;
    const tooSmall: Array<{ template: string; disk_gib: number }> = [];
    for (const template of planTemplates(plan)) {
      let gib: number | null | undefined;
      try {
        gib = await this.templateDisks.bootDiskGib(template);
      } catch {
        throw new ServiceUnavailableError(
          "The engine could not be asked for the templates' disk sizes; try again shortly.",
          { field: 'disk_gib' },
          10,
        );
      }
      if (gib === undefined) {
        throw new UnprocessableError('unknown_template', `The engine has no template named ${template}.`, { template });
      }
      if (gib !== null && gib > plan.diskGib) tooSmall.push({ template, disk_gib: gib });
    }
    if (tooSmall.length > 0) {
      const names = tooSmall.map((t) => `${t.template} (${t.disk_gib} GiB)`).join(', ');
      throw new UnprocessableError(
        'disk_smaller_than_template',
        `disk_gib ${plan.diskGib} is smaller than the boot disk of ${names}; disks are grown, never shrunk.`,
        { templates: tooSmall },
      );
    }
  }

  private duplicate(productId: string): ConflictError {
    return new ConflictError(messages.duplicateProduct(productId), { product_id: productId }, 'duplicate_product_id');
  }
}
