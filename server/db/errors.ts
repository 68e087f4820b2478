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
