/** Actions asked of a VPS (migrations/20261206010100_create_service_actions.ts); plain domain objects out. */
import type { Knex } from 'knex';
import { readDate, readNullableDate, readNumber } from '../db/columns';
import type { ActionOutcome, Actor, ActorKind, ReinstallDetails, ServiceActionKind, ServiceActionRecord } from '../domain/service-action';

interface ServiceActionRow {
  id: number | string;
  service_row_id: number | string;
  action: ServiceActionKind;
  actor_kind: ActorKind;
  actor: string;
  requested_at: unknown;
  started_at: unknown;
  finished_at: unknown;
  outcome: ActionOutcome;
  error: string | null;
  details: string | null;
  sealed_password: string | null;
}

const TABLE = 'service_actions';
/** Error words are public and short; cut to the column. */
const MAX_ERROR = 1000;

type Db = Knex | Knex.Transaction;

function toRecord(r: ServiceActionRow): ServiceActionRecord {
  return {
    id: readNumber(r.id),
    serviceRowId: readNumber(r.service_row_id),
    action: r.action,
    actor: { kind: r.actor_kind, name: r.actor },
    requestedAt: readDate(r.requested_at),
    startedAt: readNullableDate(r.started_at),
    finishedAt: readNullableDate(r.finished_at),
    outcome: r.outcome,
    error: r.error,
    details: r.details ? (JSON.parse(r.details) as ReinstallDetails) : null,
    sealedPassword: r.sealed_password,
  };
}

export interface NewServiceAction {
  serviceRowId: number;
  action: ServiceActionKind;
  actor: Actor;
  outcome?: ActionOutcome;
  details?: ReinstallDetails;
  sealedPassword?: string | null;
  /** The panel's Idempotency-Key, unique per service (migrations/20261206010200_add_service_actions_idempotency_key.ts). */
  idempotencyKey?: string;
}

export class ServiceActionsRepository {
  constructor(private readonly knex: Knex) {}

  async insert(a: NewServiceAction, now: Date, db: Db = this.knex): Promise<ServiceActionRecord> {
    const done = a.outcome === 'succeeded' || a.outcome === 'failed';
    const row = {
      service_row_id: a.serviceRowId,
      action: a.action,
      actor_kind: a.actor.kind,
      actor: a.actor.name.slice(0, 255),
      requested_at: now,
      started_at: a.outcome && a.outcome !== 'queued' ? now : null,
      finished_at: done ? now : null,
      outcome: a.outcome ?? 'queued',
      error: null,
      details: a.details ? JSON.stringify(a.details) : null,
      sealed_password: a.sealedPassword ?? null,
      idempotency_key: a.idempotencyKey ?? null,
    };
    const [id] = await db(TABLE).insert(row);
    return (await this.findById(readNumber(id), db)) as ServiceActionRecord;
  }

  async findById(id: number, db: Db = this.knex): Promise<ServiceActionRecord | undefined> {
    const row = (await db(TABLE).where({ id }).first()) as ServiceActionRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** The service's action made by a request with this Idempotency-Key, if any. */
  async findByKey(serviceRowId: number, key: string, db: Db = this.knex): Promise<ServiceActionRecord | undefined> {
    const row = (await db(TABLE).where({ service_row_id: serviceRowId, idempotency_key: key }).first()) as ServiceActionRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** The service's action still queued or running, if any (at most one, by the use case's rule). */
  async openFor(serviceRowId: number, db: Db = this.knex): Promise<ServiceActionRecord | undefined> {
    const row = (await db(TABLE)
      .where({ service_row_id: serviceRowId })
      .whereIn('outcome', ['queued', 'running'])
      .orderBy('id', 'desc')
      .first()) as ServiceActionRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** When the service's actions since `since` were asked for: what the limit counts. */
  async requestedSince(serviceRowId: number, since: Date, db: Db = this.knex): Promise<Date[]> {
    const rows = (await db(TABLE)
      .where({ service_row_id: serviceRowId })
      .andWhere('requested_at', '>', since)
      .select('requested_at')) as Array<{ requested_at: unknown }>;
    return rows.map((r) => readDate(r.requested_at));
  }

  /** queued → running, once: false when another caller (the request or a job) took it first. */
  async markRunning(id: number, now: Date, db: Db = this.knex): Promise<boolean> {
    return (await db(TABLE).where({ id, outcome: 'queued' }).update({ outcome: 'running', started_at: now })) > 0;
  }

  /** running → queued: a send that may not have reached the engine is the job's to make again. */
  async requeue(id: number, db: Db = this.knex): Promise<void> {
    await db(TABLE).where({ id, outcome: 'running' }).update({ outcome: 'queued', started_at: null });
  }

  /** Replaces a reinstall's details (what it has done so far survives a retry). */
  async saveDetails(id: number, details: ReinstallDetails, db: Db = this.knex): Promise<void> {
    await db(TABLE)
      .where({ id })
      .update({ details: JSON.stringify(details) });
  }

  /** Ends an open action; the sealed password goes with it. False when it had ended already. */
  async finish(id: number, outcome: 'succeeded' | 'failed', error: string | null, now: Date, db: Db = this.knex): Promise<boolean> {
    const changed = await db(TABLE)
      .where({ id })
      .whereIn('outcome', ['queued', 'running'])
      .update({ outcome, error: error === null ? null : error.slice(0, MAX_ERROR), finished_at: now, sealed_password: null });
    return changed > 0;
  }

  /** The service's actions, newest first. */
  async listFor(serviceRowId: number, limit = 100, db: Db = this.knex): Promise<ServiceActionRecord[]> {
    const rows = (await db(TABLE).where({ service_row_id: serviceRowId }).orderBy('id', 'desc').limit(limit)) as ServiceActionRow[];
    return rows.map(toRecord);
  }

  /** The latest power action or reinstall that succeeded, per service: whether each VPS is off by request. */
  async latestSucceededPower(serviceRowIds: readonly number[], db: Db = this.knex): Promise<Map<number, ServiceActionKind>> {
    const out = new Map<number, ServiceActionKind>();
    if (serviceRowIds.length === 0) return out;
    const rows = (await db(TABLE)
      .whereIn('service_row_id', [...serviceRowIds])
      .andWhere('outcome', 'succeeded')
      .whereIn('action', ['start', 'shutdown', 'stop', 'reboot', 'reinstall'])
      .orderBy('id', 'asc')
      .select('service_row_id', 'action')) as Array<{ service_row_id: number | string; action: ServiceActionKind }>;
    for (const r of rows) out.set(readNumber(r.service_row_id), r.action);
    return out;
  }

  /** Whether an action job of the service is waiting or running: an open action without one was left by a dead job. */
  async actionJobLive(serviceRowId: number, db: Db = this.knex): Promise<boolean> {
    const row = await db('jobs')
      .where({ service_row_id: serviceRowId, kind: 'service_action' })
      .whereIn('state', ['queued', 'running'])
      .first('id');
    return row !== undefined;
  }

  /** Whether a reconcile job of the service is waiting or running: actions wait for it (one change at a time). */
  async reconcilePending(serviceRowId: number, db: Db = this.knex): Promise<boolean> {
    const row = await db('jobs')
      .where({ service_row_id: serviceRowId, kind: 'reconcile' })
      .whereIn('state', ['queued', 'running'])
      .first('id');
    return row !== undefined;
  }
}
