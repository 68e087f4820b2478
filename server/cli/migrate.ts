/**
 * `npm run migrate` applies pending migrations; `-- --rollback` undoes the last batch; `-- --status` lists them.
 */
import { ConfigError, loadConfig, readProcessEnvironment } from '../config';
import { createKnex } from '../db/knex';
import { migrateLatest, migrationConfig } from '../db/migrate';
import { assertSupportedServer } from '../db/version-check';

async function run(): Promise<number> {
  const config = loadConfig(readProcessEnvironment());
  const knex = createKnex(config.database);
  try {
    console.log(`Database: ${await assertSupportedServer(knex)}`);
    const arg = process.argv[2];
    if (arg === '--rollback') {
      const [, reverted] = (await knex.migrate.rollback(migrationConfig())) as [number, string[]];
      console.log(reverted.length ? `Rolled back:\n  ${reverted.join('\n  ')}` : 'Nothing to roll back.');
    } else if (arg === '--status') {
      const [done, pending] = (await knex.migrate.list(migrationConfig())) as [Array<{ name: string }>, Array<{ file: string }>];
      console.log(`Applied (${done.length}):\n  ${done.map((m) => m.name).join('\n  ') || '-'}`);
      console.log(`Pending (${pending.length}):\n  ${pending.map((m) => m.file).join('\n  ') || '-'}`);
    } else if (arg === undefined) {
      const applied = await migrateLatest(knex);
      console.log(applied.length ? `Applied:\n  ${applied.join('\n  ')}` : 'Already up to date.');
    } else {
      console.error('Usage: npm run migrate [-- --status | --rollback]');
      return 2;
    }
    return 0;
  } finally {
    await knex.destroy();
  }
}

run().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `Migration failed: ${(err as Error).message}`);
    process.exit(1);
  },
);
