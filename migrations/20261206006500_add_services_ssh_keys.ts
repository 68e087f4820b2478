import type { Knex } from 'knex';

/** The order's OpenSSH public keys for root (JSON list). Public keys are not secrets; a reinstall puts them back. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('services', (t) => {
    t.text('ssh_keys').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('services', (t) => {
    t.dropColumn('ssh_keys');
  });
}
