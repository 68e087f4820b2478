import type { Knex } from 'knex';

/**
 * The root password while a provisioning job still needs it, sealed with SECRETS_KEY (AES-256-GCM, never in clear),
 * and whether the bridge generated it (then it goes to the panel once, in the service.active callback). Both are
 * cleared once the VPS runs configured.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('services', (t) => {
    t.text('sealed_password').nullable();
    t.boolean('password_generated').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('services', (t) => {
    t.dropColumn('password_generated');
    t.dropColumn('sealed_password');
  });
}
