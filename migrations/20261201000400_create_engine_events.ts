import type { Knex } from 'knex';

/**
 * The engine's audit-log events that concern our VMs and the hosts they run on, as read from `GET /events`.
 * `(generation, event_index)` is unique, so a re-read, or two pollers during a leadership change, never store an
 * event twice; the generation grows when the engine restarts its event ids (a reinstalled or restored engine).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('engine_events', (t) => {
    t.bigIncrements('id').primary();
    t.integer('generation').notNullable();
    t.bigInteger('event_index').notNullable();
    t.integer('code').notNullable();
    t.string('severity', 10).notNullable();
    t.datetime('occurred_at', { precision: 3 }).notNullable();
    t.integer('service_id').unsigned().nullable().comment('services.id of the VM the event is about, if ours');
    t.string('vm_id', 64).nullable();
    t.string('vm_name', 255).nullable();
    t.string('host_id', 64).nullable();
    t.string('host_name', 255).nullable();
    t.string('cluster_name', 255).nullable();
    t.string('correlation_id', 100).nullable();
    t.text('description').notNullable();
    t.datetime('created_at', { precision: 3 }).notNullable();
    t.unique(['generation', 'event_index']);
    t.index(['service_id', 'occurred_at']);
    t.index(['host_name', 'occurred_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('engine_events');
}
