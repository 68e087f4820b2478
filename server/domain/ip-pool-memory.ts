/**
 * What one instance remembers between allocations, for the quick path (use-cases/ip-allocation.ts): each plan's pools
 * as last read (by cluster and pool names), and per pool the slots known taken. Remembering is not deciding: the
 * quick path's statement is refused when a pool has changed since (its revision), and the unique address key decides who holds a
 * slot, so memory that is out of date costs a statement, never a wrong address.
 */
import type { IpAssignment } from './ip-assignment';
import type { IpFamily } from './ip-address';
import { KnownSlots } from './ip-known-slots';
import type { IpPool, SlotSpace } from './ip-pool';

export interface PoolSpace {
  pool: IpPool;
  space: SlotSpace;
}

/** A plan's pools as last read, by family, and the highest ip_assignments id seen of them. */
export interface RememberedPlan {
  pools: IpPool[];
  byFamily: Record<IpFamily, PoolSpace[]>;
  seenId: number;
}

export interface PlanKey {
  cluster: string;
  poolNames?: string[];
}

function keyOf(req: PlanKey): string {
  return JSON.stringify([req.cluster, req.poolNames && req.poolNames.length > 0 ? [...req.poolNames].sort() : null]);
}

export class IpPoolMemory {
  private readonly plans = new Map<string, RememberedPlan>();
  private readonly slots = new Map<number, KnownSlots>();

  constructor(private readonly random: () => number) {}

  /** The plan's pools as remembered, once every one of them has had its rows read; else undefined. */
  plan(req: PlanKey): RememberedPlan | undefined {
    const plan = this.plans.get(keyOf(req));
    return plan && plan.pools.every((p) => this.slots.has(p.id)) ? plan : undefined;
  }

  /** The plan's pools, just read (share-locked); returns the pools whose rows this instance has not read yet. */
  rememberPlan(req: PlanKey, pools: PoolSpace[]): number[] {
    const key = keyOf(req);
    const byFamily = (f: IpFamily) => pools.filter((p) => p.pool.family === f);
    this.plans.set(key, {
      pools: pools.map((p) => p.pool),
      byFamily: { 4: byFamily(4), 6: byFamily(6) },
      seenId: this.plans.get(key)?.seenId ?? 0,
    });
    return pools.filter((p) => !this.slots.has(p.pool.id)).map((p) => p.pool.id);
  }

  /** The plan's pools changed since they were read: read them again before the next quick allocation. */
  forgetPlan(req: PlanKey): void {
    this.plans.delete(keyOf(req));
  }

  /**
   * The whole of some pools' rows, just read: what this instance knows of them becomes exactly that, dropping slots it
   * tried in transactions that rolled back (which `learn` alone would keep as taken for good).
   */
  readWhole(poolIds: number[], rows: IpAssignment[]): void {
    for (const id of poolIds) {
      this.slots.set(
        id,
        new KnownSlots(
          rows.filter((r) => r.poolId === id).map((r) => r.address),
          this.random,
        ),
      );
    }
  }

  /** Some rows, just read: their slots are taken, and the plan's newest row seen moves on. */
  learn(rows: IpAssignment[], plan?: RememberedPlan): void {
    for (const r of rows) {
      this.slots.get(r.poolId)?.add(r.address);
      if (plan && r.id > plan.seenId && plan.pools.some((p) => p.id === r.poolId)) plan.seenId = r.id;
    }
  }

  /** A slot about to be tried (or lost): not handed out by `free` again. */
  taken(poolId: number, address: string): void {
    this.slots.get(poolId)?.add(address);
  }

  /** A slot of this pool was lost to another instance: hand out from elsewhere in it. */
  lost(poolId: number): void {
    this.slots.get(poolId)?.scatter();
  }

  /** A slot no row is known to hold, from one of `pools` chosen by size; undefined when none is known free. */
  free(pools: PoolSpace[]): { pool: IpPool; address: string } | undefined {
    const left = [...pools];
    while (left.length > 0) {
      const total = left.reduce((n, p) => n + Number(p.space.size), 0);
      let r = this.random() * total;
      const i = Math.max(
        0,
        left.findIndex((p) => (r -= Number(p.space.size)) < 0),
      );
      const chosen = left[i]!;
      const found = this.slots.get(chosen.pool.id)?.next(chosen.space);
      if (found) return { pool: chosen.pool, address: found.address };
      left.splice(i, 1);
    }
    return undefined;
  }
}
