/**
 * Addresses for services: one IPv4 address, and one IPv6 prefix where the cluster has a v6 pool, taken at
 * order time exactly once per service, released into quarantine at termination.
 *
 * Exactly once, on any number of instances, rests on two unique keys of ip_assignments, not on reading first: the
 * address (two services never hold one address) and (service row, family) (one service never holds two). An
 * allocation picks a slot it believes free and inserts it; a unique violation means either someone else took that
 * address (pick another) or this service got one meanwhile (return that). Only when the pools have no fresh slot left
 * does it take over a released row whose quarantine is over, oldest release first.
 *
 * Two paths. The quick one (the common case, one statement): the instance remembers each plan's pools and the slots
 * it knows taken (domain/ip-pool-memory.ts), hands out from a cursor of its own in each pool, and writes both families
 * in one INSERT under the pools' revisions as remembered: a (pool_id, pool_revision) foreign key refuses it once any
 * pool of the cluster changed, and its check share-locks the pool rows as the careful path's read does. The careful
 * one (use-cases/ip-careful-allocation.ts: the first order on an instance, a pool changed, a pool full as far as the
 * instance knows) reads the pools share-locked, then per family a blind pick, probes, the whole pool, quarantined rows.
 *
 * It runs inside the caller's transaction (the order intake's), so the address is held exactly when the order is
 * recorded. On MySQL/MariaDB a failed insert rolls back only its statement, on SQLite too, so the transaction goes on.
 * A deadlock, though, rolls back the caller's whole transaction: it is thrown, and the caller runs its transaction
 * again (billing-events retries contention already); allocateNow does the same for callers without one.
 */
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import { constraintKind, lockContention } from '../db/errors';
import type { Allocation, AllocationRequest } from '../domain/ip-allocation';
import { type IpAssignment, quarantineEnd } from '../domain/ip-assignment';
import type { IpFamily } from '../domain/ip-address';
import { IpPoolMemory } from '../domain/ip-pool-memory';
import { type ServiceNetwork, serviceNetwork } from '../domain/service-network';
import type { IpAssignmentsRepository, NewHolder, SlotPick } from '../repositories/ip-assignments';
import type { IpPoolsRepository } from '../repositories/ip-pools';
import { CarefulAllocation } from './ip-careful-allocation';
import { type IpPoolUsage, spaceOf, usageOf } from './ip-pools';

type Db = Knex | Knex.Transaction;

export type { ServiceNetwork };

export type { Allocation, AllocationRequest };

export interface FamilyCapacity extends IpPoolUsage {
  pools: string[];
}

export interface FreeCounts {
  /** null: no IPv4 pool applies (addresses are not managed, nothing to run out of). */
  ipv4: FamilyCapacity | null;
  ipv6: FamilyCapacity | null;
  /** How many more orders the pools can take (the smaller family's free count); null when no pool applies. */
  orders: number | null;
}

/** Whole-transaction attempts of allocateNow after a deadlock. */
const CONTENTION_ATTEMPTS = 5;
/** Statements the quick path tries (each lost one teaches it what others took) before the careful path takes over. */
const QUICK_ATTEMPTS = 3;

const familyKey = (family: IpFamily) => (family === 4 ? 'ipv4' : 'ipv6');

export class IpAllocation {
  private readonly knex: Knex;
  private readonly pools: IpPoolsRepository;
  private readonly assignments: IpAssignmentsRepository;
  private readonly clock: Clock;
  private readonly random: () => number;
  /** The plans' pools and the slots taken, as this instance last saw them: the quick path's memory. */
  private readonly memory: IpPoolMemory;
  /** The careful path, sharing this instance's memory. */
  private readonly careful: CarefulAllocation;

  constructor(deps: { knex: Knex; pools: IpPoolsRepository; assignments: IpAssignmentsRepository; clock: Clock; random?: () => number }) {
    this.knex = deps.knex;
    this.pools = deps.pools;
    this.assignments = deps.assignments;
    this.clock = deps.clock;
    this.random = deps.random ?? Math.random;
    this.memory = new IpPoolMemory(this.random);
    this.careful = new CarefulAllocation({
      pools: this.pools,
      assignments: this.assignments,
      clock: this.clock,
      random: this.random,
      memory: this.memory,
    });
  }

  /**
   * Gives the service its IPv4 address (and IPv6 prefix where a v6 pool applies) inside `trx`, or returns what it
   * already holds: calling it again for the same service, from any instance, hands out nothing new.
   * @throws IpPoolExhaustedError (422 ip_pool_exhausted) when a family's pools have no free slot; the caller's
   *   transaction should then be rolled back (or the order refused), since the other family may have been taken.
   */
  async allocate(trx: Knex.Transaction, req: AllocationRequest): Promise<Allocation> {
    return (await this.allocateQuickly(trx, req)) ?? (await this.careful.allocate(trx, req));
  }

