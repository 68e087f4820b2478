/**
 * Turns driver errors into domain errors in one place, so no SQL text or driver message reaches a client.
 * mysql2 reports `code` (ER_DUP_ENTRY, ER_ROW_IS_REFERENCED_2 …); better-sqlite3 reports `code` as
 * SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_FOREIGNKEY ….
 */
import { AppError, ConflictError } from '../errors';

interface DriverError {
  code?: unknown;
  errno?: unknown;
}

export type ConstraintKind = 'unique' | 'foreign_key';

export function constraintKind(err: unknown): ConstraintKind | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as DriverError).code;
  if (code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return 'unique';
  }
  if (
    code === 'ER_ROW_IS_REFERENCED_2' ||
    code === 'ER_ROW_IS_REFERENCED' ||
    code === 'ER_NO_REFERENCED_ROW_2' ||
    code === 'SQLITE_CONSTRAINT_FOREIGNKEY'
  ) {
    return 'foreign_key';
  }
  return undefined;
}

/** Re-throws a constraint violation as a ConflictError with the caller's message; any other error as it was. */
export function translateDbError(err: unknown, messages: Partial<Record<ConstraintKind, AppError | string>>): never {
  const kind = constraintKind(err);
  const replacement = kind ? messages[kind] : undefined;
  if (replacement instanceof AppError) throw replacement;
  if (typeof replacement === 'string') throw new ConflictError(replacement);
  throw err;
}

/** Driver codes that mean the database cannot be reached or refuses work for now, not that the request is wrong. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_LOCK_WAIT_TIMEOUT',
  'SQLITE_BUSY',
]);

/**
 * True when the error says the database is away (refused, dropped, timed out, shutting down, or the pool could not
 * hand out a connection in time): the request should be tried again later (503), not reported as our fault (500).
 */
export function databaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  if ((err as { name?: unknown }).name === 'KnexTimeoutError') return true;
  const code = (err as DriverError).code;
  return typeof code === 'string' && UNAVAILABLE_CODES.has(code);
}

/** Lock contention between instances: the statement was refused and trying again is the whole remedy. */
const CONTENTION_CODES = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY']);

/** True for a deadlock or lock-wait timeout: expected now and then when several instances share the database. */
export function lockContention(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as DriverError).code;
  return typeof code === 'string' && CONTENTION_CODES.has(code);
}

/** What a driver error may say in a log line. */
export interface LoggedDbError {
  type: string;
  code?: string;
  errno?: number;
  reason: string;
}

/**
 * An error as a log line may carry it. knex puts the whole statement in front of a driver error's message, with every
 * bound value filled in (lease tokens, token hashes), and mysql2 adds it again as `sql`; the stack is the driver's
 * own. A driver error therefore keeps only its type, code and the database's reason (a deadlock
 * on the claim logged the claim's SQL with its lease token). Any other error is returned as it is, for the logger's
 * own serializer.
 */
export function loggableError(err: unknown): unknown {
  if (typeof err !== 'object' || err === null) return err;
  const e = err as DriverError & { name?: unknown; message?: unknown; sqlMessage?: unknown; sql?: unknown };
  const driver =
    typeof e.sqlMessage === 'string' ||
    typeof e.sql === 'string' ||
    (typeof e.code === 'string' && /^(ER_|SQLITE_)/.test(e.code)) ||
    databaseUnavailable(err);
  if (!driver) return err;
  const message = typeof e.message === 'string' ? e.message : '';
  // knex's prefix is "<statement> - "; the driver's own message comes after the last separator.
  const cut = message.lastIndexOf(' - ');
  const reason = typeof e.sqlMessage === 'string' ? e.sqlMessage : cut >= 0 ? message.slice(cut + 3) : message;
  return {
    type: typeof e.name === 'string' ? e.name : 'Error',
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.errno === 'number' ? { errno: e.errno } : {}),
    reason,
  } satisfies LoggedDbError;
}
