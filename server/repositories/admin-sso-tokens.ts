/** One-time admin console links (migrations/20261206011500_create_admin_sso_tokens.ts). Only token hashes are stored. */
import type { Knex } from 'knex';
import { consumeToken } from './one-time-tokens';

const TABLE = 'admin_sso_tokens';

export class AdminSsoTokensRepository {
  constructor(private readonly knex: Knex) {}

  async insert(t: { tokenHash: string; adminName: string; expiresAt: Date }, now: Date): Promise<void> {
    await this.knex(TABLE).insert({
      token_hash: t.tokenHash,
      admin_name: t.adminName,
      expires_at: t.expiresAt,
      used_at: null,
      created_at: now,
    });
  }

  /**
   * Marks the token used and returns whom it names, in one conditional update, so two clicks racing on the same link
   * cannot both sign in. Undefined when the token is unknown, used or expired.
   */
  async consume(tokenHash: string, now: Date): Promise<string | undefined> {
    const row = await consumeToken<{ admin_name: unknown }>(this.knex, TABLE, tokenHash, now, ['admin_name']);
    return row ? String(row.admin_name) : undefined;
  }

  /** Drops tokens expired before `before` (housekeeping). */
  async purge(before: Date): Promise<number> {
    return this.knex(TABLE).where('expires_at', '<', before).delete();
  }
}
