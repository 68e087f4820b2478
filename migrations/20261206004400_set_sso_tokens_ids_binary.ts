import type { Knex } from 'knex';
import { isMysql } from '../server/db/knex';

/**
 * A client-area link's token hash and billing client id compare exactly, as they do on SQLite: a lookup by
 * a hash never finds another one that differs only in case.
 *
 * MySQL/MariaDB: the columns are redefined exactly as created (type, nullability, unique index stay), only collated
 * utf8mb4_bin. SQLite compares text with its BINARY collation already: nothing to change there.
 */
export async function up(knex: Knex): Promise<void> {
  if (!isMysql(knex)) return;
  await knex.raw(`ALTER TABLE sso_tokens
    MODIFY token_hash VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    MODIFY client_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL`);
}

/** Without CHARACTER SET/COLLATE the columns take the table's default again, as they had before. */
export async function down(knex: Knex): Promise<void> {
  if (!isMysql(knex)) return;
  await knex.raw(`ALTER TABLE sso_tokens
    MODIFY token_hash VARCHAR(64) NOT NULL,
    MODIFY client_id VARCHAR(64) NOT NULL`);
}
