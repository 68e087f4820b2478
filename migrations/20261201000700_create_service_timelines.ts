import type { Knex } from 'knex';

/**
 * Per service, where its incident builder stands between polls (the VM's last known state, an open incident, a
 * shutdown the panel asked for), so each poll feeds only new events.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('service_timelines', (t) => {
    t.integer('service_id').unsigned().primary().references('id').inTable('services').onDelete('CASCADE');
    t.text('state').notNullable().comment('JSON of domain/timeline.ts TimelineState');
    t.datetime('updated_at', { precision: 3 }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('service_timelines');
}
