import type { Knex } from 'knex';
import { isMysql } from '../server/db/knex';

/**
 * One-time admin console links minted for the billing panel (WHMCS's AdminSingleSignOn). Only a
 * SHA-256 of the token is stored; a link names the panel's staff user it was minted for (`admin_name`, such as
 * `whmcs:alice`), is valid for a minute and used at most once (`used_at`). Kept apart from `sso_tokens`, whose links
 * are bound to one client's service.
 *
 * MySQL/MariaDB: the hash is collated utf8mb4_bin so a lookup compares it exactly, as SQLite's BINARY collation does.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('admin_sso_tokens', (t) => {
    t.increments('id').primary();
    const hash = t.string('token_hash', 64).notNullable().unique();
    if (isMysql(knex)) hash.collate('utf8mb4_bin');
    t.string('admin_name', 200).notNullable();
    t.datetime('expires_at', { precision: 3 }).notNullable();
    t.datetime('used_at', { precision: 3 }).nullable();
    t.datetime('created_at', { precision: 3 }).notNullable();
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('admin_sso_tokens');
}
