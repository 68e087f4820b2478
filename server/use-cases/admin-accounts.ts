/**
 * Admin console accounts and sessions. Passwords are argon2id hashes; a session is a random id in a cookie, stored
 * hashed, ending after `idleMinutes` without use or `sessionHours` in all, and at sign-out. Failed sign-ins are
 * limited per account and per address; the answer never tells whether an email has an account.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import argon2 from 'argon2';
import type { Clock } from '../clock';
import { constraintKind, translateDbError } from '../db/errors';
import { ConflictError, NotFoundError, TooManyRequestsError, UnauthorizedError, ValidationError } from '../errors';
import type { AdminLoginFailuresRepository } from '../repositories/admin-login-failures';
import type { AdminSessionsRepository } from '../repositories/admin-sessions';
import type { AdminUser, AdminUsersRepository } from '../repositories/admin-users';

export const MIN_PASSWORD_LENGTH = 12;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}\.[^\s@]{2,}$/;
/** Seen by the touch throttle: a page view updates last_seen_at at most once a minute. */
const TOUCH_EVERY_MS = 60_000;

export interface AdminSessionOptions {
  idleMinutes: number;
  sessionHours: number;
  /** Failures allowed per account, and per address, within `windowMinutes`. */
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  windowMinutes: number;
}

export interface SignedInAdmin {
  sessionId: number;
  adminUserId: number;
  email: string;
  csrfToken: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Normalises an email for storage and lookup; ValidationError when it is not one. */
export function normaliseEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (!EMAIL.test(e) || e.length > 254) throw new ValidationError([{ field: 'email', message: 'must be an email address' }]);
  return e;
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new ValidationError([{ field: 'password', message: `must be at least ${MIN_PASSWORD_LENGTH} characters` }]);
  if (password.length > 1024) throw new ValidationError([{ field: 'password', message: 'must be at most 1024 characters' }]);
}

/** Compares two strings in constant time (for the CSRF token). */
export function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

export class AdminAccounts {
  /** A real hash to verify against when the email is unknown, so both cases take the same time. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly d: {
      users: AdminUsersRepository;
      sessions: AdminSessionsRepository;
      failures: AdminLoginFailuresRepository;
      clock: Clock;
      options: AdminSessionOptions;
    },
  ) {}

  async create(email: string, password: string): Promise<AdminUser> {
    const e = normaliseEmail(email);
    checkPassword(password);
    const hash = await argon2.hash(password, { type: argon2.argon2id });
    try {
      await this.d.users.insert(e, hash, this.d.clock.now());
    } catch (err) {
      translateDbError(err, { unique: new ConflictError(`An admin ${e} exists already.`, { email: e }, 'duplicate_admin') });
    }
    return (await this.d.users.findByEmail(e)) as AdminUser;
  }

  async setPassword(email: string, password: string): Promise<void> {
    const user = await this.d.users.findByEmail(normaliseEmail(email));
    if (!user) throw new NotFoundError('admin', email);
    checkPassword(password);
    await this.d.users.setPassword(user.id, await argon2.hash(password, { type: argon2.argon2id }), this.d.clock.now());
    await this.d.sessions.deleteForUser(user.id);
  }

  list(): Promise<AdminUser[]> {
    return this.d.users.list();
  }

  /** Removes an account and its sessions; also a panel-vouched one (`whmcs:alice`), which signs that person out. */
  async remove(email: string): Promise<void> {
    const vouched = /^[a-z]+:[a-z0-9._-]{1,64}$/.test(email.trim().toLowerCase());
    const user = await this.d.users.findByEmail(vouched ? email.trim().toLowerCase() : normaliseEmail(email));
    if (!user || !(await this.d.users.delete(user.id))) throw new NotFoundError('admin', email);
  }

