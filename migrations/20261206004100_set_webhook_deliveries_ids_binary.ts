import type { Knex } from 'knex';
import { isMysql } from '../server/db/knex';

/**
 * Webhook ids (Standard Webhooks ids are base62: case matters) and the billing service id of each delivery compare
 * exactly. Under the server's default `…_ci` collation `msg_casetest1` was a duplicate of `msg_CaseTest1`,
 * so the second delivery could never be recorded and was answered 503 for ever.
 *
 * MySQL/MariaDB: the columns are redefined exactly as created (type, nullability, unique and plain indexes stay), only
 * collated utf8mb4_bin. SQLite compares text with its BINARY collation already: nothing to change there.
 */
export async function up(knex: Knex): Promise<void> {
  if (!isMysql(knex)) return;
  await knex.raw(`ALTER TABLE webhook_deliveries
    MODIFY webhook_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    MODIFY service_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL`);
}

/**
 * Without CHARACTER SET/COLLATE the columns take the table's default again, as they had before. Refused (duplicate
 * key) while two webhook ids differ only in case: the old collation cannot hold both; purge one first.
 */
export async function down(knex: Knex): Promise<void> {
  if (!isMysql(knex)) return;
  await knex.raw(`ALTER TABLE webhook_deliveries
    MODIFY webhook_id VARCHAR(64) NOT NULL,
    MODIFY service_id VARCHAR(64) NULL`);
}
