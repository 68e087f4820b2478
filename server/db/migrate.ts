/**
 * Migrations live in /migrations as timestamped TypeScript files, one change each, loaded by knex's directory loader.
 * Used at start (server/main.ts), by `npm run migrate` and by the tests.
 */
import path from 'node:path';
import type { Knex } from 'knex';

export const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'migrations');

export function migrationConfig(): Knex.MigratorConfig {
  return {
    directory: MIGRATIONS_DIR,
    // .ts when run from source (tsx, jest); .js once compiled to dist/.
    loadExtensions: ['.ts', '.js'],
    tableName: 'knex_migrations',
  };
}

/** Applies every pending migration; returns the names applied in this call. */
export async function migrateLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest(migrationConfig())) as [number, string[]];
  return applied;
}

/** Rolls back every migration (all batches). For tests and `npm run migrate -- --down-all`. */
export async function rollbackAll(knex: Knex): Promise<string[]> {
  const [, reverted] = (await knex.migrate.rollback(migrationConfig(), true)) as [number, string[]];
  return reverted;
}
