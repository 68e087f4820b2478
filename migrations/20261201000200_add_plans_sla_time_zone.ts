import type { Knex } from 'knex';

/** The IANA time zone whose calendar months are the plan's SLA periods (a provider bills in its own zone). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plans', (t) => {
    t.string('sla_time_zone', 64).notNullable().defaultTo('UTC');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plans', (t) => {
    t.dropColumn('sla_time_zone');
  });
}
