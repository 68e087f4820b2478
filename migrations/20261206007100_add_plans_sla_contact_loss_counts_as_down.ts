import type { Knex } from 'knex';

/**
 * Per plan, whether a loss of contact with the host while the VPS kept running on it (soft fencing, a cut management
 * network, "restored to Up" without a restart) counts against the SLA. Default false: the VPS was
 * serving its customer the whole time; only the provider's monitoring lost sight of its host.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plans', (t) => {
    t.boolean('sla_contact_loss_counts_as_down').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plans', (t) => {
    t.dropColumn('sla_contact_loss_counts_as_down');
  });
}
