/** Billing services (customers' VPS) in the database; plain domain objects out. Rows and columns: service-rows.ts. */
import type { Knex } from 'knex';
import { readNullableDate, readNumber } from '../db/columns';
import { isMysql } from '../db/knex';
import type { ActualState, Service } from '../domain/service';
import { COLUMNS, inserted, type NewService, type ServiceChanges, type ServiceRow, toInsertRow, toService } from './service-rows';

export type { NewService, ServiceChanges } from './service-rows';

const TABLE = 'services';

/** A service as the VM reconcile reads it (events/vm-reconcile.ts). */
export type VmReconcileTarget = Pick<
  Service,
  'id' | 'billingServiceId' | 'planId' | 'desiredState' | 'actualState' | 'vmName' | 'vmHost'
> & {
  vmId: string;
};

export interface ServiceSearch {
  q?: string;
  state?: ActualState;
  limit: number;
  offset: number;
}

export class ServicesRepository {
  constructor(private readonly knex: Knex) {}

  /** Services that still reference a plan, whatever their state (terminated rows keep their history). */
  async countByPlan(planId: number): Promise<number> {
    const row = await this.knex(TABLE).where({ plan_id: planId }).count({ n: '*' }).first();
    return row ? readNumber(row.n) : 0;
  }

  /** By billing service id. */
  async findByBillingServiceId(billingServiceId: string): Promise<Service | undefined> {
    const row = await this.knex<ServiceRow>(TABLE).where({ billing_service_id: billingServiceId }).first();
    return row ? toService(row as ServiceRow) : undefined;
  }

  /** By billing service ids, in one query; with `lock` the rows stay locked (MySQL) until the transaction ends. */
  async findManyByBillingServiceId(
    billingServiceIds: string[],
    trx: Knex | Knex.Transaction = this.knex,
    lock = false,
  ): Promise<Map<string, Service>> {
    const found = new Map<string, Service>();
    if (billingServiceIds.length === 0) return found;
    const q = trx<ServiceRow>(TABLE).whereIn('billing_service_id', billingServiceIds);
    if (lock && isMysql(this.knex)) q.forUpdate();
    for (const row of (await q) as ServiceRow[]) found.set(String(row.billing_service_id), toService(row));
    return found;
  }

  /** By row ids, in one query. */
  async findManyByIds(ids: readonly number[]): Promise<Map<number, Service>> {
    const found = new Map<number, Service>();
    if (ids.length === 0) return found;
    for (const row of (await this.knex<ServiceRow>(TABLE).whereIn('id', [...ids])) as ServiceRow[])
      found.set(readNumber(row.id), toService(row));
    return found;
  }

  async findById(id: number, trx: Knex | Knex.Transaction = this.knex): Promise<Service | undefined> {
    const row = await trx<ServiceRow>(TABLE).where({ id }).first();
    return row ? toService(row as ServiceRow) : undefined;
  }

  async insert(s: NewService, now: Date, trx: Knex | Knex.Transaction = this.knex): Promise<Service> {
    const [id] = await trx(TABLE).insert(toInsertRow(s, now));
    // Built from what was written rather than read back: one round trip less.
    return inserted(Number(id), s, now);
  }

  /**
   * Inserts several services in one statement and returns them with their ids. The ids are read back by service id:
   * a multi-row insert reports only its first id, and MySQL's interleaved auto-increment need not number the rest
   * consecutively.
   */
  async insertMany(services: NewService[], now: Date, trx: Knex | Knex.Transaction = this.knex): Promise<Service[]> {
    if (services.length === 0) return [];
    if (services.length === 1) return [await this.insert(services[0]!, now, trx)];
    await trx(TABLE).insert(services.map((s) => toInsertRow(s, now)));
    const rows = (await trx(TABLE)
      .whereIn(
        'billing_service_id',
        services.map((s) => s.billingServiceId),
      )
      .select('id', 'billing_service_id')) as { id: number; billing_service_id: string }[];
    const ids = new Map(rows.map((r) => [String(r.billing_service_id), readNumber(r.id)]));
    return services.map((s) => {
      const id = ids.get(s.billingServiceId);
      if (id === undefined) throw new Error(`service ${s.billingServiceId} vanished after insert`);
      return inserted(id, s, now);
    });
  }

