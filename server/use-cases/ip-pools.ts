/**
 * IP pools: the admin's use cases. Create, change and delete pools with every rule checked before anything
 * is written: a pool's own fields (400 invalid_ip_pool), no two pools overlapping (409 ip_pool_overlap), no change
 * that leaves a held or quarantined address outside the pool (409 ip_pool_shrink_below_used), no deleting a pool in
 * use (409 ip_pool_in_use). Updates and deletes run in one transaction with the pool's row locked, so an allocation
 * racing them waits and then sees the new pool.
 */
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import { translateDbError } from '../db/errors';
import { assignmentState, type IpAssignment } from '../domain/ip-assignment';
import { cidrsOverlap, parseCidr } from '../domain/ip-address';
import { buildPool, canonicalPool, type IpPool, type IpPoolInput, type SlotSpace, slotOf, spaceContains } from '../domain/ip-pool';
import { ConflictError, NotFoundError } from '../errors';
import type { IpAssignmentsRepository } from '../repositories/ip-assignments';
import type { IpPoolsRepository, StoredPoolFields } from '../repositories/ip-pools';
import { InvalidIpPoolError, IpPoolInUseError, IpPoolOverlapError, IpPoolShrinkError } from './ip-pool-errors';

/** How full a pool is, in slots (addresses for IPv4, prefixes for IPv6). */
export interface IpPoolUsage {
  size: number;
  used: number;
  free: number;
  quarantined: number;
}

export interface IpPoolView {
  pool: IpPool;
  usage: IpPoolUsage;
}

export interface IpPoolDetail extends IpPoolView {
  /** Held and quarantined rows, newest first. */
  holders: IpAssignment[];
}

/** A partial update; the name is the pool's identity (plans name pools) and cannot change. */
export type IpPoolPatch = Partial<Omit<IpPoolInput, 'name'>>;

/** The pool's slot space; a stored pool was valid when written, so a failure here is a bug, not bad input. */
export function spaceOf(pool: IpPool): SlotSpace {
  const built = buildPool(pool);
  if (!built.space) throw new Error(`stored ip pool ${pool.name} is not valid: ${JSON.stringify(built.problems)}`);
  return built.space;
}

/** Size from the pool's slots, used and quarantined from its rows; free is what is left (never below 0). */
export function usageOf(space: SlotSpace, use: { used: number; quarantined: number } | undefined): IpPoolUsage {
  const size = Number(space.size);
  const used = use?.used ?? 0;
  const quarantined = use?.quarantined ?? 0;
  return { size, used, quarantined, free: Math.max(0, size - used - quarantined) };
}

export class IpPools {
  private readonly knex: Knex;
  private readonly pools: IpPoolsRepository;
  private readonly assignments: IpAssignmentsRepository;
  private readonly clock: Clock;

  constructor(deps: { knex: Knex; pools: IpPoolsRepository; assignments: IpAssignmentsRepository; clock: Clock }) {
    this.knex = deps.knex;
    this.pools = deps.pools;
    this.assignments = deps.assignments;
    this.clock = deps.clock;
  }

  /** Every pool (optionally of one cluster) with its usage now. */
  async list(filter: { cluster?: string } = {}): Promise<IpPoolView[]> {
    const pools = await this.pools.list(filter);
    const use = await this.assignments.usage(
      this.clock.now(),
      pools.map((p) => p.id),
    );
    return pools.map((pool) => ({ pool, usage: usageOf(spaceOf(pool), use.get(pool.id)) }));
  }

  /** One pool with its usage and who holds (or held, in quarantine) which address. */
  async get(name: string): Promise<IpPoolDetail> {
    const pool = await this.pools.findByName(name);
    if (!pool) throw new NotFoundError('ip_pool', name);
    const now = this.clock.now();
    const use = await this.assignments.usage(now, [pool.id]);
    return { pool, usage: usageOf(spaceOf(pool), use.get(pool.id)), holders: await this.assignments.holders(pool.id, now) };
  }

