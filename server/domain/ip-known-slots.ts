/**
 * What one instance knows of a pool's taken slots, and where it hands out next. Knowing is not deciding: the unique
 * address key decides who holds a slot, so a slot wrongly thought free only costs a lost insert, and one wrongly
 * thought taken (an insert whose transaction rolled back) is merely skipped until the pool is read again.
 *
 * Each instance hands out from a cursor that starts at a random slot and moves on slot by slot, so instances working
 * on the same pool each fill a stretch of their own instead of picking at random all over it: a random pick loses to
 * every slot another instance took since this one last read the pool, a cursor only where two stretches meet. After a
 * lost slot the cursor jumps to a random place again (`scatter`), away from the instance it ran into.
 */
import { type SlotSpace, slotAt, slotText } from './ip-pool';

/** Slots looked at from the cursor before jumping; random jumps tried after that before giving up. */
const SCAN = 64;
const JUMPS = 16;

export interface KnownFree {
  slot: bigint;
  address: string;
}

export class KnownSlots {
  private readonly taken: Set<string>;
  private cursor: bigint | undefined;

  constructor(
    taken: Iterable<string>,
    private readonly random: () => number,
  ) {
    this.taken = new Set(taken);
  }

  /** A slot with a row (held, in quarantine or free to take over): never handed out by `next`. */
  add(address: string): void {
    this.taken.add(address);
  }

  has(address: string): boolean {
    return this.taken.has(address);
  }

  /**
   * The next slot not known to be taken, from the cursor on (wrapping at the pool's end); the cursor moves past it and
   * it counts as taken from now on, so two allocations of this instance at once never try the same slot. Undefined
   * when none turns up near the cursor nor at a few random places (the pool is nearly full, as far as this instance
   * knows).
   */
  next(space: SlotSpace): KnownFree | undefined {
    const size = space.size;
    if (size <= 0n) return undefined;
    this.cursor ??= this.randomIndex(size);
    const start = this.cursor % size;
    for (let step = 0n; step < BigInt(SCAN) && step < size; step++) {
      const found = this.free(space, (start + step) % size);
      if (found) return found;
    }
    for (let jump = 0; jump < JUMPS; jump++) {
      const found = this.free(space, this.randomIndex(size));
      if (found) return found;
    }
    return undefined;
  }

  /** After losing a slot to another instance: go on from a random place. */
  scatter(): void {
    this.cursor = undefined;
  }

  private free(space: SlotSpace, index: bigint): KnownFree | undefined {
    const slot = slotAt(space, index);
    if (slot === undefined) return undefined;
    const address = slotText(space, slot);
    if (this.taken.has(address)) return undefined;
    this.taken.add(address);
    this.cursor = index + 1n;
    return { slot, address };
  }

  private randomIndex(size: bigint): bigint {
    // Math.random's 52 bits cover any pool (at most 2^48 slots).
    return BigInt(Math.min(Number(size) - 1, Math.floor(this.random() * Number(size))));
  }
}
