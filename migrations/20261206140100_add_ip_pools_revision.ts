import type { Knex } from 'knex';

/**
 * A pool's revision: raised on every pool of a cluster whenever a pool of that cluster is created, changed or deleted
 * (IpPoolsRepository). Unique with the id, so an address row can name the revision it was chosen under
 * (ip_assignments.pool_revision, the next migration).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('ip_pools', (t) => {
    t.integer('revision').unsigned().notNullable().defaultTo(0).comment('raised when any pool of the cluster changes');
    t.unique(['id', 'revision']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('ip_pools', (t) => {
    t.dropUnique(['id', 'revision']);
    t.dropColumn('revision');
  });
}
