import type { Knex } from 'knex';

/**
 * Where event ingestion stands, durably: the engine's event-id generation, the last event index read, when events
 * were last read, and the per-host health the incident builder needs across polls. One row per engine.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('event_sync', (t) => {
    t.string('name', 32).primary();
    t.integer('generation').notNullable();
    t.bigInteger('last_index').notNullable();
    t.datetime('last_event_at', { precision: 3 }).nullable().comment('time of the newest event read');
    t.datetime('last_poll_at', { precision: 3 }).nullable().comment('when the engine last answered a poll');
    t.datetime('skip_until', { precision: 3 }).nullable().comment('after an id restart: events up to here were read before');
    t.text('host_state').notNullable().comment('JSON: hosts in trouble and since when');
    t.string('leader', 255).nullable();
    t.datetime('updated_at', { precision: 3 }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('event_sync');
}
