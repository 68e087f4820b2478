/** Billing services (customers' VPS) in the database; plain domain objects out. */
import type { Knex } from 'knex';
import { readDate, readNullableDate, readNumber } from '../db/columns';
import { isMysql } from '../db/knex';
import type { ActualState, CancellationType, DesiredState, Service } from '../domain/service';

interface ServiceRow {
  id: number;
  service_id: string;
  client_id: string;
  plan_id: number;
  applied_plan_id: number | null;
  hostname: string | null;
  desired_state: DesiredState;
  actual_state: ActualState;
  vm_id: string | null;
  vm_name: string | null;
  vm_host: string | null;
  last_error: string | null;
  last_event_at: unknown;
  cancellation_type: CancellationType | null;
  cancellation_requested_at: unknown;
  created_at: unknown;
  updated_at: unknown;
}

/** Every column a use case may change; identity and timestamps are the repository's. */
export type ServiceChanges = Partial<Omit<Service, 'id' | 'serviceId' | 'clientId' | 'createdAt' | 'updatedAt'>>;

const TABLE = 'services';

function toService(r: ServiceRow): Service {
  return {
    id: readNumber(r.id),
    serviceId: String(r.service_id),
    clientId: String(r.client_id),
    planId: readNumber(r.plan_id),
    appliedPlanId: r.applied_plan_id === null ? null : readNumber(r.applied_plan_id),
    hostname: r.hostname,
    desiredState: r.desired_state,
    actualState: r.actual_state,
    vmId: r.vm_id,
    vmName: r.vm_name,
    vmHost: r.vm_host,
    lastError: r.last_error,
    lastEventAt: readNullableDate(r.last_event_at),
    cancellationType: r.cancellation_type,
    cancellationRequestedAt: readNullableDate(r.cancellation_requested_at),
    createdAt: readDate(r.created_at),
    updatedAt: readDate(r.updated_at),
  };
}

const COLUMNS: Record<keyof ServiceChanges, string> = {
  planId: 'plan_id',
  appliedPlanId: 'applied_plan_id',
  hostname: 'hostname',
  desiredState: 'desired_state',
  actualState: 'actual_state',
  vmId: 'vm_id',
  vmName: 'vm_name',
  vmHost: 'vm_host',
  lastError: 'last_error',
  lastEventAt: 'last_event_at',
  cancellationType: 'cancellation_type',
  cancellationRequestedAt: 'cancellation_requested_at',
};

export class ServicesRepository {
  constructor(private readonly knex: Knex) {}

  /** Services that still reference a plan, whatever their state (terminated rows keep their history). */
  async countByPlan(planId: number): Promise<number> {
    const row = await this.knex(TABLE).where({ plan_id: planId }).count({ n: '*' }).first();
    return row ? readNumber(row.n) : 0;
  }

  /** By billing service id; with `lock` the row stays locked (MySQL) until the transaction ends. */
  async findByServiceId(serviceId: string, trx: Knex | Knex.Transaction = this.knex, lock = false): Promise<Service | undefined> {
    const q = trx<ServiceRow>(TABLE).where({ service_id: serviceId }).first();
    if (lock && isMysql(this.knex)) q.forUpdate();
    const row = await q;
    return row ? toService(row as ServiceRow) : undefined;
  }

  async findById(id: number, trx: Knex | Knex.Transaction = this.knex): Promise<Service | undefined> {
    const row = await trx<ServiceRow>(TABLE).where({ id }).first();
    return row ? toService(row as ServiceRow) : undefined;
  }

  async insert(
    s: { serviceId: string; clientId: string; planId: number; hostname: string | null; desiredState: DesiredState; lastEventAt: Date | null },
    now: Date,
    trx: Knex | Knex.Transaction = this.knex,
  ): Promise<Service> {
    const [id] = await trx(TABLE).insert({
      service_id: s.serviceId,
      client_id: s.clientId,
      plan_id: s.planId,
      hostname: s.hostname,
      desired_state: s.desiredState,
      actual_state: 'pending',
      last_event_at: s.lastEventAt,
      created_at: now,
      updated_at: now,
    });
    // Built from what was written rather than read back: one round trip less on the webhook path.
    return {
      id: Number(id),
      serviceId: s.serviceId,
      clientId: s.clientId,
      planId: s.planId,
      appliedPlanId: null,
      hostname: s.hostname,
      desiredState: s.desiredState,
      actualState: 'pending',
      vmId: null,
      vmName: null,
      vmHost: null,
      lastError: null,
      lastEventAt: s.lastEventAt,
      cancellationType: null,
      cancellationRequestedAt: null,
      createdAt: now,
      updatedAt: now,
    };
  }

  async update(id: number, changes: ServiceChanges, now: Date, trx: Knex | Knex.Transaction = this.knex): Promise<void> {
    const row: Record<string, unknown> = { updated_at: now };
    for (const [key, value] of Object.entries(changes)) {
      if (value !== undefined) row[COLUMNS[key as keyof ServiceChanges]] = value;
    }
    await trx(TABLE).where({ id }).update(row);
  }

  /** Live services that have a VM (not terminated): the VMs that are ours. */
  async listWithVm(): Promise<Service[]> {
    const rows = (await this.knex<ServiceRow>(TABLE).whereNotNull('vm_id').whereNot('actual_state', 'terminated')) as ServiceRow[];
    return rows.map(toService);
  }

  /** Orders accepted but whose VM is not running yet, for plans among `planIds` (capacity they will take). */
  async listPendingForPlans(planIds: number[], afterRowId = 0): Promise<Service[]> {
    if (planIds.length === 0) return [];
    const rows = (await this.knex<ServiceRow>(TABLE)
      .where('id', '>', afterRowId)
      .whereIn('plan_id', planIds)
      .andWhere('desired_state', 'active')
      .whereIn('actual_state', ['pending', 'provisioning'])
      .orderBy('id')) as ServiceRow[];
    return rows.map(toService);
  }

  async list(filter: { actualState?: ActualState; limit?: number } = {}): Promise<Service[]> {
    const q = this.knex<ServiceRow>(TABLE).orderBy('id').limit(filter.limit ?? 500);
    if (filter.actualState) q.where('actual_state', filter.actualState);
    return ((await q) as ServiceRow[]).map(toService);
  }
}
