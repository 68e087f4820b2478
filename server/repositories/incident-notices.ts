/**
 * What the incident notices need from the incidents table (migrations/20261206009200_add_incidents_notice_columns.ts)
 * and the host failures told (…009300_create_host_failure_notices.ts). Every "mark" is a compare-and-set meant to run
 * in the transaction that queues the callback: the instance whose UPDATE changed the row sends the notice, any other
 * sees 0 rows and sends nothing.
 */
import type { Knex } from 'knex';
import { readDate, readNullableDate, readNumber } from '../db/columns';
import type { AvailabilityCause } from '../domain/uptime-report';

type Db = Knex | Knex.Transaction;

/** An incident waiting for a notice decision. */
export interface PendingNotice {
  id: number;
  serviceRowId: number;
  cause: AvailabilityCause;
  startedAt: Date;
  endedAt: Date | null;
  /** Whether the panel was told it opened (or that was passed over). */
  openedNoticed: boolean;
}

/** The incidents of one host failure: every VPS that went down with the host from the same first sign of trouble. */
export interface HostFailure {
  host: string;
  startedAt: Date;
  affected: number;
  /** Of those, the ones running again. */
  restarted: number;
  /** The clusters of the affected services' plans. */
  clusters: string[];
}

interface PendingRow {
  id: unknown;
  service_row_id: unknown;
  cause: string;
  started_at: unknown;
  ended_at: unknown;
  opened_notice_at: unknown;
}

const TABLE = 'incidents';

function toPending(r: PendingRow): PendingNotice {
  return {
    id: readNumber(r.id),
    serviceRowId: readNumber(r.service_row_id),
    cause: r.cause as AvailabilityCause,
    startedAt: readDate(r.started_at),
    endedAt: readNullableDate(r.ended_at),
    openedNoticed: r.opened_notice_at !== null && r.opened_notice_at !== undefined,
  };
}

export class IncidentNoticesRepository {
  constructor(private readonly knex: Knex) {}

  /** Open incidents of `causes` started since `since` whose opening the panel has not heard of, oldest first. */
  async listOpenUntold(causes: readonly string[], since: Date, limit: number, db: Db = this.knex): Promise<PendingNotice[]> {
    const rows = (await db(TABLE)
      .select('id', 'service_row_id', 'cause', 'started_at', 'ended_at', 'opened_notice_at')
      .whereNull('opened_notice_at')
      .whereNull('ended_at')
      .whereIn('cause', causes)
      .andWhere('started_at', '>=', since)
      .orderBy('started_at')
      .limit(limit)) as PendingRow[];
    return rows.map(toPending);
  }

  /** Ended incidents started since `since` whose end the panel has not heard of (nor was it passed over), oldest first. */
  async listEndedUntold(since: Date, limit: number, db: Db = this.knex): Promise<PendingNotice[]> {
    const rows = (await db(TABLE)
      .select('id', 'service_row_id', 'cause', 'started_at', 'ended_at', 'opened_notice_at')
      .whereNull('resolved_notice_at')
      .whereNotNull('ended_at')
      .andWhere('started_at', '>=', since)
      .orderBy('started_at')
      .limit(limit)) as PendingRow[];
    return rows.map(toPending);
  }

  /** The compare-and-set of the opened notice; true for the one caller that set it. */
  async markOpened(id: number, now: Date, trx: Knex.Transaction): Promise<boolean> {
    const n = await trx(TABLE).where({ id }).whereNull('opened_notice_at').whereNull('ended_at').update({ opened_notice_at: now });
    return n === 1;
  }

  /**
   * The compare-and-set of the resolved notice; true for the one caller that set it. It settles the opened notice too
   * (set if unset), so an incident told resolved is never told opened afterwards.
   */
  async markResolved(id: number, now: Date, trx: Knex.Transaction): Promise<boolean> {
    const n = await trx(TABLE)
      .where({ id })
      .whereNull('resolved_notice_at')
      .update({ resolved_notice_at: now, opened_notice_at: trx.raw('coalesce(opened_notice_at, ?)', [now]) });
    return n === 1;
  }

  /**
   * Host failures since `since` not yet told: incidents of a VPS that went down with its host, grouped by the host and
   * the start the incident builder gives every VPS on it (the host's first sign of trouble).
   */
  async listUntoldHostFailures(causes: readonly string[], since: Date, db: Db = this.knex): Promise<HostFailure[]> {
    const rows = (await db(`${TABLE} as i`)
      .join('services as s', 's.id', 'i.service_row_id')
      .join('plans as p', 'p.id', db.raw('coalesce(s.applied_plan_id, s.plan_id)'))
      .leftJoin('host_failure_notices as h', (j) => j.on('h.failed_host', 'i.failed_host').andOn('h.started_at', 'i.started_at'))
      .whereNull('h.id')
      .whereNotNull('i.failed_host')
      .whereIn('i.cause', causes)
      .andWhere('i.started_at', '>=', since)
      .select('i.failed_host', 'i.started_at', 'i.ended_at', 'p.cluster')) as Array<{
      failed_host: string;
      started_at: unknown;
      ended_at: unknown;
      cluster: string;
    }>;
    const byKey = new Map<string, HostFailure>();
    for (const r of rows) {
      const startedAt = readDate(r.started_at);
      const key = `${startedAt.getTime()}|${r.failed_host}`;
      const f = byKey.get(key) ?? { host: r.failed_host, startedAt, affected: 0, restarted: 0, clusters: [] };
      f.affected += 1;
      if (r.ended_at !== null && r.ended_at !== undefined) f.restarted += 1;
      if (!f.clusters.includes(r.cluster)) f.clusters.push(r.cluster);
      byKey.set(key, f);
    }
    return [...byKey.values()].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  }

  /**
   * Records that a host failure was told; the unique (host, start) makes a second record fail, so the caller's
   * transaction (with its callback) rolls back on any instance but the first.
   */
  async recordHostFailure(f: HostFailure, now: Date, trx: Knex.Transaction): Promise<void> {
    await trx('host_failure_notices').insert({
      failed_host: f.host,
      started_at: f.startedAt,
      services_affected: f.affected,
      services_restarted: f.restarted,
      created_at: now,
    });
  }
}
