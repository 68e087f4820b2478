/** Admin console accounts. */
import type { Knex } from 'knex';
import { readDate, readNullableDate, readNumber } from '../db/columns';

export interface AdminUser {
  id: number;
  email: string;
  passwordHash: string;
  lastLoginAt: Date | null;
  createdAt: Date;
}

const TABLE = 'admin_users';

function toUser(r: Record<string, unknown>): AdminUser {
  return {
    id: readNumber(r.id),
    email: String(r.email),
    passwordHash: String(r.password_hash),
    lastLoginAt: readNullableDate(r.last_login_at),
    createdAt: readDate(r.created_at),
  };
}

export class AdminUsersRepository {
  constructor(private readonly knex: Knex) {}

  async findByEmail(email: string): Promise<AdminUser | undefined> {
    const row = (await this.knex(TABLE).where({ email }).first()) as Record<string, unknown> | undefined;
    return row ? toUser(row) : undefined;
  }

  async findById(id: number): Promise<AdminUser | undefined> {
    const row = (await this.knex(TABLE).where({ id }).first()) as Record<string, unknown> | undefined;
    return row ? toUser(row) : undefined;
  }

  async list(): Promise<AdminUser[]> {
    return ((await this.knex(TABLE).orderBy('email')) as Array<Record<string, unknown>>).map(toUser);
  }

  /** Inserts; a taken email surfaces as the driver's unique violation. */
  async insert(email: string, passwordHash: string, now: Date): Promise<void> {
    await this.knex(TABLE).insert({ email, password_hash: passwordHash, created_at: now, updated_at: now });
  }

  async setPassword(id: number, passwordHash: string, now: Date): Promise<void> {
    await this.knex(TABLE).where({ id }).update({ password_hash: passwordHash, updated_at: now });
  }

  async recordLogin(id: number, now: Date): Promise<void> {
    await this.knex(TABLE).where({ id }).update({ last_login_at: now });
  }

  async delete(id: number): Promise<boolean> {
    return (await this.knex(TABLE).where({ id }).delete()) > 0;
  }
}
