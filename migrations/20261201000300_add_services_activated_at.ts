import type { Knex } from 'knex';

/** When the VPS first ran: uptime is counted from here, never from the order. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('services', (t) => {
    t.datetime('activated_at', { precision: 3 }).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('services', (t) => {
    t.dropColumn('activated_at');
  });
}