  /**
   * Signs in; returns the session cookie value and the session. Wrong email or password: UnauthorizedError with one
   * message for both. Too many failures for the account or the address: TooManyRequestsError, even for the right
   * password, so a locked account cannot be probed. The attempt is reserved before the password is checked (and stays
   * as a failure unless it succeeds), so parallel sign-ins cannot all pass the limit while the checks run.
   */
  async signIn(email: string, password: string, address: string): Promise<{ token: string; session: SignedInAdmin }> {
    const now = this.d.clock.now();
    const o = this.d.options;
    const e = email.trim().toLowerCase().slice(0, 254);
    const windowMs = o.windowMinutes * 60_000;
    const attempt = await this.d.failures.reserve(
      e,
      address,
      now,
      new Date(now.getTime() - windowMs),
      (c) => c.account < o.maxFailuresPerAccount && c.address < o.maxFailuresPerAddress,
    );
    if (!attempt.reserved) {
      const counts = attempt.counts;
      const oldest = (counts.account >= o.maxFailuresPerAccount ? counts.oldestAccount : counts.oldestAddress) ?? now;
      const retry = Math.max(1, Math.ceil((oldest.getTime() + windowMs - now.getTime()) / 1000));
      throw new TooManyRequestsError(`Too many failed sign-ins. Try again in ${Math.ceil(retry / 60)} minute(s).`, retry);
    }
    const user = await this.d.users.findByEmail(e);
    const ok = user ? await argon2.verify(user.passwordHash, password) : await this.verifyDummy(password);
    if (!user || !ok) throw new UnauthorizedError('The email or password is wrong.');
    await this.d.failures.clearAccount(e);
    return this.openSession(user, now);
  }

  /**
   * Starts a session for someone the billing panel vouched for (WHMCS's AdminSingleSignOn), named
   * `whmcs:<username>`. The account is made on first use with a random password nobody is told, so it is entered only
   * through the panel's one-time links; the admin CLI lists it like any other, and `delete` ends its sessions (the
   * panel's next link makes it again: the panel decides who may come in).
   */
  async startVouchedSession(name: string): Promise<{ token: string; session: SignedInAdmin }> {
    const now = this.d.clock.now();
    let user = await this.d.users.findByEmail(name);
    if (!user) {
      const unusable = await argon2.hash(randomBytes(32).toString('base64url'), { type: argon2.argon2id });
      try {
        await this.d.users.insert(name, unusable, now);
      } catch (err) {
        // Two first links at once: the other request made the account; use it.
        if (constraintKind(err) !== 'unique') throw err;
      }
      user = await this.d.users.findByEmail(name);
      if (!user) throw new NotFoundError('admin', name);
    }
    return this.openSession(user, now);
  }

  private async openSession(user: AdminUser, now: Date): Promise<{ token: string; session: SignedInAdmin }> {
    await this.d.users.recordLogin(user.id, now);
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    await this.d.sessions.insert(
      {
        tokenHash: sha256(token),
        adminUserId: user.id,
        csrfToken,
        expiresAt: new Date(now.getTime() + this.d.options.sessionHours * 3600_000),
      },
      now,
    );
    const session = await this.d.sessions.findByTokenHash(sha256(token));
    return { token, session: { sessionId: session?.id ?? 0, adminUserId: user.id, email: user.email, csrfToken } };
  }

  /** The session behind a cookie value, or undefined (unknown, idle too long, past its end, or signed out). */
  async session(token: string): Promise<SignedInAdmin | undefined> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
    const row = await this.d.sessions.findByTokenHash(sha256(token));
    if (!row) return undefined;
    const now = this.d.clock.now().getTime();
    if (row.expiresAt.getTime() <= now || row.lastSeenAt.getTime() + this.d.options.idleMinutes * 60_000 <= now) {
      await this.d.sessions.delete(row.id);
      return undefined;
    }
    const user = await this.d.users.findById(row.adminUserId);
    if (!user) return undefined;
    if (now - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await this.d.sessions.touch(row.id, new Date(now));
    return { sessionId: row.id, adminUserId: user.id, email: user.email, csrfToken: row.csrfToken };
  }

  async signOut(session: SignedInAdmin): Promise<void> {
    await this.d.sessions.delete(session.sessionId);
  }

  /** Housekeeping: ended sessions and failures older than the window. */
  async purge(): Promise<number> {
    const now = this.d.clock.now();
    const o = this.d.options;
    return (
      (await this.d.sessions.purge(now, new Date(now.getTime() - o.idleMinutes * 60_000))) +
      (await this.d.failures.purge(new Date(now.getTime() - o.windowMinutes * 60_000)))
    );
  }

  private async verifyDummy(password: string): Promise<boolean> {
    this.dummyHash ??= argon2.hash(randomBytes(16).toString('hex'), { type: argon2.argon2id });
    await argon2.verify(await this.dummyHash, password);
    return false;
  }
}
