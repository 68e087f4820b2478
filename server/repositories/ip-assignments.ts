/** Addresses held or quarantined (ip_assignments); returns domain objects, never rows. */
import type { Knex } from 'knex';
import { readDate, readNullableDate, readNumber } from '../db/columns';
import { constraintKind } from '../db/errors';
import type { HeldAddress, IpAssignment } from '../domain/ip-assignment';
import type { IpFamily } from '../domain/ip-address';

interface IpAssignmentRow {
  id: number;
  pool_id: number;
  address: string;
  family: number;
  service_row_id: number | null;
  last_service_row_id: number;
  billing_service_id: string;
  held_since: unknown;
  released_at: unknown;
  quarantine_until: unknown;
}

const TABLE = 'ip_assignments';

type Db = Knex | Knex.Transaction;

function toAssignment(row: IpAssignmentRow): IpAssignment {
  return {
    id: readNumber(row.id),
    poolId: readNumber(row.pool_id),
    address: row.address,
    family: readNumber(row.family) === 6 ? 6 : 4,
    serviceRowId: row.service_row_id === null ? null : readNumber(row.service_row_id),
    lastServiceRowId: readNumber(row.last_service_row_id),
    billingServiceId: String(row.billing_service_id),
    heldSince: readDate(row.held_since),
    releasedAt: readNullableDate(row.released_at),
    quarantineUntil: readNullableDate(row.quarantine_until),
  };
}

/** The columns that say who holds an address from `holder.now` on: a new row's, or a released row's taken over. */
function holderColumns(holder: NewHolder) {
  return {
    service_row_id: holder.serviceRowId,
    last_service_row_id: holder.serviceRowId,
    billing_service_id: holder.billingServiceId,
    held_since: holder.now,
    released_at: null,
    quarantine_until: null,
  };
}

/** The row of a newly held address, every column given. */
function heldRow(pick: SlotPick, holder: NewHolder): Omit<IpAssignmentRow, 'id'> & { pool_revision: number } {
  return { pool_id: pick.pool.id, pool_revision: pick.pool.revision, address: pick.address, family: pick.family, ...holderColumns(holder) };
}

export interface NewHolder {
  serviceRowId: number;
  billingServiceId: string;
  now: Date;
}

/** A slot an allocation chose for a service, with the revision of the pool definition it was chosen from. */
export interface SlotPick {
  pool: PoolRef;
  family: IpFamily;
  address: string;
}

/** A pool as an allocation knows it: its id and the revision of its definition then (IpPool.revision). */
export interface PoolRef {
  id: number;
  revision: number;
}

/** Per pool: addresses held and addresses in quarantine at a given instant. */
export interface PoolUse {
  used: number;
  quarantined: number;
}

export class IpAssignmentsRepository {
  constructor(private readonly knex: Knex) {}

  /** What a service holds now (at most one per family). */
  async heldBy(serviceRowId: number, db: Db = this.knex): Promise<IpAssignment[]> {
    const rows = await db<IpAssignmentRow>(TABLE).where({ service_row_id: serviceRowId }).orderBy('family');
    return rows.map(toAssignment);
  }

  /** Every row of these pools (held, quarantined or free for taking over), for choosing a free address. */
  async ofPools(poolIds: number[], db: Db = this.knex): Promise<IpAssignment[]> {
    if (poolIds.length === 0) return [];
    const rows = await db<IpAssignmentRow>(TABLE).whereIn('pool_id', poolIds);
    return rows.map(toAssignment);
  }

  /** Which of `addresses` have a row (held, in quarantine or free to take over): one indexed read for a probe. */
  async existing(addresses: string[], db: Db = this.knex): Promise<Set<string>> {
    if (addresses.length === 0) return new Set();
    const rows = (await db(TABLE).whereIn('address', addresses).select('address')) as Array<{ address: string }>;
    return new Set(rows.map((r) => r.address));
  }

  /** The rows of one pool a service holds or that are still in quarantine, newest first: the holders list. */
  async holders(poolId: number, now: Date, db: Db = this.knex): Promise<IpAssignment[]> {
    const rows = await db<IpAssignmentRow>(TABLE)
      .where({ pool_id: poolId })
      .where((q) => q.whereNotNull('service_row_id').orWhere('quarantine_until', '>', now))
      .orderBy('held_since', 'desc')
      .orderBy('id', 'desc');
    return rows.map(toAssignment);
  }

  /**
   * Inserts a held row, chosen under the pool's revision `pick.pool.revision` (read share-locked by the caller, or
   * remembered). Another holder of the address, or a second row of this family for the service, surfaces as the
   * driver's unique violation: the caller decides which it was by reading what the service holds. A stale revision
   * surfaces as a foreign key failure.
   */
  async insert(pick: SlotPick, holder: NewHolder, db: Db = this.knex): Promise<IpAssignment> {
    const row = heldRow(pick, holder);
    const [id] = await db(TABLE).insert(row);
    // Every column was given here, so the stored row is known without reading it back (one round trip less).
    return toAssignment({ ...row, id: Number(id) });
  }

