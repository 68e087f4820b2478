/**
 * One knex setup for both dialects. The differences are deliberate and listed here:
 * - SQLite (better-sqlite3): exactly one connection (a second would see another `:memory:` database and writers would
 *   hit SQLITE_BUSY), foreign keys switched on per connection (SQLite leaves them off), WAL for file databases.
 *   Dates are bound as epoch milliseconds by knex's better-sqlite3 dialect; db/columns.ts reads them back.
 * - MySQL/MariaDB (mysql2): utf8mb4 everywhere, every session in UTC so DATETIME(3) columns mean UTC and in
 *   READ COMMITTED (see afterCreate), a small pool.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { DatabaseTarget } from '../config';

export type { Knex };

interface SqliteConnection {
  pragma(source: string): unknown;
}
interface MysqlConnection {
  query(sql: string, cb: (err: Error | null) => void): void;
}

export function createKnex(target: DatabaseTarget): Knex {
  if (target.client === 'sqlite') {
    if (target.filename !== ':memory:') mkdirSync(path.dirname(target.filename), { recursive: true });
    return knexFactory({
      client: 'better-sqlite3',
      connection: { filename: target.filename },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: SqliteConnection) => void) {
          conn.pragma('foreign_keys = ON');
          conn.pragma('busy_timeout = 5000');
          if (target.filename !== ':memory:') conn.pragma('journal_mode = WAL');
          done(null, conn);
        },
      },
    });
  }
  return knexFactory({
    client: 'mysql2',
    connection: {
      host: target.host,
      port: target.port,
      user: target.user,
      password: target.password,
      database: target.database,
      charset: 'utf8mb4',
      timezone: 'Z',
      // DECIMAL columns come back as strings from mysql2; db/columns.ts converts them.
      supportBigNumbers: true,
    },
    pool: {
      min: 0,
      max: 10,
      afterCreate(conn: MysqlConnection, done: (err: Error | null, conn: MysqlConnection) => void) {
        // READ COMMITTED for every session: our transactions are short, and under REPEATABLE READ a locking read of a
        // row that does not exist yet takes a gap lock, which makes concurrent webhooks for new services deadlock.
        // Set once per connection rather than per transaction, which would cost a round trip on every webhook.
        conn.query("SET time_zone = '+00:00'", (err) => {
          if (err) return done(err, conn);
          // Its own statement: the SET TRANSACTION syntax cannot be combined with other assignments.
          conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', (err2) => done(err2, conn));
        });
      },
    },
    acquireConnectionTimeout: 10_000,
  });
}

export function isMysql(knex: Knex): boolean {
  return knex.client.config.client === 'mysql2';
}
