import type { Knex } from 'knex';
import { isMysql } from '../server/db/knex';

/**
 * An engine event's VM id and name, host id and correlation id compare exactly, as they do in the engine
 * and on SQLite: `vps-svc-1` and `vps-Svc-1` are two VMs of two services. Host and cluster names keep the table's
 * collation: they are shown, never matched against an id.
 *
 * MySQL/MariaDB: the columns are redefined exactly as created (type, nullability stay), only collated utf8mb4_bin;
 * on a large table this rebuilds it once. SQLite compares text with its BINARY collation already: nothing to change.
 */
export async function up(knex: Knex): Promise<void> {
  if (!isMysql(knex)) return;
  await knex.raw(`ALTER TABLE engine_events
    MODIFY vm_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    MODIFY vm_name VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    MODIFY host_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    MODIFY correlation_id VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL`);
}

/** Without CHARACTER SET/COLLATE the columns take the table's default again, as they had before. */
export async function down(knex: Knex): Promise<void> {
  if (!isMysql(knex)) return;
  await knex.raw(`ALTER TABLE engine_events
    MODIFY vm_id VARCHAR(64) NULL,
    MODIFY vm_name VARCHAR(255) NULL,
    MODIFY host_id VARCHAR(64) NULL,
    MODIFY correlation_id VARCHAR(100) NULL`);
}
