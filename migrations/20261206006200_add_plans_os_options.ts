import type { Knex } from 'knex';

/**
 * The operating systems an order may choose: JSON `[{"key","label","template"}]`. Empty means the plan's own template
 * only. Text rather than a JSON column so SQLite and MariaDB store it alike.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plans', (t) => {
    t.text('os_options').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plans', (t) => {
    t.dropColumn('os_options');
  });
}
