import type { Knex } from 'knex';

/** The guest's clock zone (IANA) that cloud-init sets; null: the plan's SLA zone. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('services', (t) => {
    t.string('guest_time_zone', 64).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('services', (t) => {
    t.dropColumn('guest_time_zone');
  });
}