  async update(id: number, changes: ServiceChanges, now: Date, trx: Knex | Knex.Transaction = this.knex): Promise<void> {
    const row: Record<string, unknown> = { updated_at: now };
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      // Keys are a list, stored as JSON text like plans' lists.
      row[COLUMNS[key as keyof ServiceChanges]] =
        key === 'sshKeys' ? (Array.isArray(value) && value.length > 0 ? JSON.stringify(value) : null) : value;
    }
    await trx(TABLE).where({ id }).update(row);
  }

  /**
   * Writes `changes` only if the service is still in `expect` (its actual state and VM id as read before): the VM
   * reconcile read both before it listed the engine's VMs, and a job that moved the service on meanwhile (a terminate
   * that removed the VM, a re-provision) knows better. True when the row was written.
   */
  async updateIf(
    id: number,
    expect: { actualState: ActualState; vmId: string | null },
    changes: ServiceChanges,
    now: Date,
    trx: Knex | Knex.Transaction = this.knex,
  ): Promise<boolean> {
    const row: Record<string, unknown> = { updated_at: now };
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || key === 'sshKeys') continue;
      row[COLUMNS[key as keyof ServiceChanges]] = value;
    }
    const q = trx(TABLE).where({ id, actual_state: expect.actualState });
    if (expect.vmId === null) q.whereNull('vm_id');
    else q.andWhere('vm_id', expect.vmId);
    return (await q.update(row)) === 1;
  }

  /**
   * What the VM reconcile compares with the engine's list: services that should have a VM and no job is changing
   * (active, suspended), and those already found without one (vm_missing). Only the columns it reads.
   */
  async listForVmReconcile(): Promise<VmReconcileTarget[]> {
    const rows = (await this.knex(TABLE)
      .select('id', 'billing_service_id', 'desired_state', 'actual_state', 'vm_id', 'vm_name', 'vm_host', 'plan_id')
      .whereNotNull('vm_id')
      .whereIn('actual_state', ['active', 'suspended', 'vm_missing'])) as Array<
      Pick<ServiceRow, 'id' | 'billing_service_id' | 'desired_state' | 'actual_state' | 'vm_id' | 'vm_name' | 'vm_host' | 'plan_id'>
    >;
    return rows.map((r) => ({
      id: readNumber(r.id),
      billingServiceId: String(r.billing_service_id),
      planId: readNumber(r.plan_id),
      desiredState: r.desired_state,
      actualState: r.actual_state,
      vmId: r.vm_id as string,
      vmName: r.vm_name,
      vmHost: r.vm_host,
    }));
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

  /** How many services are in each actual state (the console's overview). */
  async countByState(): Promise<Partial<Record<ActualState, number>>> {
    const rows = (await this.knex(TABLE).select('actual_state').count({ n: '*' }).groupBy('actual_state')) as Array<{
      actual_state: ActualState;
      n: unknown;
    }>;
    return Object.fromEntries(rows.map((r) => [r.actual_state, readNumber(r.n)]));
  }

  /** A client's services, newest first (the client area's list). */
  async listByClient(clientId: string, limit = 200): Promise<Service[]> {
    const rows = (await this.knex<ServiceRow>(TABLE).where({ client_id: clientId }).orderBy('id', 'desc').limit(limit)) as ServiceRow[];
    return rows.map(toService);
  }

  /** Services that ever ran, in id order after `afterId`: the monthly uptime run pages through these. */
  async listActivated(afterId: number, limit: number): Promise<Service[]> {
    const rows = (await this.knex<ServiceRow>(TABLE)
      .whereNotNull('activated_at')
      .andWhere('id', '>', afterId)
      .orderBy('id')
      .limit(limit)) as ServiceRow[];
    return rows.map(toService);
  }

  /**
   * The console's search, newest first: `q` is a billing service id or client id (exact) or part of a hostname;
   * `state` an actual state. Returns one page and how many match in all.
   */
  async search(filter: ServiceSearch): Promise<{ items: Service[]; total: number }> {
    const where = (q: Knex.QueryBuilder) => {
      const text = filter.q?.trim();
      if (text) {
        // `!` escapes LIKE's wildcards, so "a_b" finds "a_b" only; no backslash, whose meaning differs by database.
        const pattern = `%${text.replace(/[!%_]/g, (ch) => `!${ch}`)}%`;
        q.where((w) => w.where('billing_service_id', text).orWhere('client_id', text).orWhereRaw("hostname like ? escape '!'", [pattern]));
      }
      if (filter.state) q.where('actual_state', filter.state);
      return q;
    };
    const [rows, count] = await Promise.all([
      where(this.knex(TABLE)).orderBy('id', 'desc').limit(filter.limit).offset(filter.offset) as Promise<ServiceRow[]>,
      where(this.knex(TABLE)).count({ n: '*' }).first() as Promise<{ n: unknown } | undefined>,
    ]);
    return { items: rows.map(toService), total: count ? readNumber(count.n) : 0 };
  }

  /**
   * Services in any of `states`, in id order after `afterId` (the panel's paged list). Each comes with when its
   * waiting work was asked for: the oldest queued or running job of the service (one reconcile job waits per service,
   * and a retry keeps it), or null when none waits. One query on both databases.
   */
  async listInStates(
    states: readonly ActualState[],
    afterId: number,
    limit: number,
  ): Promise<Array<{ service: Service; waitingSince: Date | null }>> {
    const waiting = this.knex('jobs')
      .min('jobs.created_at')
      .where('jobs.service_row_id', this.knex.ref(`${TABLE}.id`))
      .whereIn('jobs.state', ['queued', 'running'])
      .as('waiting_since');
    const rows = (await this.knex(TABLE)
      .select(`${TABLE}.*`, waiting)
      .whereIn(`${TABLE}.actual_state`, [...states])
      .andWhere(`${TABLE}.id`, '>', afterId)
      .orderBy(`${TABLE}.id`)
      .limit(limit)) as Array<ServiceRow & { waiting_since: unknown }>;
    return rows.map((r) => ({ service: toService(r), waitingSince: readNullableDate(r.waiting_since) }));
  }

  async list(filter: { actualState?: ActualState; limit?: number } = {}): Promise<Service[]> {
    const q = this.knex<ServiceRow>(TABLE)
      .orderBy('id')
      .limit(filter.limit ?? 500);
    if (filter.actualState) q.where('actual_state', filter.actualState);
    return ((await q) as ServiceRow[]).map(toService);
  }
}
