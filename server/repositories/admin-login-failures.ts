/**
 * Admin sign-in attempts, counted per account and per address for the rate limit. An attempt is reserved (a row here)
 * before its password is checked and stays as a failure unless the sign-in succeeds.
 */
import type { Knex } from 'knex';
import { readDate, readNumber } from '../db/columns';

const TABLE = 'admin_login_failures';
const LOCKS = 'admin_login_locks';

/** Attempts within the window for the account and for the address, and the oldest of each (when the limit lifts). */
export interface FailureCounts {
  account: number;
  address: number;
  oldestAccount: Date | null;
  oldestAddress: Date | null;
}

export class AdminLoginFailuresRepository {
  constructor(private readonly knex: Knex) {}

  /**
   * Reserves one attempt when `allowed` says the counts since `since` leave room, all in one transaction that first
   * locks the account's and the address's rows in admin_login_locks. Concurrent sign-ins for the same account or
   * address, on any instance, therefore count one after another and the (N+1)th is refused before any password is
   * checked (counting before the check and recording after it let 200 parallel guesses through).
   * MariaDB sessions run READ COMMITTED (db/knex.ts), so the count after the lock sees every earlier reservation;
   * SQLite has one connection, and the upsert takes its write lock first, so other processes wait on busy_timeout.
   */
  async reserve(
    email: string,
    address: string,
    now: Date,
    since: Date,
    allowed: (counts: FailureCounts) => boolean,
  ): Promise<{ reserved: true } | { reserved: false; counts: FailureCounts }> {
    const e = email.slice(0, 254);
    const a = address.slice(0, 64);
    return this.knex.transaction(async (trx) => {
      // Always account before address: one order for everyone, so two sign-ins never wait on each other's lock.
      for (const [scope, subject] of [
        ['account', e],
        ['address', a],
      ] as const) {
        await trx(LOCKS).insert({ scope, subject, touched_at: now }).onConflict(['scope', 'subject']).merge(['touched_at']);
      }
      const counts = await this.countSince(trx, e, a, since);
      if (!allowed(counts)) return { reserved: false, counts };
      await trx(TABLE).insert({ email: e, address: a, failed_at: now });
      return { reserved: true };
    });
  }

  /** A successful sign-in clears the account's failures. */
  async clearAccount(email: string): Promise<void> {
    await this.knex(TABLE).where({ email }).delete();
  }

  /** Attempts and lock rows older than `before` (housekeeping). */
  async purge(before: Date): Promise<number> {
    const attempts = await this.knex(TABLE).where('failed_at', '<', before).delete();
    return attempts + (await this.knex(LOCKS).where('touched_at', '<', before).delete());
  }

  private async countSince(trx: Knex.Transaction, email: string, address: string, since: Date): Promise<FailureCounts> {
    const acc = await trx(TABLE).where({ email }).andWhere('failed_at', '>=', since).count({ n: '*' }).min({ oldest: 'failed_at' }).first();
    const addr = await trx(TABLE)
      .where({ address })
      .andWhere('failed_at', '>=', since)
      .count({ n: '*' })
      .min({ oldest: 'failed_at' })
      .first();
    return {
      account: readNumber(acc?.n ?? 0),
      address: readNumber(addr?.n ?? 0),
      oldestAccount: acc?.oldest ? readDate(acc.oldest) : null,
      oldestAddress: addr?.oldest ? readDate(addr.oldest) : null,
    };
  }
}
