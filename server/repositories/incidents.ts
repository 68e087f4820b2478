/** Incidents per service (see migrations/…_create_incidents.ts); the incident builder writes, reports read. */
import type { Knex } from 'knex';
import { readDate, readNullableDate, readNumber } from '../db/columns';
import type { StoredStep } from '../domain/incident-steps';
import type { IncidentDraft } from '../domain/timeline';
import type { AvailabilityCause } from '../domain/uptime-report';

export interface StoredIncident extends IncidentDraft {
  id: number;
  serviceRowId: number;
}

export interface IncidentSpan {
  serviceRowId: number;
  cause: AvailabilityCause;
  startedAt: number;
  endedAt: number | null;
  /** Where the VPS was when it stopped: an admin's stop is judged against the windows announced for that host. */
  failedHost: string | null;
}

interface IncidentRow {
  id: number;
  service_row_id: number;
  opened_by: string;
  cause: string;
  started_at: unknown;
  ended_at: unknown;
  failed_host: string | null;
  restart_host: string | null;
  steps: string;
}

const TABLE = 'incidents';
const CHUNK = 300;

function toIncident(r: IncidentRow): StoredIncident {
  // Facts since migration 20261206120000 turned stored sentences into them, a few sentences kept as written
  // (incident-steps.ts `LegacyStep`); both are shown.
  const steps = JSON.parse(r.steps) as StoredStep[];
  return {
    id: readNumber(r.id),
    serviceRowId: readNumber(r.service_row_id),
    openedBy: r.opened_by,
    cause: r.cause as AvailabilityCause,
    startedAt: readDate(r.started_at).getTime(),
    endedAt: readNullableDate(r.ended_at)?.getTime() ?? null,
    failedHost: r.failed_host,
    restartHost: r.restart_host,
    steps,
  };
}

export class IncidentsRepository {
  constructor(private readonly knex: Knex) {}

  /** Inserts new incidents and updates known ones (same service and `opened_by`), in a few statements. */
  async upsertMany(
    items: ReadonlyArray<{ serviceRowId: number; incident: IncidentDraft }>,
    now: Date,
    trx: Knex | Knex.Transaction = this.knex,
  ): Promise<void> {
    for (let i = 0; i < items.length; i += CHUNK) {
      const rows = items.slice(i, i + CHUNK).map(({ serviceRowId: serviceRowId, incident }) => ({
        service_row_id: serviceRowId,
        opened_by: incident.openedBy,
        cause: incident.cause,
        started_at: new Date(incident.startedAt),
        ended_at: incident.endedAt === null ? null : new Date(incident.endedAt),
        failed_host: incident.failedHost,
        restart_host: incident.restartHost,
        steps: JSON.stringify(incident.steps),
        created_at: now,
        updated_at: now,
      }));
      await trx(TABLE)
        .insert(rows)
        .onConflict(['service_row_id', 'opened_by'])
        .merge(['cause', 'started_at', 'ended_at', 'failed_host', 'restart_host', 'steps', 'updated_at']);
    }
  }

  /** A service's incidents that touch [from, ∞) (all when from is omitted), newest first. */
  async listForService(serviceRowId: number, from?: Date, limit = 1000): Promise<StoredIncident[]> {
    const q = this.knex<IncidentRow>(TABLE).where({ service_row_id: serviceRowId }).orderBy('started_at', 'desc').limit(limit);
    if (from) q.andWhere((w) => w.whereNull('ended_at').orWhere('ended_at', '>=', from));
    return ((await q) as IncidentRow[]).map(toIncident);
  }

  /** Incidents of any service that started since `since`, or are still open, newest first (the console's overview). */
  async listRecent(since: Date, limit = 20): Promise<StoredIncident[]> {
    const rows = (await this.knex<IncidentRow>(TABLE)
      .where('started_at', '>=', since)
      .orWhereNull('ended_at')
      .orderBy('started_at', 'desc')
      .limit(limit)) as IncidentRow[];
    return rows.map(toIncident);
  }

  /**
   * Incidents with one of `causes` and a failed host that started since `since`, or are still open: the raw material
   * of /admin/incidents (domain/host-failures.ts groups them). At most `limit`, newest first.
   */
  async listWithFailedHost(causes: readonly AvailabilityCause[], since: Date, limit = 5000): Promise<StoredIncident[]> {
    const rows = (await this.knex<IncidentRow>(TABLE)
      .whereIn('cause', [...causes])
      .whereNotNull('failed_host')
      .andWhere((w) => w.where('started_at', '>=', since).orWhereNull('ended_at'))
      .orderBy('started_at', 'desc')
      .limit(limit)) as IncidentRow[];
    return rows.map(toIncident);
  }

  /** Incidents of one cause still open, oldest first (the VM reconcile ends `vm_missing` ones of terminated services). */
  async listOpenByCause(cause: AvailabilityCause, limit = 1000, trx: Knex | Knex.Transaction = this.knex): Promise<StoredIncident[]> {
    const rows = (await trx<IncidentRow>(TABLE).where({ cause }).whereNull('ended_at').orderBy('started_at').limit(limit)) as IncidentRow[];
    return rows.map(toIncident);
  }

  /** How many incidents are open with `cause` (`waiting_for_room`: HA VMs down for lack of room, for the gauge). */
  async countOpenByCause(cause: AvailabilityCause): Promise<number> {
    const row = (await this.knex(TABLE).where({ cause }).whereNull('ended_at').count({ n: '*' }).first()) as { n: unknown } | undefined;
    return readNumber(row?.n ?? 0);
  }

  /**
   * Just the spans (no steps) of the incidents that touch [from, to) for services with ids in [firstId, lastId]: the
   * monthly run for thousands of services reads a page of ids by range instead of binding every id.
   */
  async listSpansInRange(firstId: number, lastId: number, from: Date, to: Date): Promise<IncidentSpan[]> {
    const rows = (await this.knex(TABLE)
      .select('service_row_id', 'cause', 'started_at', 'ended_at', 'failed_host')
      .whereBetween('service_row_id', [firstId, lastId])
      .andWhere('started_at', '<', to)
      .andWhere((w) => w.whereNull('ended_at').orWhere('ended_at', '>=', from))) as Array<
      Pick<IncidentRow, 'service_row_id' | 'cause' | 'started_at' | 'ended_at' | 'failed_host'>
    >;
    return rows.map((r) => ({
      serviceRowId: readNumber(r.service_row_id),
      cause: r.cause as AvailabilityCause,
      startedAt: readDate(r.started_at).getTime(),
      endedAt: readNullableDate(r.ended_at)?.getTime() ?? null,
      failedHost: r.failed_host,
    }));
  }
}
