/**
 * Client-area sessions: a random id in an HttpOnly cookie names a server-side session (only its SHA-256 is stored)
 * for the billing client it belongs to. Server-side so that signing out ends it at once on every instance (the
 * stateless token it replaced kept working until it expired); short-lived, because the panel mints a fresh link
 * whenever the customer opens their service again.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { ClientSessionsRepository } from '../repositories/client-sessions';

export const CLIENT_COOKIE = 'ohb_client';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export class ClientSessions {
  readonly ttlSeconds: number;

  constructor(private readonly d: { sessions: ClientSessionsRepository; clock: Clock; ttlSeconds?: number }) {
    this.ttlSeconds = d.ttlSeconds ?? 2 * 3600;
  }

  /** Starts a session for `clientId`; returns the cookie value. */
  async start(clientId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.d.clock.now();
    await this.d.sessions.insert({ tokenHash: sha256(token), clientId, expiresAt: new Date(now.getTime() + this.ttlSeconds * 1000) }, now);
    return token;
  }

  /** The client id of a live session, or undefined (unknown, expired, signed out, or not a session id at all). */
  async clientOf(token: string): Promise<string | undefined> {
    if (!TOKEN.test(token)) return undefined;
    const row = await this.d.sessions.findByTokenHash(sha256(token));
    return row && row.expiresAt.getTime() > this.d.clock.now().getTime() ? row.clientId : undefined;
  }

  /**
   * The CSRF token of a session, for the client area's forms: an HMAC of a fixed label keyed by the session
   * id, so it is bound to the session, needs no column, and does not reveal the session id (which stays in its
   * HttpOnly cookie). Only valid session ids have one.
   */
  csrfToken(token: string): string | undefined {
    return TOKEN.test(token) ? createHmac('sha256', token).update('ohb client-area csrf v1').digest('base64url') : undefined;
  }

  /** Signs out: the session ends for every instance at once. */
  async end(token: string): Promise<void> {
    if (TOKEN.test(token)) await this.d.sessions.deleteByTokenHash(sha256(token));
  }

  /** Housekeeping: sessions past their end. */
  purge(): Promise<number> {
    return this.d.sessions.purge(this.d.clock.now());
  }
}
