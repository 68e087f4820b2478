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
 * pool of the cluster changed, and its check share-locks the pool rows as the careful path's read does. The careful one (the first order on an instance, a pool changed, a pool full as far as the instance
 * knows): reads the pools share-locked, then per family a blind pick, probes, the whole pool, quarantined rows.
 *
 * It runs inside the caller's transaction (the order intake's), so the address is held exactly when the order is
 * recorded. On MySQL/MariaDB a failed insert rolls back only its statement, on SQLite too, so the transaction goes on.
 * A deadlock, though, rolls back the caller's whole transaction: it is thrown, and the caller runs its transaction
 * again (billing-events retries contention already); allocateNow does the same for callers without one.
 */
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import { constraintKind, lockContention } from '../db/errors';
import { type HeldAddress, type IpAssignment, assignmentState, quarantineEnd } from '../domain/ip-assignment';
import type { IpFamily } from '../domain/ip-address';
import { IpPoolMemory, type PoolSpace } from '../domain/ip-pool-memory';
import { type IpPool, pickFreeSlot, slotIndex, slotOf, slotText } from '../domain/ip-pool';
import { type ServiceNetwork, serviceNetwork } from '../domain/service-network';
import type { IpAssignmentsRepository, NewHolder, SlotPick } from '../repositories/ip-assignments';
import type { IpPoolsRepository } from '../repositories/ip-pools';
import { IpPoolExhaustedError } from './ip-pool-errors';
import { type IpPoolUsage, spaceOf, usageOf } from './ip-pools';

type Db = Knex | Knex.Transaction;

export type { ServiceNetwork };

export interface AllocationRequest {
  /** services.id (our row id), not the billing panel's service id. */
  serviceRowId: number;
  /** The billing panel's service id, kept beside the address for the admin's eyes. */
  billingServiceId: string;
  /** The plan's cluster. */
  cluster: string;
  /** The plan's pools by name; absent or empty: every pool of the cluster. */
  poolNames?: string[];
}

export interface Allocation {
  /** Undefined only when the cluster has no IPv4 pool at all (and the plan names none): addresses are not managed. */
  ipv4?: HeldAddress;
  /** Undefined when the cluster (or the plan's pools) has no IPv6 pool. */
  ipv6?: HeldAddress;
}

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

/** After a lost blind pick: probes of PROBE_SLOTS random slots each (one read) before the whole pool is read. */
const PROBES = 3;
const PROBE_SLOTS = 16;
/**
 * Allocation rounds before giving up. Each lost round means another transaction committed an address of these pools,
 * so rounds are bounded by the pools' size anyway; this cap only guards against a bug turning into a hot loop.
 */
const MAX_ROUNDS = 500;
/** Whole-transaction attempts of allocateNow after a deadlock. */
const CONTENTION_ATTEMPTS = 5;
/** Statements the quick path tries (each lost one teaches it what others took) before the careful path takes over. */
const QUICK_ATTEMPTS = 3;

type Candidate = PoolSpace;

const familyKey = (family: IpFamily) => (family === 4 ? 'ipv4' : 'ipv6');

export class IpAllocation {
  private readonly knex: Knex;
  private readonly pools: IpPoolsRepository;
  private readonly assignments: IpAssignmentsRepository;
  private readonly clock: Clock;
  private readonly random: () => number;
  /** The plans' pools and the slots taken, as this instance last saw them: the quick path's memory. */
  private readonly memory: IpPoolMemory;

  constructor(deps: { knex: Knex; pools: IpPoolsRepository; assignments: IpAssignmentsRepository; clock: Clock; random?: () => number }) {
    this.knex = deps.knex;
    this.pools = deps.pools;
    this.assignments = deps.assignments;
    this.clock = deps.clock;
    this.random = deps.random ?? Math.random;
    this.memory = new IpPoolMemory(this.random);
  }

