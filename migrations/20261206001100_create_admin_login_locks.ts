import type { Knex } from 'knex';

/**
 * One row per account and per address that has tried to sign in to the admin console. A sign-in locks its two rows
 * (an upsert, which takes the row lock on MariaDB and the write lock on SQLite) before it counts and reserves an
 * attempt in admin_login_failures, so concurrent sign-ins, on any instance, are counted one after another.
 * Rows untouched for longer than the window are purged by housekeeping.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('admin_login_locks', (t) => {
    t.string('scope', 16).notNullable().comment("'account' or 'address'");
    t.string('subject', 254).notNullable().comment('the email, or the address');
    t.datetime('touched_at', { precision: 3 }).notNullable();
    t.primary(['scope', 'subject']);
    t.index(['touched_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('admin_login_locks');
}
