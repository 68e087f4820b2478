import type { Knex } from 'knex';
import { identifierColumn } from '../server/db/columns';

/**
 * One row per host failure the panel was told of (`cluster.host_failed`): the unique (host, start)
 * is the dedupe key, inserted in the transaction that queues the callback, so a failure is told once however many
 * instances find it. The host name compares exactly (binary on MySQL/MariaDB) so `Host1` and `host1` stay two hosts.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('host_failure_notices', (t) => {
    t.increments('id').primary();
    identifierColumn(knex, t, 'failed_host', 255).notNullable();
    t.datetime('started_at', { precision: 3 }).notNullable();
    t.integer('services_affected').notNullable();
    t.integer('services_restarted').notNullable();
    t.datetime('created_at', { precision: 3 }).notNullable();
    t.unique(['failed_host', 'started_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('host_failure_notices');
}