  /**
   * Gives the service its IPv4 address (and IPv6 prefix where a v6 pool applies) inside `trx`, or returns what it
   * already holds: calling it again for the same service, from any instance, hands out nothing new.
   * @throws IpPoolExhaustedError (422 ip_pool_exhausted) when a family's pools have no free slot; the caller's
   *   transaction should then be rolled back (or the order refused), since the other family may have been taken.
   */
  async allocate(trx: Knex.Transaction, req: AllocationRequest): Promise<Allocation> {
    return (await this.allocateQuickly(trx, req)) ?? (await this.allocateCarefully(trx, req));
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

  /**
   * The careful path: reads the plan's pools share-locked and allocates each family on its own (a blind pick, then
   * probes, then the whole pool, then quarantined rows whose time is over); remembers the pools and reads their rows
   * once, so the next allocations on this instance take the quick path.
   */
  private async allocateCarefully(trx: Knex.Transaction, req: AllocationRequest): Promise<Allocation> {
    const pools = await this.applicablePools(req, trx, true);
    await this.remember(trx, req, pools);
    const result: Allocation = {};
    for (const family of [4, 6] as const) {
      const key = family === 4 ? 'ipv4' : 'ipv6';
      const candidates = pools.filter((p) => p.family === family).map((pool) => ({ pool, space: spaceOf(pool) }));
      if (candidates.length === 0) {
        // A plan that names pools wants addresses: none of its pools being IPv4 is a refusal, not "unmanaged". (No
        // family is looked up as held here: a pool cannot leave its cluster or go while it has holders.)
        if (family === 4 && req.poolNames && req.poolNames.length > 0) {
          throw new IpPoolExhaustedError(
            4,
            req.cluster,
            req.poolNames,
            `None of the plan's pools (${req.poolNames.join(', ')}) is an IPv4 pool of cluster ${req.cluster}.`,
          );
        }
        continue;
      }
      result[key] = await this.allocateFamily(trx, family, candidates, req);
    }
    return result;
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
    const pools = await this.applicablePools({ cluster, poolNames }, this.knex);
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

  private async applicablePools(req: { cluster: string; poolNames?: string[] }, db: Db, shared = false): Promise<IpPool[]> {
    const named = req.poolNames && req.poolNames.length > 0 ? req.poolNames : undefined;
    // A plan's pools must also be of its cluster: a vNIC profile of another cluster cannot be attached to the VM.
    return this.pools.list({ cluster: req.cluster, names: named }, db, { shared });
  }

  private async allocateFamily(
    trx: Knex.Transaction,
    family: IpFamily,
    candidates: Candidate[],
    req: AllocationRequest,
  ): Promise<IpAssignment> {
    const holder: NewHolder = { serviceRowId: req.serviceRowId, billingServiceId: req.billingServiceId, now: this.clock.now() };
    const names = candidates.map((c) => c.pool.name);
    // A lost race for the address: 'taken' when someone else holds it, what the service holds when it got one meanwhile.
    const tryInsert = async (c: Candidate, slot: bigint): Promise<IpAssignment | 'taken'> => {
      const address = slotText(c.space, slot);
      // Held by this service or another from now on, as far as the quick path is concerned.
      this.memory.taken(c.pool.id, address);
      try {
        return await this.assignments.insert(c.pool, family, address, holder, trx);
      } catch (err) {
        if (constraintKind(err) !== 'unique') throw err;
        return (await this.heldOfFamily(trx, req.serviceRowId, family)) ?? 'taken';
      }
    };

    // A blind pick first: in a pool far from full it nearly always wins, at one round trip.
    const blind = this.probeSlots(candidates, 1)[0];
    if (blind) {
      const got = await tryInsert(blind.candidate, blind.slot);
      if (got !== 'taken') return got;
    }
    // Lost: probe a handful of random slots in one read before reading the whole pool, which in a pool with thousands
    // of addresses held is what made the slowest allocations slow.
    for (let probe = 0; probe < PROBES; probe++) {
      const picks = this.probeSlots(candidates, PROBE_SLOTS);
      const known = await this.assignments.existing(
        picks.map((p) => p.address),
        trx,
      );
      const open = picks.filter((p) => !known.has(p.address));
      if (open.length === 0) break;
      for (const p of open.slice(0, 2)) {
        const got = await tryInsert(p.candidate, p.slot);
        if (got !== 'taken') return got;
      }
    }

    for (let round = 0; round < MAX_ROUNDS; round++) {
      const rows = await this.assignments.ofPools(
        candidates.map((c) => c.pool.id),
        trx,
      );
      this.memory.readWhole(
        candidates.map((c) => c.pool.id),
        rows,
      );
      const takenByPool = new Map<number, bigint[]>();
      const byId = new Map(candidates.map((x) => [x.pool.id, x]));
      for (const r of rows) {
        const c = byId.get(r.poolId);
        const slot = c && slotOf(c.space, r.address);
        const index = c && slot !== undefined ? slotIndex(c.space, slot) : undefined;
        if (index === undefined) continue;
        const list = takenByPool.get(r.poolId);
        if (list) list.push(index);
        else takenByPool.set(r.poolId, [index]);
      }
      const fresh = (c: Candidate) => Number(c.space.size) - new Set(takenByPool.get(c.pool.id) ?? []).size;
      const c = this.weighted(candidates, fresh);
      if (c) {
        const slot = pickFreeSlot(c.space, takenByPool.get(c.pool.id) ?? [], this.random);
        if (slot !== undefined) {
          const got = await tryInsert(c, slot);
          if (got !== 'taken') return got;
          continue;
        }
      }
      // No fresh slot: take over a released row whose quarantine is over, the one released longest ago first.
      const reusable = rows
        .filter((r) => assignmentState(r, holder.now) === 'free' && candidates.some((x) => x.pool.id === r.poolId))
        .sort((a, b) => (a.quarantineUntil?.getTime() ?? 0) - (b.quarantineUntil?.getTime() ?? 0));
      if (reusable.length === 0) throw new IpPoolExhaustedError(family, req.cluster, names);
      for (const r of reusable.slice(0, 3)) {
        let took: boolean;
        try {
          took = await this.assignments.takeOver(r.id, holder, trx);
        } catch (err) {
          if (constraintKind(err) !== 'unique') throw err;
          took = false;
        }
        const mine = await this.heldOfFamily(trx, req.serviceRowId, family);
        if (mine) return mine;
        if (took) throw new Error(`ip assignment ${r.id} taken over but not held`);
      }
    }
    throw new Error(`no IPv${family} slot could be allocated for service ${req.serviceRowId} after ${MAX_ROUNDS} rounds`);
  }

  /** Remembers the pools read for this plan, and reads the rows of those this instance has not read yet (once per pool). */
  private async remember(trx: Knex.Transaction, req: AllocationRequest, pools: IpPool[]): Promise<void> {
    const unread = this.memory.rememberPlan(
      req,
      pools.map((pool) => ({ pool, space: spaceOf(pool) })),
    );
    if (unread.length > 0) this.memory.readWhole(unread, await this.assignments.ofPools(unread, trx));
  }

  /** Up to `n` distinct random slots over the candidate pools, weighted by size, with their address text. */
  private probeSlots(candidates: Candidate[], n: number): Array<{ candidate: Candidate; slot: bigint; address: string }> {
    const picks = new Map<string, { candidate: Candidate; slot: bigint; address: string }>();
    for (let i = 0; i < n * 2 && picks.size < n; i++) {
      const candidate = this.weighted(candidates, (x) => Number(x.space.size));
      const slot = candidate && pickFreeSlot(candidate.space, [], this.random);
      if (!candidate || slot === undefined) break;
      const address = slotText(candidate.space, slot);
      picks.set(address, { candidate, slot, address });
    }
    return [...picks.values()];
  }

  private async heldOfFamily(trx: Knex.Transaction, serviceRowId: number, family: IpFamily): Promise<IpAssignment | undefined> {
    return (await this.assignments.heldBy(serviceRowId, trx)).find((a) => a.family === family);
  }

  /** One candidate chosen with probability proportional to `weight`; undefined when all weigh nothing. */
  private weighted(candidates: Candidate[], weight: (c: Candidate) => number): Candidate | undefined {
    const weights = candidates.map(weight);
    const total = weights.reduce((a, b) => a + Math.max(0, b), 0);
    if (total <= 0) return undefined;
    let r = this.random() * total;
    for (let i = 0; i < candidates.length; i++) {
      r -= Math.max(0, weights[i] ?? 0);
      if (r < 0) return candidates[i];
    }
    return candidates.at(-1);
  }
}
