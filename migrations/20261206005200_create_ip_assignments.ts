import type { Knex } from 'knex';
import { identifierColumn } from '../server/db/columns';

/**
 * One row per address (IPv4) or prefix (IPv6) a service holds or held. The unique address is what makes
 * two services never hold the same address, whatever the instances and transactions do; the unique
 * (service_row_id, family) is what makes one service hold at most one of each family. Both databases let NULLs
 * repeat in a unique index, so released rows (service_row_id NULL, in quarantine until quarantine_until) never
 * collide with each other. A row whose quarantine is over is taken again by the next allocation (updated, not
 * re-inserted), so the table stays at most as large as the addresses ever handed out.
 *
 * The holding service is RESTRICT on delete: a service row cannot vanish while it holds an address. The pool is
 * RESTRICT too: a pool with held or quarantined addresses cannot be deleted, by the API (409) nor by hand.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ip_assignments', (t) => {
    t.increments('id').primary();
    t.integer('pool_id').unsigned().notNullable().references('id').inTable('ip_pools').onDelete('RESTRICT');
    identifierColumn(knex, t, 'address', 64).notNullable().unique().comment('canonical address, or prefix for IPv6');
    t.integer('family').notNullable().comment('4 | 6');
    t.integer('service_row_id').unsigned().nullable().references('id').inTable('services').onDelete('RESTRICT').comment('services.id holding it; NULL once released');
    t.integer('last_service_row_id').unsigned().notNullable().comment('services.id that holds or last held it');
    identifierColumn(knex, t, 'billing_service_id', 64).notNullable().comment('billing service id of that service, for display');
    t.datetime('held_since', { precision: 3 }).notNullable();
    t.datetime('released_at', { precision: 3 }).nullable();
    t.datetime('quarantine_until', { precision: 3 }).nullable();
    t.unique(['service_row_id', 'family']);
    t.index(['pool_id', 'service_row_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('ip_assignments');
}
