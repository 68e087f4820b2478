/** IP pools in the database; returns domain objects, never rows. */
import type { Knex } from 'knex';
import { readDate, readNumber } from '../db/columns';
import type { IpFamily } from '../domain/ip-address';
import type { IpPool, IpPoolInput, IpRangeInput } from '../domain/ip-pool';

interface IpPoolRow {
  id: number;
  name: string;
  cluster: string;
  network: string;
  family: number;
  cidr: string;
  gateway: string;
  dns: string;
  dns_search: string;
  ranges: string;
  prefix_per_service: number;
  quarantine_minutes: number;
  revision: number;
  created_at: unknown;
  updated_at: unknown;
}

const TABLE = 'ip_pools';

type Db = Knex | Knex.Transaction;

/** A stored pool: the canonical input (every field resolved) and its family. */
export type StoredPoolFields = IpPoolInput & { prefixPerService: number; family: IpFamily };

function toPool(row: IpPoolRow): IpPool {
  return {
    id: readNumber(row.id),
    name: row.name,
    cluster: row.cluster,
    network: row.network,
    family: readNumber(row.family) === 6 ? 6 : 4,
    cidr: row.cidr,
    gateway: row.gateway,
    dns: JSON.parse(row.dns) as string[],
    dnsSearch: JSON.parse(row.dns_search) as string[],
    ranges: JSON.parse(row.ranges) as IpRangeInput[],
    prefixPerService: readNumber(row.prefix_per_service),
    quarantineMinutes: readNumber(row.quarantine_minutes),
    revision: readNumber(row.revision),
    createdAt: readDate(row.created_at),
    updatedAt: readDate(row.updated_at),
  };
}

function toRow(p: StoredPoolFields): Omit<IpPoolRow, 'id' | 'revision' | 'created_at' | 'updated_at'> {
  return {
    name: p.name,
    cluster: p.cluster,
    network: p.network,
    family: p.family,
    cidr: p.cidr,
    gateway: p.gateway,
    dns: JSON.stringify(p.dns),
    dns_search: JSON.stringify(p.dnsSearch),
    ranges: JSON.stringify(p.ranges),
    prefix_per_service: p.prefixPerService,
    quarantine_minutes: p.quarantineMinutes,
  };
}

export class IpPoolsRepository {
  constructor(private readonly knex: Knex) {}

  /**
   * Pools by cluster and names. `shared` (inside a transaction) share-locks the rows until it ends (MySQL/MariaDB;
   * SQLite's single writer needs none, and knex compiles the lock away there): an allocation reads its pools so, and an
   * update or delete of one of them (lockByName) then waits for the allocation's transaction, and the reverse, so an
   * address is never chosen from a pool definition that is changing.
   */
  async list(
    filter: { cluster?: string; names?: string[] } = {},
    db: Db = this.knex,
    options: { shared?: boolean } = {},
  ): Promise<IpPool[]> {
    const q = db<IpPoolRow>(TABLE).select('*').orderBy('name');
    if (options.shared) q.forShare();
    if (filter.cluster !== undefined) q.where('cluster', filter.cluster);
    if (filter.names !== undefined) q.whereIn('name', filter.names);
    return (await q).map(toPool);
  }

  async findByName(name: string, db: Db = this.knex): Promise<IpPool | undefined> {
    const row = await db<IpPoolRow>(TABLE).where({ name }).first();
    return row ? toPool(row) : undefined;
  }

  /**
   * The pool, its row locked until `trx` ends (MySQL/MariaDB; SQLite's one writer needs no lock): an update or delete
   * checks the pool's assignments under this lock, and an allocation's insert (its foreign key check reads the pool
   * row) waits for it, so no address is handed out from a block while the block changes.
   */
  async lockByName(name: string, trx: Knex.Transaction): Promise<IpPool | undefined> {
    const row = await trx<IpPoolRow>(TABLE).where({ name }).forUpdate().first();
    return row ? toPool(row) : undefined;
  }

  /**
   * Every write raises the revision of the pools of the clusters it touches (the new pool starts at 0), so allocations
   * that remember those pools find their next insert refused by the (pool_id, pool_revision) key and read them again:
   * a pool added to a cluster is used, a changed block is respected, from the next order on.
   */
  async insert(fields: StoredPoolFields, now: Date, db: Db = this.knex): Promise<IpPool> {
    await this.raiseRevisions([fields.cluster], db);
    const [id] = await db(TABLE).insert({ ...toRow(fields), created_at: now, updated_at: now });
    const row = await db<IpPoolRow>(TABLE)
      .where({ id: Number(id) })
      .first();
    if (!row) throw new Error(`ip pool ${String(id)} vanished after insert`);
    return toPool(row);
  }

  async update(id: number, fields: StoredPoolFields, now: Date, db: Db = this.knex): Promise<IpPool> {
    const before = await db<IpPoolRow>(TABLE).where({ id }).first('cluster');
    await db(TABLE)
      .where({ id })
      .update({ ...toRow(fields), updated_at: now });
    await this.raiseRevisions([...new Set([fields.cluster, ...(before ? [before.cluster] : [])])], db);
    const row = await db<IpPoolRow>(TABLE).where({ id }).first();
    if (!row) throw new Error(`ip pool ${id} vanished during update`);
    return toPool(row);
  }

  async delete(id: number, db: Db = this.knex): Promise<void> {
    const before = await db<IpPoolRow>(TABLE).where({ id }).first('cluster');
    await db(TABLE).where({ id }).delete();
    if (before) await this.raiseRevisions([before.cluster], db);
  }

  /** ON UPDATE CASCADE carries the rows of ip_assignments along (their pool_revision). */
  private async raiseRevisions(clusters: string[], db: Db): Promise<void> {
    await db(TABLE).whereIn('cluster', clusters).increment('revision', 1);
  }
}
