import type { Knex } from 'knex';
import { type ColumnRename, renameColumn, reversed } from '../server/db/rename-column';

/**
 * The service a job works for, by our row id: service_row_id, as on service_actions and ip_assignments. Indexes (and
 * on MySQL/MariaDB the foreign key) take the new name too. Not additive: every instance is stopped while it runs.
 */
const rename: ColumnRename = {
  table: 'jobs',
  from: 'service_id',
  to: 'service_row_id',
  indexes: [{ columns: ['service_row_id', 'state'] }],
  foreignKey: { references: 'services', onDelete: 'CASCADE' },
};

export async function up(knex: Knex): Promise<void> {
  await renameColumn(knex, rename);
}

export async function down(knex: Knex): Promise<void> {
  await renameColumn(knex, reversed(rename));
}
