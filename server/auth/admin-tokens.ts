/**
 * Admin bearer tokens: HS256 JWTs signed with SESSION_SECRET, audience `admin`. The algorithm is pinned on verify
 * (never taken from the token header), so `alg: none` and algorithm-confusion tokens fail (RFC 8725 §3.1).
 */
import jwt from 'jsonwebtoken';
import type { Clock } from '../clock';
import { UnauthorizedError } from '../errors';

export const ADMIN_AUDIENCE = 'admin';
export const TOKEN_ISSUER = 'ovirt-ha-bridge';

export interface AdminIdentity {
  subject: string;
  expiresAt: Date;
}

export class AdminTokens {
  constructor(
    private readonly secret: string,
    private readonly clock: Clock,
  ) {}

  /** A token for `subject`, valid for `ttlSeconds` from the clock's now. */
  sign(subject: string, ttlSeconds = 3600): string {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    return jwt.sign({ iat, exp: iat + ttlSeconds }, this.secret, {
      algorithm: 'HS256',
      audience: ADMIN_AUDIENCE,
      issuer: TOKEN_ISSUER,
      subject,
    });
  }

  /** The identity in a valid token; UnauthorizedError (with a reason a human can act on) otherwise. */
  verify(token: string): AdminIdentity {
    try {
      const payload = jwt.verify(token, this.secret, {
        algorithms: ['HS256'],
        audience: ADMIN_AUDIENCE,
        issuer: TOKEN_ISSUER,
        clockTimestamp: Math.floor(this.clock.now().getTime() / 1000),
        clockTolerance: 5,
      });
      if (typeof payload === 'string' || !payload.sub || typeof payload.exp !== 'number') {
        throw new UnauthorizedError('The admin token lacks a subject or an expiry.');
      }
      return { subject: payload.sub, expiresAt: new Date(payload.exp * 1000) };
    } catch (err) {
      if (err instanceof UnauthorizedError) throw err;
      if (err instanceof jwt.TokenExpiredError) throw new UnauthorizedError('The admin token has expired.');
      throw new UnauthorizedError('The admin token is not valid.');
    }
  }
}
