import type { Knex } from 'knex';

/**
 * Failed admin sign-ins, per account and per address, so the rate limit holds across instances. Rows older than the
 * window are purged by housekeeping.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('admin_login_failures', (t) => {
    t.bigIncrements('id').primary();
    t.string('email', 254).notNullable();
    t.string('address', 64).notNullable();
    t.datetime('failed_at', { precision: 3 }).notNullable();
    t.index(['email', 'failed_at']);
    t.index(['address', 'failed_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('admin_login_failures');
}
