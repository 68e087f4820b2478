import type { Knex } from 'knex';
import { isMysql } from '../server/db/knex';

/**
 * An admin session's token hash and CSRF token (base64url: case matters) compare exactly, as they do on
 * SQLite. Admin e-mail addresses keep the default collation: they are stored lower-cased, and an address names one
 * account whatever its case.
 *
 * MySQL/MariaDB: the columns are redefined exactly as created (type, nullability, unique index stay), only collated
 * utf8mb4_bin. SQLite compares text with its BINARY collation already: nothing to change there.
 */
export async function up(knex: Knex): Promise<void> {
  if (!isMysql(knex)) return;
  await knex.raw(`ALTER TABLE admin_sessions
    MODIFY token_hash VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    MODIFY csrf_token VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL`);
}

/** Without CHARACTER SET/COLLATE the columns take the table's default again, as they had before. */
export async function down(knex: Knex): Promise<void> {
  if (!isMysql(knex)) return;
  await knex.raw(`ALTER TABLE admin_sessions
    MODIFY token_hash VARCHAR(64) NOT NULL,
    MODIFY csrf_token VARCHAR(64) NOT NULL`);
}
