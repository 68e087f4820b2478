import type { Knex } from 'knex';

/**
 * The times a service was not up, each with its cause: what the customer calls one incident. `opened_by` names
 * what opened it (an engine event or a gap in the record), unique per service, so replaying the same events updates
 * the incident instead of adding another. A zero-length incident records a live migration for maintenance.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('incidents', (t) => {
    t.increments('id').primary();
    t.integer('service_id').unsigned().notNullable().references('id').inTable('services').onDelete('CASCADE');
    t.string('opened_by', 64).notNullable();
    t.string('cause', 20).notNullable().comment('ha_restart | host_failure | crash | planned | customer | maintenance | unknown');
    t.datetime('started_at', { precision: 3 }).notNullable();
    t.datetime('ended_at', { precision: 3 }).nullable().comment('null while it lasts');
    t.string('failed_host', 255).nullable();
    t.string('restart_host', 255).nullable();
    t.text('steps').notNullable().comment('JSON: [{at, text}] as the engine told it');
    t.datetime('created_at', { precision: 3 }).notNullable();
    t.datetime('updated_at', { precision: 3 }).notNullable();
    t.unique(['service_id', 'opened_by']);
    t.index(['service_id', 'started_at']);
    t.index(['started_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('incidents');
}
