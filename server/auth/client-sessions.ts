/**
 * Client-area sessions: an HS256 JWT (audience `client`) in an HttpOnly cookie, naming the billing client it
 * belongs to. Stateless, so any instance serves the pages; short-lived, because the panel mints a fresh link
 * whenever the customer opens their service again.
 */
import jwt from 'jsonwebtoken';
import type { Clock } from '../clock';
import { TOKEN_ISSUER } from './admin-tokens';

export const CLIENT_AUDIENCE = 'client';
export const CLIENT_COOKIE = 'ohb_client';

export class ClientSessions {
  constructor(
    private readonly secret: string,
    private readonly clock: Clock,
    readonly ttlSeconds = 2 * 3600,
  ) {}

  sign(clientId: string): string {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    return jwt.sign({ iat, exp: iat + this.ttlSeconds }, this.secret, { algorithm: 'HS256', audience: CLIENT_AUDIENCE, issuer: TOKEN_ISSUER, subject: clientId });
  }

  /** The client id in a valid session token, or undefined (expired, forged, or an admin token). */
  verify(token: string): string | undefined {
    try {
      const payload = jwt.verify(token, this.secret, {
        algorithms: ['HS256'],
        audience: CLIENT_AUDIENCE,
        issuer: TOKEN_ISSUER,
        clockTimestamp: Math.floor(this.clock.now().getTime() / 1000),
      });
      return typeof payload === 'object' && payload.sub ? payload.sub : undefined;
    } catch {
      return undefined;
    }
  }
}