  async create(input: IpPoolInput): Promise<IpPoolView> {
    const fields = this.checked(input);
    const pool = await this.knex.transaction(async (trx) => {
      await this.checkOverlap(fields, trx);
      try {
        return await this.pools.insert(fields, this.clock.now(), trx);
      } catch (err) {
        translateDbError(err, {
          unique: new ConflictError(`A pool named ${fields.name} already exists.`, { name: fields.name }, 'duplicate_ip_pool'),
        });
      }
    });
    return { pool, usage: usageOf(spaceOf(pool), undefined) };
  }

  async patch(name: string, patch: IpPoolPatch): Promise<IpPoolView> {
    const now = this.clock.now();
    const pool = await this.knex.transaction(async (trx) => {
      const current = await this.pools.lockByName(name, trx);
      if (!current) throw new NotFoundError('ip_pool', name);
      const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as IpPoolPatch;
      // A new cidr of the other family must not inherit the IPv6 prefix length of the old one.
      const familyChanges = patch.cidr !== undefined && parseCidr(patch.cidr).cidr?.family !== current.family;
      const merged: IpPoolInput = {
        ...current,
        ...defined,
        prefixPerService: defined.prefixPerService ?? (familyChanges ? undefined : current.prefixPerService),
      };
      const fields = this.checked(merged);
      await this.checkOverlap(fields, trx, current.id);
      const rows = await this.assignments.ofPools([current.id], trx);
      const live = rows.filter((r) => assignmentState(r, now) !== 'free');
      if (fields.cluster !== current.cluster && live.length > 0) {
        const held = live.filter((r) => r.serviceRowId !== null).length;
        throw new IpPoolInUseError(name, held, live.length - held, 'moved to another cluster');
      }
      const space = spaceOf({ ...current, ...fields });
      const outside = live.filter((r) => {
        const slot = slotOf(space, r.address);
        return slot === undefined || !spaceContains(space, slot);
      });
      if (outside.length > 0)
        throw new IpPoolShrinkError(
          name,
          outside.map((r) => r.address),
        );
      // Rows nobody holds any more and outside the new pool would never be handed out again; drop them.
      if (rows.length > live.length) await this.assignments.purgeFree(current.id, now, trx);
      return this.pools.update(current.id, fields, now, trx);
    });
    const use = await this.assignments.usage(now, [pool.id]);
    return { pool, usage: usageOf(spaceOf(pool), use.get(pool.id)) };
  }

  async delete(name: string): Promise<void> {
    const now = this.clock.now();
    await this.knex.transaction(async (trx) => {
      const pool = await this.pools.lockByName(name, trx);
      if (!pool) throw new NotFoundError('ip_pool', name);
      const use = (await this.assignments.usage(now, [pool.id], trx)).get(pool.id);
      if (use && use.used + use.quarantined > 0) throw new IpPoolInUseError(name, use.used, use.quarantined);
      await this.assignments.purgeFree(pool.id, now, trx);
      try {
        await this.pools.delete(pool.id, trx);
      } catch (err) {
        // An allocation that inserted a row after our count (it waited for nothing: SQLite) is caught by the key.
        translateDbError(err, { foreign_key: new IpPoolInUseError(name, 1, 0) });
      }
    });
  }

  /** The pool's own rules; the canonical fields to store. */
  private checked(input: IpPoolInput): StoredPoolFields {
    const built = buildPool(input);
    if (!built.space) throw new InvalidIpPoolError(built.problems);
    return { ...canonicalPool(input, built.space), family: built.space.family };
  }

  /** No two pools may share an address, whatever their clusters: an address belongs to one network. */
  private async checkOverlap(fields: StoredPoolFields, trx: Knex.Transaction, exceptId?: number): Promise<void> {
    const cidr = parseCidr(fields.cidr).cidr;
    if (!cidr) return;
    for (const other of await this.pools.list({}, trx)) {
      if (other.id === exceptId) continue;
      const theirs = parseCidr(other.cidr).cidr;
      if (theirs && cidrsOverlap(cidr, theirs)) throw new IpPoolOverlapError(fields.cidr, other);
    }
  }
}
