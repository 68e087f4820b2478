import type { Knex } from 'knex';

/**
 * One row per billing service (a customer's VPS): what the billing panel wants it to be (desired state and plan)
 * and what it is on oVirt (actual state, VM). The plan reference is RESTRICT on delete: a plan that services still
 * use cannot be removed, by the API (409) nor by hand in SQL.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('services', (t) => {
    t.increments('id').primary();
    t.string('service_id', 64).notNullable().unique().comment('billing panel service id');
    t.string('client_id', 64).notNullable().index();
    t.integer('plan_id').unsigned().notNullable().references('id').inTable('plans').onDelete('RESTRICT');
    t.integer('applied_plan_id').unsigned().nullable().comment('plan whose size and HA the VM has now');
    t.string('hostname', 255).nullable();
    t.string('desired_state', 20).notNullable().comment('active | suspended | terminated');
    t.string('actual_state', 20).notNullable().comment('pending | provisioning | active | suspending | suspended | terminating | terminated | failed');
    t.string('vm_id', 64).nullable();
    t.string('vm_name', 255).nullable();
    t.string('vm_host', 255).nullable();
    t.text('last_error').nullable();
    t.datetime('last_event_at', { precision: 3 }).nullable().comment('time of the newest billing event applied, for ordering');
    t.string('cancellation_type', 20).nullable().comment('immediate | end_of_period, once requested');
    t.datetime('cancellation_requested_at', { precision: 3 }).nullable();
    t.datetime('created_at', { precision: 3 }).notNullable();
    t.datetime('updated_at', { precision: 3 }).notNullable();
    t.index(['plan_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('services');
}
