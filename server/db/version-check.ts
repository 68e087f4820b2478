/**
 * The job queue claims work with `SELECT … FOR UPDATE SKIP LOCKED`, which exists from MySQL 8.0.1 and MariaDB 10.6.
 * Older servers would run but deadlock or double-claim under load, so the service refuses to start on them.
 */
import type { Knex } from 'knex';
import { isMysql } from './knex';

export interface ServerVersion {
  product: 'MySQL' | 'MariaDB';
  major: number;
  minor: number;
  patch: number;
  raw: string;
}

const MINIMUM: Record<ServerVersion['product'], [number, number, number]> = {
  MySQL: [8, 0, 1],
  MariaDB: [10, 6, 0],
};

export function parseServerVersion(raw: string): ServerVersion | undefined {
  // MariaDB 10.x reports e.g. "10.11.19-MariaDB-0+deb12u1"; old replication-compatible builds prefix "5.5.5-".
  const m = /^(?:5\.5\.5-)?(\d+)\.(\d+)\.(\d+)/.exec(raw.trim());
  if (!m) return undefined;
  return {
    product: /mariadb/i.test(raw) ? 'MariaDB' : 'MySQL',
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    raw,
  };
}

/** A clear message when the server is too old or unrecognised, undefined when it is fine. */
export function versionProblem(raw: string): string | undefined {
  const v = parseServerVersion(raw);
  if (!v) return `Cannot read the database server version "${raw}"; oVirt HA Bridge needs MySQL >= 8.0.1 or MariaDB >= 10.6.`;
  const [maj, min, pat] = MINIMUM[v.product];
  const tooOld = v.major < maj || (v.major === maj && (v.minor < min || (v.minor === min && v.patch < pat)));
  if (!tooOld) return undefined;
  return (
    `${v.product} ${v.major}.${v.minor}.${v.patch} is too old: oVirt HA Bridge needs ${v.product} >= ${maj}.${min}.${pat} ` +
    `(its job queue relies on SELECT ... FOR UPDATE SKIP LOCKED). Upgrade the server or use SQLite for a single instance.`
  );
}

export class UnsupportedDatabaseError extends Error {}

/** Throws UnsupportedDatabaseError on a MySQL/MariaDB server that is too old; SQLite needs no check. */
export async function assertSupportedServer(knex: Knex): Promise<string> {
  if (!isMysql(knex)) {
    const rows = (await knex.raw('select sqlite_version() as v')) as Array<{ v: string }>;
    return `SQLite ${rows[0]?.v ?? '?'}`;
  }
  const [rows] = (await knex.raw('select version() as v')) as [Array<{ v: string }>];
  const raw = rows[0]?.v ?? '';
  const problem = versionProblem(raw);
  if (problem) throw new UnsupportedDatabaseError(problem);
  const v = parseServerVersion(raw);
  return `${v?.product} ${v?.major}.${v?.minor}.${v?.patch}`;
}
