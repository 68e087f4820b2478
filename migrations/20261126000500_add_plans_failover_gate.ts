import type { Knex } from 'knex';

/**
 * Per plan, whether an HA order that would break the cluster's failover reserve (N+k) is refused (`enforce`, the
 * default) or only logged (`warn`), for providers who knowingly oversell a plan.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plans', (t) => {
    t.string('failover_gate', 8).notNullable().defaultTo('enforce').comment('enforce | warn');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plans', (t) => {
    t.dropColumn('failover_gate');
  });
}
