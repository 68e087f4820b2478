import type { Knex } from 'knex';

/**
 * When each periodic task (HA drift sweep, housekeeping) is next due, shared by every instance. An instance queues a
 * task's job only after moving next_run_at forward in a compare-and-set, so a task keeps its period however often
 * instances restart, and runs once per period however many there are.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('periodic_tasks', (t) => {
    t.string('name', 64).primary();
    t.datetime('next_run_at', { precision: 3 }).notNullable();
    t.datetime('updated_at', { precision: 3 }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('periodic_tasks');
}
