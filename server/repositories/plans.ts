/** Plans in the database; returns plain domain objects, never rows. */
import type { Knex } from 'knex';
import { readBoolean, readDate, readNumber } from '../db/columns';
import type { CreditTier, OsOption, Plan, PlanInput } from '../domain/plan';

interface PlanRow {
  id: number;
  product_id: string;
  name: string;
  template: string;
  cluster: string;
  vcpus: number;
  memory_mib: number;
  ha_enabled: unknown;
  ha_priority: number;
  sla_target_percent: unknown;
  sla_credit_tiers: string;
  sla_unknown_counts_as_down: unknown;
  sla_contact_loss_counts_as_down: unknown;
  sla_unannounced_admin_stops_excluded: unknown;
  sla_time_zone: string;
  failover_gate: string;
  disk_gib: unknown;
  os_options: string | null;
  ip_pools: string | null;
  created_at: unknown;
  updated_at: unknown;
}

const TABLE = 'plans';

function toPlan(row: PlanRow): Plan {
  return {
    id: readNumber(row.id),
    productId: String(row.product_id),
    name: row.name,
    template: row.template,
    cluster: row.cluster,
    vcpus: readNumber(row.vcpus),
    memoryMib: readNumber(row.memory_mib),
    ha: { enabled: readBoolean(row.ha_enabled), priority: readNumber(row.ha_priority) },
    sla: {
      targetPercent: readNumber(row.sla_target_percent),
      creditTiers: JSON.parse(row.sla_credit_tiers) as CreditTier[],
      unknownCountsAsDown: readBoolean(row.sla_unknown_counts_as_down),
      contactLossCountsAsDown: readBoolean(row.sla_contact_loss_counts_as_down),
      unannouncedAdminStopsExcluded: readBoolean(row.sla_unannounced_admin_stops_excluded),
      timeZone: row.sla_time_zone,
    },
    failoverGate: row.failover_gate === 'warn' ? 'warn' : 'enforce',
    diskGib: row.disk_gib === null || row.disk_gib === undefined ? null : readNumber(row.disk_gib),
    osOptions: row.os_options ? (JSON.parse(row.os_options) as OsOption[]) : [],
    ipPools: row.ip_pools ? (JSON.parse(row.ip_pools) as string[]) : [],
    createdAt: readDate(row.created_at),
    updatedAt: readDate(row.updated_at),
  };
}

function toRow(input: PlanInput): Omit<PlanRow, 'id' | 'created_at' | 'updated_at'> {
  return {
    product_id: input.productId,
    name: input.name,
    template: input.template,
    cluster: input.cluster,
    vcpus: input.vcpus,
    memory_mib: input.memoryMib,
    ha_enabled: input.ha.enabled,
    ha_priority: input.ha.priority,
    sla_target_percent: input.sla.targetPercent,
    sla_credit_tiers: JSON.stringify(input.sla.creditTiers),
    sla_unknown_counts_as_down: input.sla.unknownCountsAsDown,
    sla_contact_loss_counts_as_down: input.sla.contactLossCountsAsDown,
    sla_unannounced_admin_stops_excluded: input.sla.unannouncedAdminStopsExcluded,
    sla_time_zone: input.sla.timeZone,
    failover_gate: input.failoverGate,
    disk_gib: input.diskGib,
    os_options: JSON.stringify(input.osOptions),
    ip_pools: JSON.stringify(input.ipPools),
  };
}

export class PlansRepository {
  constructor(private readonly knex: Knex) {}

  async list(filter: { productId?: string } = {}): Promise<Plan[]> {
    const q = this.knex<PlanRow>(TABLE).select('*').orderBy('id');
    if (filter.productId !== undefined) q.where('product_id', filter.productId);
    return (await q).map(toPlan);
  }

  async findById(id: number, trx: Knex | Knex.Transaction = this.knex): Promise<Plan | undefined> {
    const row = await trx<PlanRow>(TABLE).where({ id }).first();
    return row ? toPlan(row) : undefined;
  }

  async findByProductId(productId: string, trx: Knex | Knex.Transaction = this.knex): Promise<Plan | undefined> {
    const row = await trx<PlanRow>(TABLE).where({ product_id: productId }).first();
    return row ? toPlan(row) : undefined;
  }

  /** The plans mapped to any of `productIds` or with any of `ids`, in one query (a batch of webhooks). */
  async findMany(productIds: string[], ids: number[], trx: Knex | Knex.Transaction = this.knex): Promise<Plan[]> {
    if (productIds.length === 0 && ids.length === 0) return [];
    const rows = await trx<PlanRow>(TABLE)
      .select('*')
      .where((q) => {
        if (productIds.length > 0) q.orWhereIn('product_id', productIds);
        if (ids.length > 0) q.orWhereIn('id', ids);
      });
    return (rows as PlanRow[]).map(toPlan);
  }

  /** Inserts and returns the stored plan. A duplicate product id surfaces as the driver's unique violation. */
  async insert(input: PlanInput, now: Date): Promise<Plan> {
    const [id] = await this.knex(TABLE).insert({ ...toRow(input), created_at: now, updated_at: now });
    const plan = await this.findById(Number(id));
    if (!plan) throw new Error(`plan ${String(id)} vanished after insert`);
    return plan;
  }

  /** Replaces every mapped field; returns undefined when the plan does not exist. */
  async update(id: number, input: PlanInput, now: Date): Promise<Plan | undefined> {
    const changed = await this.knex(TABLE)
      .where({ id })
      .update({ ...toRow(input), updated_at: now });
    return changed === 0 ? undefined : this.findById(id);
  }

  async delete(id: number): Promise<boolean> {
    return (await this.knex(TABLE).where({ id }).delete()) > 0;
  }
}
