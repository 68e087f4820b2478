/**
 * The careful path of IP allocation (use-cases/ip-allocation.ts has the quick one and the reasons for both): reads the
 * plan's pools share-locked, so no pool changes under it, and allocates each family on its own: a blind pick, then
 * probes of random slots, then the whole pool, then a released row whose quarantine is over. It runs for the first
 * order of a plan on an instance, after a pool changed, or when the instance knows no free slot, and teaches the
 * instance's memory what it read, so the orders after it take the quick path.
 */
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import { constraintKind } from '../db/errors';
import type { Allocation, AllocationRequest } from '../domain/ip-allocation';
import { type IpAssignment, assignmentState } from '../domain/ip-assignment';
import type { IpFamily } from '../domain/ip-address';
import type { IpPoolMemory, PoolSpace } from '../domain/ip-pool-memory';
import { type IpPool, pickFreeSlot, slotIndex, slotOf, slotText } from '../domain/ip-pool';
import type { IpAssignmentsRepository, NewHolder } from '../repositories/ip-assignments';
import type { IpPoolsRepository } from '../repositories/ip-pools';
import { IpPoolExhaustedError } from './ip-pool-errors';
import { spaceOf } from './ip-pools';

/** After a lost blind pick: probes of PROBE_SLOTS random slots each (one read) before the whole pool is read. */
const PROBES = 3;
const PROBE_SLOTS = 16;
/**
 * Allocation rounds before giving up. Each lost round means another transaction committed an address of these pools,
 * so rounds are bounded by the pools' size anyway; this cap only guards against a bug turning into a hot loop.
 */
const MAX_ROUNDS = 500;

type Candidate = PoolSpace;

export class CarefulAllocation {
  private readonly pools: IpPoolsRepository;
  private readonly assignments: IpAssignmentsRepository;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly memory: IpPoolMemory;

  constructor(deps: {
    pools: IpPoolsRepository;
    assignments: IpAssignmentsRepository;
    clock: Clock;
    random: () => number;
    memory: IpPoolMemory;
  }) {
    this.pools = deps.pools;
    this.assignments = deps.assignments;
    this.clock = deps.clock;
    this.random = deps.random;
    this.memory = deps.memory;
  }

  /**
   * The careful path: reads the plan's pools share-locked and allocates each family on its own (a blind pick, then
   * probes, then the whole pool, then quarantined rows whose time is over); remembers the pools and reads their rows
   * once, so the next allocations on this instance take the quick path.
   */
  async allocate(trx: Knex.Transaction, req: AllocationRequest): Promise<Allocation> {
    const pools = await this.applicablePools(req, trx);
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

  private async applicablePools(req: AllocationRequest, trx: Knex.Transaction): Promise<IpPool[]> {
    const named = req.poolNames && req.poolNames.length > 0 ? req.poolNames : undefined;
    // A plan's pools must also be of its cluster: a vNIC profile of another cluster cannot be attached to the VM.
    return this.pools.list({ cluster: req.cluster, names: named }, trx, { shared: true });
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
        return await this.assignments.insert({ pool: c.pool, family, address }, holder, trx);
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
