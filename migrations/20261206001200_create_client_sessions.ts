import type { Knex } from 'knex';
import { isMysql } from '../server/db/knex';

/**
 * Client-area sessions, held server-side so signing out ends one (a signed-out cookie kept opening the
 * pages until it expired). The cookie carries a random id; only its SHA-256 is stored. Ended by sign-out, or purged by
 * housekeeping once past expires_at.
 */
export async function up(knex: Knex): Promise<void> {
  // Identifiers compare byte-wise on MariaDB too (utf8mb4_bin), as the other token hashes and client ids do;
  // SQLite compares text with its BINARY collation already.
  const exact = (c: Knex.ColumnBuilder) => (isMysql(knex) ? c.collate('utf8mb4_bin') : c);
  await knex.schema.createTable('client_sessions', (t) => {
    t.increments('id').primary();
    exact(t.string('token_hash', 64)).notNullable().unique();
    exact(t.string('client_id', 64)).notNullable().comment("the billing panel's client id");
    t.datetime('created_at', { precision: 3 }).notNullable();
    t.datetime('expires_at', { precision: 3 }).notNullable();
    t.index(['client_id']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('client_sessions');
}
