/** Client-area sessions (see migrations/…_create_client_sessions.ts). Only token hashes are stored. */
import type { Knex } from 'knex';
import { readDate } from '../db/columns';

const TABLE = 'client_sessions';

export interface ClientSessionRow {
  clientId: string;
  expiresAt: Date;
}

export class ClientSessionsRepository {
  constructor(private readonly knex: Knex) {}

  async insert(s: { tokenHash: string; clientId: string; expiresAt: Date }, now: Date): Promise<void> {
    await this.knex(TABLE).insert({ token_hash: s.tokenHash, client_id: s.clientId, created_at: now, expires_at: s.expiresAt });
  }

  async findByTokenHash(tokenHash: string): Promise<ClientSessionRow | undefined> {
    const r = (await this.knex(TABLE).where({ token_hash: tokenHash }).first('client_id', 'expires_at')) as
      { client_id: unknown; expires_at: unknown } | undefined;
    return r ? { clientId: String(r.client_id), expiresAt: readDate(r.expires_at) } : undefined;
  }

  async deleteByTokenHash(tokenHash: string): Promise<void> {
    await this.knex(TABLE).where({ token_hash: tokenHash }).delete();
  }

  /** Sessions past their end (housekeeping). */
  async purge(now: Date): Promise<number> {
    return this.knex(TABLE).where('expires_at', '<', now).delete();
  }
}
