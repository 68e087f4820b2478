import type { Knex } from 'knex';

/**
 * Incident notices: when the panel was told an incident opened and when it was told it ended, each
 * set once by a compare-and-set (`… WHERE opened_notice_at IS NULL`) in the transaction that queues the callback, so
 * any number of instances sweeping at once send each notice once. A column is also set, with no callback, when the
 * sweep finds none is due (an incident that ended before any sweep saw it open is told once, when resolved; an
 * excluded one that ended is told never). Incidents already stored count as told: the panel should not e-mail
 * customers about last month's outages on the day of the upgrade.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('incidents', (t) => {
    t.datetime('opened_notice_at', { precision: 3 }).nullable();
    t.datetime('resolved_notice_at', { precision: 3 }).nullable();
  });
  const now = new Date();
  await knex('incidents').update({ opened_notice_at: now, resolved_notice_at: now });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('incidents', (t) => {
    t.dropColumn('resolved_notice_at');
    t.dropColumn('opened_notice_at');
  });
}
