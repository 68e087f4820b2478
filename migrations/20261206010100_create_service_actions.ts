import type { Knex } from 'knex';

/**
 * Who asked for what on a VPS: power actions, reinstalls and console files asked for by the customer (the
 * client area), an admin or the panel, when, and how each ended. The per-service action limit counts these rows, so
 * it holds across instances; the open row (queued or running) of a service is what refuses a second action.
 *
 * `sealed_password` holds a reinstall's new root password (crypto/secret-box.ts, context `passwordContext`) only
 * while the reinstall needs it; it is erased when the reinstall ends. `details` is non-secret JSON (the OS chosen,
 * SSH keys, the new VM's name).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('service_actions', (t) => {
    t.increments('id').primary();
    t.integer('service_row_id').unsigned().notNullable().references('id').inTable('services').onDelete('CASCADE');
    t.string('action', 16).notNullable().comment("'start' | 'shutdown' | 'stop' | 'reboot' | 'reinstall' | 'console'");
    t.string('actor_kind', 16).notNullable().comment("'customer' | 'admin' | 'panel'");
    t.string('actor', 255).notNullable().comment('admin e-mail, billing client id, or panel');
    t.datetime('requested_at', { precision: 3 }).notNullable();
    t.datetime('started_at', { precision: 3 }).nullable();
    t.datetime('finished_at', { precision: 3 }).nullable();
    t.string('outcome', 16).notNullable().comment("'queued' | 'running' | 'succeeded' | 'failed'");
    t.string('error', 1000).nullable().comment('public words: shown to the customer');
    t.text('details').nullable();
    t.text('sealed_password').nullable();
    // The limit counts a service's rows in a time window; the action log lists them newest first.
    t.index(['service_row_id', 'requested_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('service_actions');
}
