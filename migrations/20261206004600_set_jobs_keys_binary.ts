import type { Knex } from 'knex';
import { isMysql } from '../server/db/knex';

/**
 * A job's dedupe key and lease token compare exactly, as they do on SQLite: a key matches only itself (were
 * one built from a billing id, two services whose ids differ only in case must not share a job), and a lease is held
 * by its own token only.
 *
 * MySQL/MariaDB: the columns are redefined exactly as created (type, nullability, unique index stay), only collated
 * utf8mb4_bin. SQLite compares text with its BINARY collation already: nothing to change there.
 */
export async function up(knex: Knex): Promise<void> {
  if (!isMysql(knex)) return;
  await knex.raw(`ALTER TABLE jobs
    MODIFY dedupe_key VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    MODIFY lease_token VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL`);
}

/**
 * Without CHARACTER SET/COLLATE the columns take the table's default again, as they had before. Refused (duplicate
 * key) while two waiting jobs' keys differ only in case.
 */
export async function down(knex: Knex): Promise<void> {
  if (!isMysql(knex)) return;
  await knex.raw(`ALTER TABLE jobs
    MODIFY dedupe_key VARCHAR(128) NULL,
    MODIFY lease_token VARCHAR(64) NULL`);
}
