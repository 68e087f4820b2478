/** Failed admin sign-ins, counted per account and per address for the rate limit. */
import type { Knex } from 'knex';
import { readDate, readNumber } from '../db/columns';

const TABLE = 'admin_login_failures';

export class AdminLoginFailuresRepository {
  constructor(private readonly knex: Knex) {}

  async record(email: string, address: string, now: Date): Promise<void> {
    await this.knex(TABLE).insert({ email: email.slice(0, 254), address: address.slice(0, 64), failed_at: now });
  }

  /** Failures since `since` for the account and for the address, and the oldest of each (when the limit lifts). */
  async countSince(email: string, address: string, since: Date): Promise<{ account: number; address: number; oldestAccount: Date | null; oldestAddress: Date | null }> {
    const [acc, addr] = await Promise.all([
      this.knex(TABLE).where({ email }).andWhere('failed_at', '>=', since).count({ n: '*' }).min({ oldest: 'failed_at' }).first(),
      this.knex(TABLE).where({ address }).andWhere('failed_at', '>=', since).count({ n: '*' }).min({ oldest: 'failed_at' }).first(),
    ]);
    return {
      account: readNumber(acc?.n ?? 0),
      address: readNumber(addr?.n ?? 0),
      oldestAccount: acc?.oldest ? readDate(acc.oldest) : null,
      oldestAddress: addr?.oldest ? readDate(addr.oldest) : null,
    };
  }

  /** A successful sign-in clears the account's failures. */
  async clearAccount(email: string): Promise<void> {
    await this.knex(TABLE).where({ email }).delete();
  }

  async purge(before: Date): Promise<number> {
    return this.knex(TABLE).where('failed_at', '<', before).delete();
  }
}
