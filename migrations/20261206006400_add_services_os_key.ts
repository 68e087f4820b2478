import type { Knex } from 'knex';
import { identifierColumn } from '../server/db/columns';

/** The OS the order chose among its plan's `os_options` (its key); null: the plan's own template. Kept across plan changes. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('services', (t) => {
    identifierColumn(knex, t, 'os_key', 64).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('services', (t) => {
    t.dropColumn('os_key');
  });
}
