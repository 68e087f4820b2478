import type { Knex } from 'knex';
import { isMysql } from '../server/db/knex';

/**
 * A plan's billing product id compares exactly, as it does on SQLite: products `Gold` and `gold` of a panel
 * that uses string ids are two plans, and an order for one never gets the other's.
 *
 * MySQL/MariaDB: the column is redefined exactly as created (type, nullability, unique index stay), only collated
 * utf8mb4_bin. SQLite compares text with its BINARY collation already: nothing to change there.
 */
export async function up(knex: Knex): Promise<void> {
  if (!isMysql(knex)) return;
  await knex.raw('ALTER TABLE plans MODIFY product_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL');
}

/**
 * Without CHARACTER SET/COLLATE the column takes the table's default again, as it had before. Refused (duplicate
 * key) while two product ids differ only in case: the old collation cannot hold both.
 */
export async function down(knex: Knex): Promise<void> {
  if (!isMysql(knex)) return;
  await knex.raw('ALTER TABLE plans MODIFY product_id VARCHAR(64) NOT NULL');
}
