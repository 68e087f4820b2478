import type { Knex } from 'knex';

/**
 * Incidents by cause and start: /admin/incidents lists host failures (a few causes among many incidents,
 * newest first), and the VM reconcile looks for open `vm_missing` ones every period. Both read a slice of this index
 * instead of every incident.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('incidents', (t) => {
    t.index(['cause', 'started_at'], 'incidents_cause_started_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('incidents', (t) => {
    t.dropIndex(['cause', 'started_at'], 'incidents_cause_started_at_index');
  });
}
