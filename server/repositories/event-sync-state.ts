/** The event poller's durable position (see migrations/…_create_event_sync.ts). */
import type { Knex } from 'knex';
import { readNullableDate, readNumber } from '../db/columns';
import type { HostHealth } from '../domain/timeline';

export interface EventSyncState {
  generation: number;
  lastIndex: number;
  lastEventAt: Date | null;
  lastPollAt: Date | null;
  /** After the engine restarted its ids: events up to this time were read in an earlier generation. */
  skipUntil: Date | null;
  hosts: HostHealth;
}

const TABLE = 'event_sync';
const NAME = 'engine';

export class EventSyncStateRepository {
  constructor(private readonly knex: Knex) {}

  async get(trx: Knex | Knex.Transaction = this.knex): Promise<EventSyncState | undefined> {
    const row = (await trx(TABLE).where({ name: NAME }).first()) as Record<string, unknown> | undefined;
    if (!row) return undefined;
    return {
      generation: readNumber(row.generation),
      lastIndex: readNumber(row.last_index),
      lastEventAt: readNullableDate(row.last_event_at),
      lastPollAt: readNullableDate(row.last_poll_at),
      skipUntil: readNullableDate(row.skip_until),
      hosts: JSON.parse(String(row.host_state)) as HostHealth,
    };
  }

  /** The first position; a second instance racing to write it loses quietly (the row exists). */
  async init(state: EventSyncState, leader: string, now: Date): Promise<void> {
    await this.knex(TABLE)
      .insert({ name: NAME, ...columns(state), leader, updated_at: now })
      .onConflict('name')
      .ignore();
  }

  /**
   * Moves the position from `expected` to `next`, only if nobody moved it meanwhile. Returns false when another
   * poller got there first: the caller's transaction must then roll back, so nothing is counted twice.
   */
  async advance(
    expected: { generation: number; lastIndex: number },
    next: EventSyncState,
    leader: string,
    now: Date,
    trx: Knex | Knex.Transaction,
  ): Promise<boolean> {
    const changed = await trx(TABLE)
      .where({ name: NAME, generation: expected.generation, last_index: expected.lastIndex })
      .update({ ...columns(next), leader, updated_at: now });
    return changed === 1;
  }
}

function columns(s: EventSyncState) {
  return {
    generation: s.generation,
    last_index: s.lastIndex,
    last_event_at: s.lastEventAt,
    last_poll_at: s.lastPollAt,
    skip_until: s.skipUntil,
    host_state: JSON.stringify(s.hosts),
  };
}
