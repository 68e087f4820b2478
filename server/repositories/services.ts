/** Billing services (customers' VPS). Only what the plan rules need so far; provisioning extends it. */
import type { Knex } from 'knex';
import { readNumber } from '../db/columns';

export class ServicesRepository {
  constructor(private readonly knex: Knex) {}

  /** Services that still reference a plan, whatever their state (terminated rows keep their history). */
  async countByPlan(planId: number): Promise<number> {
    const row = await this.knex('services').where({ plan_id: planId }).count({ n: '*' }).first();
    return row ? readNumber(row.n) : 0;
  }
}
