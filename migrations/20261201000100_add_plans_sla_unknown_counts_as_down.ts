import type { Knex } from 'knex';

/**
 * Per plan, whether time the bridge cannot account for (engine events lost or purged) counts against the SLA.
 * The default is true: when we cannot prove the VPS was up, the customer gets the benefit of the doubt.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plans', (t) => {
    t.boolean('sla_unknown_counts_as_down').notNullable().defaultTo(true);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plans', (t) => {
    t.dropColumn('sla_unknown_counts_as_down');
  });
}
