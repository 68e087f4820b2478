import type { Knex } from 'knex';

/**
 * Every accepted billing webhook, keyed by its `webhook-id`: a redelivery (same id, same body) gets the first answer
 * again; the same id with another body is refused. Kept at least 7 days (the panel's retry window is shorter).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.increments('id').primary();
    t.string('webhook_id', 64).notNullable().unique();
    t.string('type', 64).notNullable();
    t.string('service_id', 64).nullable().index();
    t.string('body_sha256', 64).notNullable();
    t.string('outcome', 20).notNullable().comment('applied | ignored');
    t.text('response').notNullable().comment('JSON answered the first time, answered again on redelivery');
    t.datetime('received_at', { precision: 3 }).notNullable().index();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('webhook_deliveries');
}
