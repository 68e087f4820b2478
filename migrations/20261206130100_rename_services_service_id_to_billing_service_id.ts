import type { Knex } from 'knex';
import { type ColumnRename, renameColumn, reversed } from '../server/db/rename-column';

/**
 * The billing panel's service id: billing_service_id, as ip_assignments already names it, so service_id no longer
 * means two things (here the panel's id, elsewhere our row id). Indexes (and on MySQL/MariaDB the foreign key) take
 * the new name too. Not additive: every instance is stopped while it runs.
 */
const rename: ColumnRename = {
  table: 'services',
  from: 'service_id',
  to: 'billing_service_id',
  indexes: [{ columns: ['billing_service_id'], unique: true }],
};

export async function up(knex: Knex): Promise<void> {
  await renameColumn(knex, rename);
}

export async function down(knex: Knex): Promise<void> {
  await renameColumn(knex, reversed(rename));
}
