/** Where each service's incident builder stands between polls (see domain/timeline.ts). */
import type { Knex } from 'knex';
import { readNumber } from '../db/columns';
import { INITIAL_TIMELINE, type TimelineState } from '../domain/timeline';

const TABLE = 'service_timelines';
const CHUNK = 300;

export class ServiceTimelinesRepository {
  constructor(private readonly knex: Knex) {}

  /** The state of each service; a service never seen starts from INITIAL_TIMELINE. */
  async load(serviceRowIds: readonly number[], trx: Knex | Knex.Transaction = this.knex): Promise<Map<number, TimelineState>> {
    const out = new Map<number, TimelineState>();
    for (const id of serviceRowIds) out.set(id, INITIAL_TIMELINE);
    for (let i = 0; i < serviceRowIds.length; i += CHUNK) {
      const rows = (await trx(TABLE)
        .whereIn('service_row_id', serviceRowIds.slice(i, i + CHUNK))
        .select('service_row_id', 'state')) as Array<{ service_row_id: unknown; state: string }>;
      for (const r of rows) out.set(readNumber(r.service_row_id), JSON.parse(r.state) as TimelineState);
    }
    return out;
  }

  async saveMany(states: ReadonlyMap<number, TimelineState>, now: Date, trx: Knex | Knex.Transaction = this.knex): Promise<void> {
    const rows = [...states].map(([serviceRowId, state]) => ({
      service_row_id: serviceRowId,
      state: JSON.stringify(state),
      updated_at: now,
    }));
    for (let i = 0; i < rows.length; i += CHUNK) {
      await trx(TABLE)
        .insert(rows.slice(i, i + CHUNK))
        .onConflict('service_row_id')
        .merge(['state', 'updated_at']);
    }
  }
}
