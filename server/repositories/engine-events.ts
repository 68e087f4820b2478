/** Engine audit-log events we keep (see migrations/…_create_engine_events.ts). */
import type { Knex } from 'knex';
import { readDate, readNumber } from '../db/columns';

export interface StoredEvent {
  generation: number;
  index: number;
  code: number;
  severity: string;
  occurredAt: Date;
  serviceRowId: number | null;
  vmId: string | null;
  vmName: string | null;
  hostId: string | null;
  hostName: string | null;
  clusterName: string | null;
  correlationId: string | null;
  description: string;
}

const TABLE = 'engine_events';
/** Rows per INSERT: well under MySQL's placeholder limit, large enough to amortise the round trip. */
const CHUNK = 500;

export class EngineEventsRepository {
  constructor(private readonly knex: Knex) {}

  /**
   * Stores events, skipping any already stored (same generation and index): two pollers reading the same page
   * store it once.
   */
  async insertMany(events: readonly StoredEvent[], now: Date, trx: Knex | Knex.Transaction = this.knex): Promise<void> {
    for (let i = 0; i < events.length; i += CHUNK) {
      const rows = events.slice(i, i + CHUNK).map((e) => ({
        generation: e.generation,
        event_index: e.index,
        code: e.code,
        severity: e.severity.slice(0, 10),
        occurred_at: e.occurredAt,
        service_row_id: e.serviceRowId,
        vm_id: e.vmId,
        vm_name: e.vmName,
        host_id: e.hostId,
        host_name: e.hostName,
        cluster_name: e.clusterName,
        correlation_id: e.correlationId?.slice(0, 100) ?? null,
        description: e.description.slice(0, 2000),
        created_at: now,
      }));
      await trx(TABLE).insert(rows).onConflict(['generation', 'event_index']).ignore();
    }
  }

  /** A service's events, oldest first, or with `newestFirst` the latest `limit` of them (admins' view of what the engine said). */
  async listForService(serviceRowId: number, limit = 500, order: { newestFirst?: boolean } = {}): Promise<StoredEvent[]> {
    const direction = order.newestFirst ? 'desc' : 'asc';
    const rows = (await this.knex(TABLE)
      .where({ service_row_id: serviceRowId })
      .orderBy([
        { column: 'generation', order: direction },
        { column: 'event_index', order: direction },
      ])
      .limit(limit)) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      generation: readNumber(r.generation),
      index: readNumber(r.event_index),
      code: readNumber(r.code),
      severity: String(r.severity),
      occurredAt: readDate(r.occurred_at),
      serviceRowId: r.service_row_id === null ? null : readNumber(r.service_row_id),
      vmId: (r.vm_id as string | null) ?? null,
      vmName: (r.vm_name as string | null) ?? null,
      hostId: (r.host_id as string | null) ?? null,
      hostName: (r.host_name as string | null) ?? null,
      clusterName: (r.cluster_name as string | null) ?? null,
      correlationId: (r.correlation_id as string | null) ?? null,
      description: String(r.description),
    }));
  }

  /**
   * When each of these VMs was removed, by the engine's own record (code 113, USER_REMOVE_VM_FINISHED): where the VM
   * reconcile starts a `vm_missing` incident. Keyed by VM id; VMs with no such event are absent.
   */
  async removalTimes(serviceRowIds: readonly number[], trx: Knex | Knex.Transaction = this.knex): Promise<Map<string, Date>> {
    const out = new Map<string, Date>();
    for (let i = 0; i < serviceRowIds.length; i += CHUNK) {
      const rows = (await trx(TABLE)
        .select('vm_id')
        .max({ at: 'occurred_at' })
        .where({ code: 113 })
        .whereIn('service_row_id', serviceRowIds.slice(i, i + CHUNK))
        .whereNotNull('vm_id')
        .groupBy('vm_id')) as Array<{ vm_id: string; at: unknown }>;
      for (const r of rows) out.set(String(r.vm_id), readDate(r.at));
    }
    return out;
  }

  async count(trx: Knex | Knex.Transaction = this.knex): Promise<number> {
    const row = await trx(TABLE).count({ n: '*' }).first();
    return row ? readNumber(row.n) : 0;
  }
}
