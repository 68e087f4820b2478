import { isMysql, type Knex } from './knex';

/**
 * Readers that give one JavaScript type whatever the dialect returned: mysql2 gives Date for DATETIME, string for
 * DECIMAL and 0/1 for TINYINT(1); better-sqlite3 gives epoch-ms numbers for dates and 0/1 for booleans.
 */
export function readDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  if (typeof value === 'string') {
    // A bare numeric string is epoch ms; anything else is a DATETIME text in UTC.
    if (/^\d+$/.test(value)) return new Date(Number(value));
    return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
  }
  throw new TypeError(`Not a date: ${String(value)}`);
}

export function readNullableDate(value: unknown): Date | null {
  return value === null || value === undefined ? null : readDate(value);
}

export function readNumber(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) throw new TypeError(`Not a number: ${String(value)}`);
  return n;
}

export function readBoolean(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 'true';
}

/**
 * The collation identifier columns get on MySQL/MariaDB: byte-wise, so `svc-1` and `Svc-1` (or two base62 webhook
 * ids, or two token hashes) are different values as they are on SQLite. The server's default collation (`…_ci`)
 * folds case, which made a second id that differs only in case collide with the first on a unique index.
 */
export const IDENTIFIER_COLLATION = 'utf8mb4_bin';

/**
 * A string column for an identifier that must compare exactly on every database: billing service, client and product
 * ids, webhook ids, token hashes, engine VM names and ids, job keys. Use it instead of `t.string()` for such columns
 * in new tables or added columns, e.g. `identifierColumn(knex, t, 'billing_service_id', 64).notNullable().unique()`.
 * On MySQL/MariaDB the column is collated utf8mb4_bin (knex creates our tables utf8mb4); SQLite compares text with
 * its BINARY collation unless told otherwise, so there it is a plain string column. Columns of people's words
 * (names, host names, e-mail addresses, which are stored lower-cased) keep the table's default collation.
 * tests/integration/identifier-collation.test.ts fails on MariaDB for a string column named `*_id`, `*_hash`, `*_key`
 * or `*_token` that does not compare exactly.
 */
export function identifierColumn(
  knex: Knex,
  table: Knex.CreateTableBuilder | Knex.AlterTableBuilder,
  name: string,
  length: number,
): Knex.ColumnBuilder {
  const column = table.string(name, length);
  return isMysql(knex) ? column.collate(IDENTIFIER_COLLATION) : column;
}
