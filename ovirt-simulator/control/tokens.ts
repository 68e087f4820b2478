import { randomBytes } from 'node:crypto';
import type { SimClock } from '../clock';

interface Session {
  loginName: string;
  issuedAt: number;
  expiresAt: number;
  /** The engine session the token's first API request created (`CreateUserSession`), once it has one. */
  engineSessionId: string | undefined;
}

/**
 * SSO tokens. A token lives `ttlMs` of simulated time from issue, so a test can expire it by advancing the clock
 * and watch the client fetch a new one. (The real engine expires the session after 30 idle minutes and reports
 * `exp` as Long.MAX_VALUE for internal users; we keep that `exp` and use a fixed lifetime, which is the more
 * predictable lever for tests.) Tokens survive scenario resets; one whose user vanished no longer authenticates.
 */
export class TokenStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly clock: SimClock,
    private ttlMs: number,
  ) {}

  setTtlSeconds(seconds: number): void {
    this.ttlMs = seconds * 1000;
  }

  issue(loginName: string): string {
    const token = randomBytes(20).toString('base64');
    const now = this.clock.now();
    this.sessions.set(token, { loginName, issuedAt: now, expiresAt: now + this.ttlMs, engineSessionId: undefined });
    return token;
  }

  /** The login name behind a live token, else undefined (expired tokens are dropped). */
  validate(token: string): string | undefined {
    const session = this.sessions.get(token);
    if (!session) return undefined;
    if (this.clock.now() >= session.expiresAt) {
      this.sessions.delete(token);
      return undefined;
    }
    return session.loginName;
  }

  /**
   * The engine session a live token's first API request creates (its id from `newId`); undefined when it already
   * has one (later requests find it by the token, `GetEngineSessionIdForSsoToken`).
   */
  openEngineSession(token: string, newId: () => string): string | undefined {
    const session = this.sessions.get(token);
    if (!session || session.engineSessionId !== undefined) return undefined;
    session.engineSessionId = newId();
    return session.engineSessionId;
  }

  revoke(token: string): boolean {
    return this.sessions.delete(token);
  }

  /** Expires every token now (control API: force all clients to log in again). */
  revokeAll(): void {
    this.sessions.clear();
  }

  count(): number {
    return this.sessions.size;
  }
}
