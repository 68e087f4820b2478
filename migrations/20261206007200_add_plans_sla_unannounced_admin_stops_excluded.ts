import type { Knex } from 'knex';

/**
 * Per plan, whether a VPS stopped by an administrator in the engine outside any announced maintenance window is left
 * out of the SLA. Default false: an unannounced stop is downtime like any other; a provider whose
 * contract says otherwise opts in per plan.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plans', (t) => {
    t.boolean('sla_unannounced_admin_stops_excluded').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plans', (t) => {
    t.dropColumn('sla_unannounced_admin_stops_excluded');
  });
}
