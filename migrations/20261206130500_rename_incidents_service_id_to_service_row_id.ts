import type { Knex } from 'knex';
import { type ColumnRename, renameColumn, reversed } from '../server/db/rename-column';

/**
 * The service (our row id) an incident belongs to: service_row_id. Indexes (and on MySQL/MariaDB the foreign key) take
 * the new name too. Not additive: every instance is stopped while it runs.
 */
const rename: ColumnRename = {
  table: 'incidents',
  from: 'service_id',
  to: 'service_row_id',
  indexes: [{ columns: ['service_row_id', 'opened_by'], unique: true }, { columns: ['service_row_id', 'started_at'] }],
  foreignKey: { references: 'services', onDelete: 'CASCADE' },
};

export async function up(knex: Knex): Promise<void> {
  await renameColumn(knex, rename);
}

export async function down(knex: Knex): Promise<void> {
  await renameColumn(knex, reversed(rename));
}
