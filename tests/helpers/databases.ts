/**
 * The databases every database suite runs on: SQLite always, MySQL/MariaDB too when TEST_MYSQL_URL is set.
 * Each MySQL test database is created fresh (its own schema on the server) and dropped afterwards, so suites running
 * in parallel jest workers never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { type DatabaseTarget, parseDatabaseUrl } from '../../server/config';
import { createKnex, type Knex } from '../../server/db/knex';

export type DatabaseKind = 'sqlite' | 'mysql';

export const mysqlUrl = process.env.TEST_MYSQL_URL;

/** Use as `describe.each(databaseKinds)('on %s', (kind) => …)`. */
export const databaseKinds: DatabaseKind[] = mysqlUrl ? ['sqlite', 'mysql'] : ['sqlite'];

export interface TestDatabase {
  kind: DatabaseKind;
  url: string;
  target: DatabaseTarget;
  knex: Knex;
  /** Destroys the pool and drops the MySQL database. */
  drop(): Promise<void>;
}

/**
 * Takes every connection of the pool (one on SQLite, ten on MySQL/MariaDB) in an idle transaction, so whatever the
 * service does next waits for one; returns the release.
 */
export async function holdEveryConnection(knex: Knex): Promise<() => Promise<void>> {
  const size = (knex.client as { pool: { max: number } }).pool.max;
  const holds = await Promise.all(Array.from({ length: size }, () => knex.transaction()));
  return async () => {
    await Promise.all(holds.map((h) => h.commit()));
  };
}

export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const target = parseDatabaseUrl('sqlite::memory:');
    const knex = createKnex(target);
    return { kind, url: target.url, target, knex, drop: () => knex.destroy() };
  }
  if (!mysqlUrl) throw new Error('TEST_MYSQL_URL is not set');
  const server = parseDatabaseUrl(mysqlUrl);
  if (server.client !== 'mysql') throw new Error('TEST_MYSQL_URL must be a mysql:// URL');
  const name = `obh_t${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({
    client: 'mysql2',
    connection: { host: server.host, port: server.port, user: server.user, password: server.password },
    pool: { min: 0, max: 1 },
  });
  try {
    await admin.raw('CREATE DATABASE ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [name]);
  } finally {
    await admin.destroy();
  }
  const url = new URL(mysqlUrl);
  url.pathname = `/${name}`;
  const target = parseDatabaseUrl(url.toString());
  const knex = createKnex(target);
  return {
    kind,
    url: url.toString(),
    target,
    knex,
    drop: async () => {
      await knex.raw('DROP DATABASE IF EXISTS ??', [name]).catch(() => undefined);
      await knex.destroy();
    },
  };
}