  /**
   * Inserts the picked rows, all or none, in one statement, each under the pool revision it was chosen from: when a
   * pool of the cluster changed since (IpPoolsRepository raises the revisions), the (pool_id, pool_revision) foreign
   * key fails and nothing is written. On MySQL/MariaDB the key's check share-locks the pool rows until the transaction
   * ends, so a pool change in progress is waited for and then refuses the stale revision; so an address chosen from a
   * pool definition this instance remembers is written only while that definition holds, with no read of the pools
   * in the statement. (INSERT … VALUES, not INSERT … SELECT: InnoDB takes its table-wide auto-increment lock for the
   * whole of an INSERT … SELECT, and two of them waiting on each other's addresses then deadlock on it.)
   * Undefined when a revision is stale or a pool is gone. A taken address, or a family the service holds already, is
   * the driver's unique violation, as for insert().
   */
  async insertUnderRevisions(picks: SlotPick[], holder: NewHolder, db: Db = this.knex): Promise<HeldAddress[] | undefined> {
    if (picks.length === 0) return [];
    const rows = picks.map((p) => heldRow(p, holder));
    try {
      await db(TABLE).insert(rows);
    } catch (err) {
      if (constraintKind(err) === 'foreign_key') return undefined;
      throw err;
    }
    return rows.map((row) => {
      const { pool_revision: _revision, ...stored } = row;
      const { id: _id, ...held } = toAssignment({ ...stored, id: 0 });
      return held;
    });
  }

  /**
   * After a lost insert, in one read: the rows of `addresses`, what the service holds, and the rows of `poolIds` newer
   * than `afterId` (what other instances took since this one last looked).
   */
  async lookAround(
    addresses: string[],
    serviceRowId: number,
    poolIds: number[],
    afterId: number,
    db: Db = this.knex,
  ): Promise<IpAssignment[]> {
    const q = db<IpAssignmentRow>(TABLE).select('*').where({ service_row_id: serviceRowId });
    if (addresses.length > 0) q.unionAll((u) => u.select('*').from(TABLE).whereIn('address', addresses));
    if (poolIds.length > 0) q.unionAll((u) => u.select('*').from(TABLE).where('id', '>', afterId).whereIn('pool_id', poolIds));
    const rows = (await q) as IpAssignmentRow[];
    return rows.map(toAssignment);
  }

  /**
   * Takes over a released row whose quarantine is over; false when another allocation took it first (the WHERE is
   * evaluated again after any lock wait, so only one of two racing allocations changes the row).
   */
  async takeOver(id: number, holder: NewHolder, db: Db = this.knex): Promise<boolean> {
    const changed = await db(TABLE)
      .where({ id })
      .whereNull('service_row_id')
      .where((q) => q.whereNull('quarantine_until').orWhere('quarantine_until', '<=', holder.now))
      .update(holderColumns(holder));
    return changed > 0;
  }

  /** Releases one held row into quarantine until `until`. */
  async release(id: number, now: Date, until: Date, db: Db = this.knex): Promise<void> {
    await db(TABLE)
      .where({ id })
      .whereNotNull('service_row_id')
      .update({ service_row_id: null, released_at: now, quarantine_until: until });
  }

  /** Held and quarantined counts per pool at `now`. */
  async usage(now: Date, poolIds?: number[], db: Db = this.knex): Promise<Map<number, PoolUse>> {
    const q = db(TABLE)
      .select('pool_id')
      .count({ used: 'service_row_id' })
      .sum({ quarantined: db.raw('CASE WHEN service_row_id IS NULL AND quarantine_until > ? THEN 1 ELSE 0 END', [now]) })
      .groupBy('pool_id');
    if (poolIds) q.whereIn('pool_id', poolIds);
    const rows = (await q) as Array<{ pool_id: unknown; used: unknown; quarantined: unknown }>;
    return new Map(rows.map((r) => [readNumber(r.pool_id), { used: readNumber(r.used), quarantined: readNumber(r.quarantined ?? 0) }]));
  }

  /** Removes a pool's rows that nobody holds and whose quarantine is over (before the pool itself is deleted). */
  async purgeFree(poolId: number, now: Date, db: Db = this.knex): Promise<number> {
    return db(TABLE)
      .where({ pool_id: poolId })
      .whereNull('service_row_id')
      .where((q) => q.whereNull('quarantine_until').orWhere('quarantine_until', '<=', now))
      .delete();
  }
}
