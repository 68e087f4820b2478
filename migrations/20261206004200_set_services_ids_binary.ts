import type { Knex } from 'knex';
import { isMysql } from '../server/db/knex';

/**
 * A service's billing service id, client id and its VM's engine id and name compare exactly. Under the
 * server's default `…_ci` collation an order for `svc-1` after `Svc-1` hit the unique index and was retried for
 * ever, and `GET /api/v1/services/svc-1` answered with `Svc-1`'s record, another client's. The engine's VM names are
 * case-sensitive too (`vps-svc-1` and `vps-Svc-1` are two VMs). The hostname keeps the table's collation: host names
 * are case-insensitive.
 *
 * MySQL/MariaDB: the columns are redefined exactly as created (type, nullability, comment, unique and plain indexes
 * stay), only collated utf8mb4_bin. SQLite compares text with its BINARY collation already: nothing to change there.
 */
export async function up(knex: Knex): Promise<void> {
  if (!isMysql(knex)) return;
  await knex.raw(`ALTER TABLE services
    MODIFY service_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL COMMENT 'billing panel service id',
    MODIFY client_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    MODIFY vm_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    MODIFY vm_name VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL`);
}

/**
 * Without CHARACTER SET/COLLATE the columns take the table's default again, as they had before. Refused (duplicate
 * key) while two service ids differ only in case: the old collation cannot hold both.
 */
export async function down(knex: Knex): Promise<void> {
  if (!isMysql(knex)) return;
  await knex.raw(`ALTER TABLE services
    MODIFY service_id VARCHAR(64) NOT NULL COMMENT 'billing panel service id',
    MODIFY client_id VARCHAR(64) NOT NULL,
    MODIFY vm_id VARCHAR(64) NULL,
    MODIFY vm_name VARCHAR(255) NULL`);
}
