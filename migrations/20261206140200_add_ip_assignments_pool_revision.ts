import type { Knex } from 'knex';

/**
 * The pool revision an address was chosen under, a foreign key with the pool id to (ip_pools.id, revision). An
 * allocation that chose from a pool definition it remembers writes that revision: when the cluster's pools changed
 * since, the key fails and nothing is written, with no read of the pools in the statement. ON UPDATE CASCADE moves
 * the rows already written along when the revision is raised. On MySQL/MariaDB the key's check share-locks the pool
 * row until the transaction ends, so a pool change waits for allocations in progress and they wait for it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('ip_assignments', (t) => {
    t.integer('pool_revision').unsigned().notNullable().defaultTo(0).comment('ip_pools.revision it was chosen under');
    t.foreign(['pool_id', 'pool_revision'], 'ip_assignments_pool_revision_foreign')
      .references(['id', 'revision'])
      .inTable('ip_pools')
      .onUpdate('CASCADE')
      .onDelete('RESTRICT');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('ip_assignments', (t) => {
    t.dropForeign(['pool_id', 'pool_revision'], 'ip_assignments_pool_revision_foreign');
  });
  await knex.schema.alterTable('ip_assignments', (t) => {
    t.dropColumn('pool_revision');
  });
}
