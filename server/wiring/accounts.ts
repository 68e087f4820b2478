/**
 * Wiring for who may come in: admin accounts with their sessions and sign-in limits, the one-time console links for
 * the panel's staff, the client area's links and sessions, and the admin API's tokens.
 */
import { AdminTokens } from '../auth/admin-tokens';
import { ClientSessions } from '../auth/client-sessions';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { AdminAccounts } from '../use-cases/admin-accounts';
import { AdminSso } from '../use-cases/admin-sso';
import { ClientSso } from '../use-cases/client-sso';
import type { Repositories } from './repositories';

export function buildAccounts(config: Config, r: Repositories, clock: Clock) {
  const adminAccounts = new AdminAccounts({
    users: r.adminUsers,
    sessions: r.adminSessions,
    failures: r.adminLoginFailures,
    clock,
    options: config.admin,
  });
  return {
    /** Bearer tokens of the admin JSON API. */
    adminTokens: new AdminTokens(config.secrets.session, clock),
    /** Admin console accounts, sessions and sign-in limits. */
    adminAccounts,
    /** One-time admin console links for the billing panel's staff. */
    adminSso: new AdminSso({ tokens: r.adminSsoTokens, accounts: adminAccounts, clock, publicUrl: config.publicUrl }),
    clientSso: new ClientSso({ services: r.services, tokens: r.ssoTokens, clock, publicUrl: config.publicUrl }),
    clientSessions: new ClientSessions({ sessions: r.clientSessions, clock, ttlSeconds: config.client.sessionTtlSeconds }),
  };
}
