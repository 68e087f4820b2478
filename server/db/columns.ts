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
