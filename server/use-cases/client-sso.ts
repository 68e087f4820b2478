/**
 * Single sign-on from the billing panel into the client area. The panel (with its API key) asks for a link for one
 * client and one service; the link carries a random token, valid once and for a minute; only its SHA-256 is stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import { NotFoundError, UnprocessableError } from '../errors';
import type { ServicesRepository } from '../repositories/services';
import type { SsoTokensRepository } from '../repositories/sso-tokens';

export const SSO_LINK_TTL_MS = 60_000;

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export class ClientSso {
  constructor(private readonly d: { services: ServicesRepository; tokens: SsoTokensRepository; clock: Clock; publicUrl: string }) {}

  /** A one-time link for `clientId` to open `billingServiceId` in the client area. */
  async mint(billingServiceId: string, clientId: string): Promise<{ url: string; expiresAt: Date }> {
    const service = await this.d.services.findByBillingServiceId(billingServiceId);
    if (!service) throw new NotFoundError('service', billingServiceId);
    if (service.clientId !== clientId) {
      throw new UnprocessableError(
        'client_mismatch',
        `Service ${billingServiceId} belongs to another client; a link is only minted for the service's own client.`,
        { service_id: billingServiceId, client_id: clientId },
      );
    }
    const token = randomBytes(32).toString('base64url');
    const now = this.d.clock.now();
    const expiresAt = new Date(now.getTime() + SSO_LINK_TTL_MS);
    await this.d.tokens.insert({ tokenHash: hash(token), serviceRowId: service.id, clientId, expiresAt }, now);
    return { url: `${this.d.publicUrl}/client/sso?token=${token}`, expiresAt };
  }

  /** What a link grants, spending it; undefined when it is unknown, used or expired. */
  async redeem(token: string): Promise<{ clientId: string; billingServiceId: string } | undefined> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
    const grant = await this.d.tokens.consume(hash(token), this.d.clock.now());
    if (!grant) return undefined;
    const service = await this.d.services.findById(grant.serviceRowId);
    if (!service || service.clientId !== grant.clientId) return undefined;
    return { clientId: grant.clientId, billingServiceId: service.billingServiceId };
  }
}
