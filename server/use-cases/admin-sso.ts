/**
 * Single sign-on from the billing panel into the admin console (WHMCS's AdminSingleSignOn). The
 * panel, with its API key, asks for a link for one of its staff users; the link carries a random token, valid once and
 * for a minute (only its SHA-256 is stored), and opens a console session for `<panel>:<username>`.
 *
 * Trust: whoever holds the billing API key can open the console as an admin. The panel already holds the keys to
 * every service's lifecycle, and WHMCS itself decides which of its staff may use the link (its admin role
 * permissions); the console records such an admin by that name in every action they take.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { AdminSsoTokensRepository } from '../repositories/admin-sso-tokens';
import type { AdminAccounts, SignedInAdmin } from './admin-accounts';

export const ADMIN_SSO_LINK_TTL_MS = 60_000;
/** The panel's name for its staff users in the console: `whmcs:alice`. */
export const PANEL_ADMIN_PREFIX = 'whmcs:';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export class AdminSso {
  constructor(private readonly d: { tokens: AdminSsoTokensRepository; accounts: AdminAccounts; clock: Clock; publicUrl: string }) {}

  /** A one-time console link for the panel's staff user `username` (already checked: letters, digits, . _ -). */
  async mint(username: string): Promise<{ url: string; expiresAt: Date; admin: string }> {
    const admin = `${PANEL_ADMIN_PREFIX}${username.toLowerCase()}`;
    const token = randomBytes(32).toString('base64url');
    const now = this.d.clock.now();
    const expiresAt = new Date(now.getTime() + ADMIN_SSO_LINK_TTL_MS);
    await this.d.tokens.insert({ tokenHash: hash(token), adminName: admin, expiresAt }, now);
    return { url: `${this.d.publicUrl}/admin/sso?token=${token}`, expiresAt, admin };
  }

  /** Spends a link: a console session for whom it names, or undefined when it is unknown, used or expired. */
  async redeem(token: string): Promise<{ token: string; session: SignedInAdmin } | undefined> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
    const admin = await this.d.tokens.consume(hash(token), this.d.clock.now());
    return admin ? this.d.accounts.startVouchedSession(admin) : undefined;
  }

  /** Housekeeping: links that ended before `before`. */
  purge(before: Date): Promise<number> {
    return this.d.tokens.purge(before);
  }
}
