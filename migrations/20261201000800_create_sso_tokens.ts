import type { Knex } from 'knex';

/**
 * One-time client-area links minted for the billing panel. Only a SHA-256 of the token is stored; a link is bound to
 * one client and one service, valid for a minute, and used at most once (`used_at`).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sso_tokens', (t) => {
    t.increments('id').primary();
    t.string('token_hash', 64).notNullable().unique();
    t.integer('service_id').unsigned().notNullable().references('id').inTable('services').onDelete('CASCADE');
    t.string('client_id', 64).notNullable();
    t.datetime('expires_at', { precision: 3 }).notNullable();
    t.datetime('used_at', { precision: 3 }).nullable();
    t.datetime('created_at', { precision: 3 }).notNullable();
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sso_tokens');
}
