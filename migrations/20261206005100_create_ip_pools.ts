import type { Knex } from 'knex';
import { identifierColumn } from '../server/db/columns';

/**
 * IP pools: a block of addresses on one cluster and vNIC profile that services take their IPv4 address or
 * IPv6 prefix from. The name is how plans and the admin API refer to a pool, so it compares exactly (binary collation
 * on MySQL/MariaDB); addresses are stored in canonical text (RFC 5952 for IPv6), so text comparison is exact too.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ip_pools', (t) => {
    t.increments('id').primary();
    identifierColumn(knex, t, 'name', 64).notNullable().unique();
    t.string('cluster', 255).notNullable().index();
    t.string('network', 255).notNullable().comment('oVirt vNIC profile the VPS NIC is attached to');
    t.integer('family').notNullable().comment('4 | 6');
    identifierColumn(knex, t, 'cidr', 64).notNullable();
    identifierColumn(knex, t, 'gateway', 64).notNullable();
    t.text('dns').notNullable().comment('JSON array of addresses');
    t.text('dns_search').notNullable().comment('JSON array of domains');
    t.text('ranges').notNullable().comment('JSON array of {from, to}; empty: the whole cidr');
    t.integer('prefix_per_service').notNullable().comment('32 for IPv4; the prefix each service gets for IPv6');
    t.integer('quarantine_minutes').notNullable();
    t.datetime('created_at', { precision: 3 }).notNullable();
    t.datetime('updated_at', { precision: 3 }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('ip_pools');
}
