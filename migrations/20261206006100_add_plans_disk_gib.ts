import type { Knex } from 'knex';

/** The boot disk size a plan sells, in GiB; null keeps the template's size. The disk is grown, never shrunk. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plans', (t) => {
    t.integer('disk_gib').unsigned().nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plans', (t) => {
    t.dropColumn('disk_gib');
  });
}
