import type { Knex } from 'knex';

/** The IP pools a plan's services take addresses from: JSON list of pool names; empty means every pool of its cluster. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plans', (t) => {
    t.text('ip_pools').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plans', (t) => {
    t.dropColumn('ip_pools');
  });
}
