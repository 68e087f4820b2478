/** Signed-in admin sessions (see migrations/…_create_admin_sessions.ts). */
import type { Knex } from 'knex';
import { readDate, readNumber } from '../db/columns';

export interface AdminSessionRow {
  id: number;
  adminUserId: number;
  csrfToken: string;
  lastSeenAt: Date;
  expiresAt: Date;
}

const TABLE = 'admin_sessions';

export class AdminSessionsRepository {
  constructor(private readonly knex: Knex) {}

  async insert(s: { tokenHash: string; adminUserId: number; csrfToken: string; expiresAt: Date }, now: Date): Promise<void> {
    await this.knex(TABLE).insert({
      token_hash: s.tokenHash,
      admin_user_id: s.adminUserId,
      csrf_token: s.csrfToken,
      created_at: now,
      last_seen_at: now,
      expires_at: s.expiresAt,
    });
  }

  async findByTokenHash(tokenHash: string): Promise<AdminSessionRow | undefined> {
    const r = (await this.knex(TABLE).where({ token_hash: tokenHash }).first()) as Record<string, unknown> | undefined;
    if (!r) return undefined;
    return {
      id: readNumber(r.id),
      adminUserId: readNumber(r.admin_user_id),
      csrfToken: String(r.csrf_token),
      lastSeenAt: readDate(r.last_seen_at),
      expiresAt: readDate(r.expires_at),
    };
  }

  async touch(id: number, now: Date): Promise<void> {
    await this.knex(TABLE).where({ id }).update({ last_seen_at: now });
  }

  async delete(id: number): Promise<void> {
    await this.knex(TABLE).where({ id }).delete();
  }

  /** Every session of one admin (a password change signs them all out). */
  async deleteForUser(adminUserId: number): Promise<void> {
    await this.knex(TABLE).where({ admin_user_id: adminUserId }).delete();
  }

  /** Sessions past their end or idle since before `idleBefore` (housekeeping). */
  async purge(now: Date, idleBefore: Date): Promise<number> {
    return this.knex(TABLE).where('expires_at', '<', now).orWhere('last_seen_at', '<', idleBefore).delete();
  }
}
