/** Guards the admin API: `Authorization: Bearer <JWT>` with audience `admin`. */
import type { NextFunction, Request, Response } from 'express';
import type { AdminTokens } from '../../auth/admin-tokens';
import { UnauthorizedError } from '../../errors';

function bearerOf(req: Request): string | undefined {
  const header = req.get('authorization');
  return (header ? /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header) : null)?.[1];
}

/** Whether a request carries a valid admin token (for answers that say more to admins, without refusing others). */
export function hasAdminToken(tokens: AdminTokens): (req: Request) => boolean {
  return (req) => {
    const token = bearerOf(req);
    if (!token) return false;
    try {
      tokens.verify(token);
      return true;
    } catch {
      return false;
    }
  };
}

export function requireAdmin(tokens: AdminTokens) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const token = bearerOf(req);
    if (!token) {
      res.set('WWW-Authenticate', 'Bearer realm="admin"');
      throw new UnauthorizedError('An admin token is required: Authorization: Bearer <token>.');
    }
    try {
      res.locals.admin = tokens.verify(token);
    } catch (err) {
      res.set('WWW-Authenticate', 'Bearer realm="admin", error="invalid_token"');
      throw err;
    }
    next();
  };
}