  /**
   * The quick path, one statement in the common case: both families' slots are chosen from what this instance knows
   * (the plan's pools as last read, the slots known taken) and written together under the pools' revisions as read,
   * which the database refuses once a pool of the cluster has changed (IpAssignmentsRepository.insertUnderRevisions). What the service holds already is not
   * read first: the unique (service, family) key says so. A lost statement (a slot another instance took, or a
   * redelivered order) is followed by one read that says which, and teaches what others took meanwhile. Undefined
   * hands over to the careful path: pools not known yet or changed, no free slot known, or too many lost statements.
   */
  private async allocateQuickly(trx: Knex.Transaction, req: AllocationRequest): Promise<Allocation | undefined> {
    const set = this.memory.plan(req);
    if (!set || set.byFamily[4].length === 0) return undefined;
    const holder: NewHolder = { serviceRowId: req.serviceRowId, billingServiceId: req.billingServiceId, now: this.clock.now() };
    const result: Allocation = {};
    let wanted: IpFamily[] = set.byFamily[6].length > 0 ? [4, 6] : [4];
    for (let attempt = 0; attempt < QUICK_ATTEMPTS && wanted.length > 0; attempt++) {
      const picks: SlotPick[] = [];
      for (const family of wanted) {
        const pick = this.memory.free(set.byFamily[family]);
        if (!pick) return undefined;
        picks.push({ pool: pick.pool, family, address: pick.address });
      }
      let written;
      try {
        written = await this.assignments.insertUnderRevisions(picks, holder, trx);
      } catch (err) {
        if (constraintKind(err) !== 'unique') throw err;
        const ids = set.pools.map((p) => p.id);
        const rows = await this.assignments.lookAround(
          picks.map((p) => p.address),
          req.serviceRowId,
          ids,
          set.seenId,
          trx,
        );
        this.memory.learn(rows, set);
        for (const p of picks) if (rows.some((r) => r.address === p.address)) this.memory.lost(p.pool.id);
        for (const r of rows) if (r.serviceRowId === req.serviceRowId) result[familyKey(r.family)] = r;
        wanted = wanted.filter((f) => result[familyKey(f)] === undefined);
        continue;
      }
      if (!written) {
        this.memory.forgetPlan(req);
        return undefined;
      }
      for (const w of written) result[familyKey(w.family)] = w;
      return result;
    }
    return wanted.length === 0 ? result : undefined;
  }

  /** allocate() in a transaction of its own, run again after a deadlock (for callers that hold no transaction). */
  async allocateNow(req: AllocationRequest): Promise<Allocation> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.knex.transaction((trx) => this.allocate(trx, req));
      } catch (err) {
        if (!lockContention(err) || attempt >= CONTENTION_ATTEMPTS) throw err;
        await new Promise((r) => setTimeout(r, 5 + this.random() * 20 * attempt));
      }
    }
  }

  /**
   * Releases what the service holds into quarantine (each pool's quarantine_minutes from `now`); returns the rows as
   * they were held. Releasing a service that holds nothing does nothing, so termination may call it again.
   */
  async release(db: Db, serviceRowId: number, now: Date = this.clock.now()): Promise<IpAssignment[]> {
    const held = await this.assignments.heldBy(serviceRowId, db);
    if (held.length === 0) return [];
    const pools = new Map((await this.pools.list({}, db)).map((p) => [p.id, p]));
    for (const a of held) {
      const minutes = pools.get(a.poolId)?.quarantineMinutes ?? 0;
      await this.assignments.release(a.id, now, quarantineEnd(now, minutes), db);
    }
    return held;
  }

  /** The network configuration of what the service holds; undefined when it holds nothing. */
  async heldBy(serviceRowId: number, db: Db = this.knex): Promise<ServiceNetwork | undefined> {
    const held = await this.assignments.heldBy(serviceRowId, db);
    if (held.length === 0) return undefined;
    return serviceNetwork(held, await this.pools.list({}, db));
  }

  /** Free slots per family for a cluster (and a plan's pools): the capacity answer and the panel's sold-out marking. */
  async freeCounts(cluster: string, poolNames?: string[]): Promise<FreeCounts> {
    const named = poolNames && poolNames.length > 0 ? poolNames : undefined;
    const pools = await this.pools.list({ cluster, names: named }, this.knex);
    const use = await this.assignments.usage(
      this.clock.now(),
      pools.map((p) => p.id),
    );
    const family = (f: IpFamily): FamilyCapacity | null => {
      const ofFamily = pools.filter((p) => p.family === f);
      if (ofFamily.length === 0) return null;
      const sum: FamilyCapacity = { size: 0, used: 0, free: 0, quarantined: 0, pools: [] };
      for (const pool of ofFamily) {
        const u = usageOf(spaceOf(pool), use.get(pool.id));
        sum.size += u.size;
        sum.used += u.used;
        sum.free += u.free;
        sum.quarantined += u.quarantined;
        sum.pools.push(pool.name);
      }
      return sum;
    };
    const ipv4 = family(4);
    const ipv6 = family(6);
    const frees = [ipv4, ipv6].filter((f): f is FamilyCapacity => f !== null).map((f) => f.free);
    // A plan naming pools none of which is IPv4 can take no order (allocate refuses it).
    const refused = ipv4 === null && poolNames !== undefined && poolNames.length > 0;
    return { ipv4, ipv6, orders: refused ? 0 : frees.length === 0 ? null : Math.min(...frees) };
  }
}
