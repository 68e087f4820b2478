/**
 * Who polls the engine's events: one instance at a time. On MySQL/MariaDB the leader holds a named lock
 * (`GET_LOCK`) on a connection it keeps out of the pool; the server releases the lock when that connection dies, so
 * leadership moves to another instance when the leader's process does. On SQLite there is one process, the leader.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { isMysql } from '../db/knex';
import type { Logger } from '../logger';

export interface Leadership {
  /** True when this instance leads now (taking the lead if it is free). */
  acquire(): Promise<boolean>;
  /** Gives the lead up (at shutdown). */
  release(): Promise<void>;
}

/**
 * The lock's name. GET_LOCK names are server-wide, so the database is part of it: bridges on other databases of the
 * same server (staging beside production, test runs) must not take each other's lead. Names are at most 64 characters.
 */
export function eventLockName(database: string): string {
  const name = `ovirt-ha-bridge:event-sync:${database}`;
  return name.length <= 64 ? name : `ovirt-ha-bridge:event-sync:${createHash('sha256').update(database).digest('hex').slice(0, 32)}`;
}

/** The single SQLite process always leads. */
export class SoleLeadership implements Leadership {
  acquire(): Promise<boolean> {
    return Promise.resolve(true);
  }
  release(): Promise<void> {
    return Promise.resolve();
  }
}

type Connection = object;

function firstRow(result: unknown): Record<string, unknown> | undefined {
  // mysql2 through knex.raw answers [rows, fields].
  const rows = Array.isArray(result) ? (result[0] as unknown) : undefined;
  return Array.isArray(rows) ? (rows[0] as Record<string, unknown> | undefined) : undefined;
}

export class MysqlLockLeadership implements Leadership {
  private conn: Connection | undefined;
  private lockName: string | undefined;

  constructor(
    private readonly knex: Knex,
    private readonly logger: Logger,
  ) {}

  async acquire(): Promise<boolean> {
    if (this.conn && this.lockName) {
      try {
        const row = firstRow(
          await this.knex.raw('SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS mine', [this.lockName]).connection(this.conn),
        );
        if (Number(row?.mine) === 1) return true;
      } catch (err) {
        this.logger.warn({ err }, 'event leader lost its lock connection');
      }
      await this.drop();
    }
    const client = this.knex.client as { acquireConnection(): Promise<Connection>; releaseConnection(c: Connection): Promise<void> };
    const conn = await client.acquireConnection();
    try {
      this.lockName ??= eventLockName(String(firstRow(await this.knex.raw('SELECT DATABASE() AS db').connection(conn))?.db ?? ''));
      const row = firstRow(await this.knex.raw('SELECT GET_LOCK(?, 0) AS got', [this.lockName]).connection(conn));
      if (Number(row?.got) === 1) {
        this.conn = conn;
        this.logger.info('this instance now polls the engine events (leader)');
        return true;
      }
    } catch (err) {
      this.logger.warn({ err }, 'could not ask for the event leader lock');
    }
    await client.releaseConnection(conn);
    return false;
  }

  async release(): Promise<void> {
    if (!this.conn || !this.lockName) return;
    try {
      await this.knex.raw('SELECT RELEASE_LOCK(?)', [this.lockName]).connection(this.conn);
    } catch {
      // The connection is gone, and the lock with it.
    }
    await this.drop();
  }

  private async drop(): Promise<void> {
    const conn = this.conn;
    this.conn = undefined;
    if (!conn) return;
    const client = this.knex.client as { releaseConnection(c: Connection): Promise<void> };
    await client.releaseConnection(conn).catch(() => undefined);
  }
}

export function createLeadership(knex: Knex, logger: Logger): Leadership {
  return isMysql(knex) ? new MysqlLockLeadership(knex, logger) : new SoleLeadership();
}
