import type { Knex } from 'knex';

/**
 * Announced maintenance windows: an admin announces a window over some clusters or some hosts;
 * stops inside it are planned downtime, and each affected service's panel is told at once. A cancelled window keeps
 * its row (cancelled_at set) so the history of what was announced stays readable.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('maintenance_windows', (t) => {
    t.increments('id').primary();
    t.string('title', 200).notNullable();
    t.datetime('starts_at', { precision: 3 }).notNullable();
    t.datetime('ends_at', { precision: 3 }).notNullable();
    t.string('scope_kind', 16).notNullable().comment("'clusters' | 'hosts'");
    t.text('scope_names').notNullable().comment('JSON array of cluster or host names');
    t.text('message').notNullable();
    t.string('created_by', 255).notNullable();
    t.datetime('created_at', { precision: 3 }).notNullable();
    t.datetime('cancelled_at', { precision: 3 }).nullable();
    // listOverlapping reads by time range; the classification asks it for every stop.
    t.index(['starts_at', 'ends_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('maintenance_windows');
}
