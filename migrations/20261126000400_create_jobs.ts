import type { Knex } from 'knex';

/**
 * The durable job queue (and transactional outbox): webhooks write their job in the same transaction. Workers claim
 * with SELECT … FOR UPDATE SKIP LOCKED on MySQL/MariaDB and hold a lease; every result write carries the lease token,
 * so a worker that lost its lease cannot write. `dedupe_key` is unique while a job waits, so a burst of webhooks for
 * one service leaves one pending reconcile; it is cleared when the job is claimed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('jobs', (t) => {
    t.bigIncrements('id').primary();
    t.string('kind', 32).notNullable();
    t.integer('service_id').unsigned().nullable().references('id').inTable('services').onDelete('CASCADE');
    t.string('dedupe_key', 128).nullable().unique();
    t.text('payload').notNullable().comment('JSON');
    t.string('state', 16).notNullable().comment('queued | running | succeeded | dead | cancelled');
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('max_attempts').notNullable();
    t.datetime('run_after', { precision: 3 }).notNullable();
    t.string('lease_owner', 128).nullable();
    t.string('lease_token', 64).nullable();
    t.datetime('lease_expires_at', { precision: 3 }).nullable();
    t.text('last_error').nullable();
    t.datetime('created_at', { precision: 3 }).notNullable();
    t.datetime('updated_at', { precision: 3 }).notNullable();
    t.datetime('finished_at', { precision: 3 }).nullable();
    t.index(['state', 'run_after']);
    t.index(['service_id', 'state']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('jobs');
}
