/** One-time client-area links (see migrations/…_create_sso_tokens.ts). Only token hashes are stored. */
import type { Knex } from 'knex';
import { readNumber } from '../db/columns';
import { consumeToken } from './one-time-tokens';

const TABLE = 'sso_tokens';

export class SsoTokensRepository {
  constructor(private readonly knex: Knex) {}

  async insert(t: { tokenHash: string; serviceRowId: number; clientId: string; expiresAt: Date }, now: Date): Promise<void> {
    await this.knex(TABLE).insert({
      token_hash: t.tokenHash,
      service_row_id: t.serviceRowId,
      client_id: t.clientId,
      expires_at: t.expiresAt,
      used_at: null,
      created_at: now,
    });
  }

  /**
   * Marks the token used and returns what it grants, in one conditional update, so two clicks racing on the same link
   * cannot both succeed. Undefined when the token is unknown, used or expired.
   */
  async consume(tokenHash: string, now: Date): Promise<{ serviceRowId: number; clientId: string } | undefined> {
    const row = await consumeToken<{ service_row_id: unknown; client_id: string }>(this.knex, TABLE, tokenHash, now, [
      'service_row_id',
      'client_id',
    ]);
    return row ? { serviceRowId: readNumber(row.service_row_id), clientId: String(row.client_id) } : undefined;
  }

  /** Drops tokens expired before `before` (housekeeping). */
  async purge(before: Date): Promise<number> {
    return this.knex(TABLE).where('expires_at', '<', before).delete();
  }
}
