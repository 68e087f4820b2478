import type { Knex } from 'knex';

/**
 * Open incidents by cause: the console's "down for lack of room" alert and the
 * `ovirt_ha_bridge_ha_vms_waiting_for_room` gauge ask for `cause = 'waiting_for_room' AND ended_at IS NULL` on every
 * page view and scrape, which without this index reads the whole table.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('incidents', (t) => {
    t.index(['cause', 'ended_at'], 'incidents_cause_ended_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('incidents', (t) => {
    t.dropIndex(['cause', 'ended_at'], 'incidents_cause_ended_at_index');
  });
}
