import type { Knex } from 'knex';

/**
 * Signed-in admin sessions, held server-side so signing out ends a session everywhere at once. The cookie carries a
 * random id; only its SHA-256 is stored. Each session has its own CSRF token for the console's forms.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('admin_sessions', (t) => {
    t.increments('id').primary();
    t.string('token_hash', 64).notNullable().unique();
    t.integer('admin_user_id').unsigned().notNullable().references('id').inTable('admin_users').onDelete('CASCADE');
    t.string('csrf_token', 64).notNullable();
    t.datetime('created_at', { precision: 3 }).notNullable();
    t.datetime('last_seen_at', { precision: 3 }).notNullable().comment('idle timeout counts from here');
    t.datetime('expires_at', { precision: 3 }).notNullable().comment('absolute end, however active');
    t.index(['admin_user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('admin_sessions');
}
