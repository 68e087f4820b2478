/** Announced maintenance windows in the database (migrations/20261206009100_create_maintenance_windows.ts). */
import type { Knex } from 'knex';
import { readDate, readNullableDate, readNumber } from '../db/columns';
import {
  type MaintenanceScope,
  type MaintenanceWindowInput,
  type StoredMaintenanceWindow,
  scopeKind,
  scopeNames,
} from '../domain/maintenance-window';

interface MaintenanceWindowRow {
  id: number;
  title: string;
  starts_at: unknown;
  ends_at: unknown;
  scope_kind: string;
  scope_names: string;
  message: string;
  created_by: string;
  created_at: unknown;
  cancelled_at: unknown;
}

const TABLE = 'maintenance_windows';

type Db = Knex | Knex.Transaction;

function toScope(kind: string, names: string): MaintenanceScope {
  const list = JSON.parse(names) as string[];
  return kind === 'hosts' ? { hosts: list } : { clusters: list };
}

function toWindow(r: MaintenanceWindowRow): StoredMaintenanceWindow {
  return {
    id: readNumber(r.id),
    title: r.title,
    startsAt: readDate(r.starts_at),
    endsAt: readDate(r.ends_at),
    scope: toScope(r.scope_kind, r.scope_names),
    message: r.message,
    createdBy: r.created_by,
    createdAt: readDate(r.created_at),
    cancelledAt: readNullableDate(r.cancelled_at),
  };
}

/** A service a window concerns, with what its notice needs. */
export interface WindowAudienceMember {
  id: number;
  billingServiceId: string;
  clientId: string;
  hostname: string | null;
}

export class MaintenanceWindowsRepository {
  constructor(private readonly knex: Knex) {}

  /** Stores a new window; returns it as stored. */
  async insert(input: MaintenanceWindowInput, createdBy: string, now: Date, db: Db = this.knex): Promise<StoredMaintenanceWindow> {
    const [id] = await db(TABLE).insert({
      title: input.title,
      starts_at: input.startsAt,
      ends_at: input.endsAt,
      scope_kind: scopeKind(input.scope),
      scope_names: JSON.stringify(scopeNames(input.scope)),
      message: input.message,
      created_by: createdBy,
      created_at: now,
      cancelled_at: null,
    });
    const stored = await this.findById(Number(id), db);
    if (!stored) throw new Error(`maintenance window ${String(id)} vanished after insert`);
    return stored;
  }

  async findById(id: number, db: Db = this.knex): Promise<StoredMaintenanceWindow | undefined> {
    const row = await db<MaintenanceWindowRow>(TABLE).where({ id }).first();
    return row ? toWindow(row as MaintenanceWindowRow) : undefined;
  }

  /**
   * Cancels a window, keeping the row for history. Returns the window (cancelled, or as it was if it already was),
   * undefined when there is none with that id. A second cancel keeps the first cancellation time.
   */
  async cancel(id: number, now: Date, db: Db = this.knex): Promise<StoredMaintenanceWindow | undefined> {
    await db(TABLE).where({ id }).whereNull('cancelled_at').update({ cancelled_at: now });
    return this.findById(id, db);
  }

  /**
   * Windows, cancelled ones included, whose range [starts_at, ends_at) meets [from, to): the classification of
   * stops reads these once per span of time and tests each stop with windowCovers (which skips cancelled ones).
   */
  async listOverlapping(from: Date, to: Date, db: Db = this.knex): Promise<StoredMaintenanceWindow[]> {
    const rows = (await db<MaintenanceWindowRow>(TABLE)
      .where('starts_at', '<', to)
      .andWhere('ends_at', '>', from)
      .orderBy('starts_at')
      .orderBy('id')) as MaintenanceWindowRow[];
    return rows.map(toWindow);
  }

  /** Windows not cancelled that have not ended by `now` (running or to come), soonest first. */
  async listUpcoming(now: Date, db: Db = this.knex): Promise<StoredMaintenanceWindow[]> {
    const rows = (await db<MaintenanceWindowRow>(TABLE)
      .whereNull('cancelled_at')
      .andWhere('ends_at', '>', now)
      .orderBy('starts_at')
      .orderBy('id')) as MaintenanceWindowRow[];
    return rows.map(toWindow);
  }

  /** All windows, newest start first (the console's list, cancelled ones included). */
  async list(limit = 200, db: Db = this.knex): Promise<StoredMaintenanceWindow[]> {
    const rows = (await db<MaintenanceWindowRow>(TABLE)
      .orderBy('starts_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)) as MaintenanceWindowRow[];
    return rows.map(toWindow);
  }

  /**
   * The live services (not terminated) a scope concerns: for clusters, those whose plan is in one of them (the plan
   * the VM was built from when it has one, else the ordered one); for hosts, those whose VM was last seen on one.
   */
  async listAudience(scope: MaintenanceScope, db: Db = this.knex): Promise<WindowAudienceMember[]> {
    const q = db('services as s')
      .select('s.id', 's.billing_service_id', 's.client_id', 's.hostname')
      .whereNot('s.desired_state', 'terminated')
      .whereNot('s.actual_state', 'terminated')
      .orderBy('s.id');
    if ('clusters' in scope) {
      q.join('plans as p', 'p.id', db.raw('coalesce(s.applied_plan_id, s.plan_id)')).whereIn('p.cluster', scope.clusters);
    } else {
      q.whereIn('s.vm_host', scope.hosts);
    }
    const rows = (await q) as Array<{ id: unknown; billing_service_id: string; client_id: string; hostname: string | null }>;
    return rows.map((r) => ({ id: readNumber(r.id), billingServiceId: r.billing_service_id, clientId: r.client_id, hostname: r.hostname }));
  }

  /**
   * Where a billing service's VPS runs, as a window's scope names it: its plan's cluster (the plan the VM was built
   * from when it has one) and the host it was last seen on; undefined for an unknown service.
   */
  async placeOfService(billingServiceId: string, db: Db = this.knex): Promise<{ cluster: string | null; host: string | null } | undefined> {
    const row = (await db('services as s')
      .leftJoin('plans as p', 'p.id', db.raw('coalesce(s.applied_plan_id, s.plan_id)'))
      .where('s.billing_service_id', billingServiceId)
      .first('p.cluster', 's.vm_host')) as { cluster: string | null; vm_host: string | null } | undefined;
    return row ? { cluster: row.cluster ?? null, host: row.vm_host ?? null } : undefined;
  }
}
