import type { Knex } from 'knex';
import { identifierColumn } from '../server/db/columns';

/**
 * The panel's `Idempotency-Key` on an action request: a retried request with the same key gets the action
 * it made the first time instead of a second reboot. Unique per service; NULLs (requests without a key) repeat on both
 * databases. Byte-wise on MySQL/MariaDB, like every identifier column.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('service_actions', (t) => {
    identifierColumn(knex, t, 'idempotency_key', 255).nullable();
    t.unique(['service_row_id', 'idempotency_key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('service_actions', (t) => {
    t.dropUnique(['service_row_id', 'idempotency_key']);
    t.dropColumn('idempotency_key');
  });
}
