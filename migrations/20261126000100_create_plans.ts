import type { Knex } from 'knex';

/**
 * Plans map a billing product to what oVirt should build: template, cluster, size, HA and the SLA sold with it.
 * Timestamps are DATETIME(3) (UTC) on MySQL; on SQLite knex stores them as epoch milliseconds.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('plans', (t) => {
    t.increments('id').primary();
    t.string('product_id', 64).notNullable().unique();
    t.string('name', 100).notNullable();
    t.string('template', 255).notNullable();
    t.string('cluster', 255).notNullable();
    t.integer('vcpus').notNullable();
    t.integer('memory_mib').notNullable();
    t.boolean('ha_enabled').notNullable();
    t.integer('ha_priority').notNullable().comment('0-100; oVirt UI: Low 1, Medium 50, High 100');
    t.decimal('sla_target_percent', 6, 3).notNullable();
    t.text('sla_credit_tiers').notNullable().comment('JSON array of {below_percent, credit_percent}');
    t.datetime('created_at', { precision: 3 }).notNullable();
    t.datetime('updated_at', { precision: 3 }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('plans');
}
