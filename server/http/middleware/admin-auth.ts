/** Guards the admin API: `Authorization: Bearer <JWT>` with audience `admin`. */
import type { NextFunction, Request, Response } from 'express';
import type { AdminTokens } from '../../auth/admin-tokens';
import { UnauthorizedError } from '../../errors';

export function requireAdmin(tokens: AdminTokens) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.get('authorization');
    const match = header ? /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header) : null;
    if (!match?.[1]) {
      res.set('WWW-Authenticate', 'Bearer realm="admin"');
      throw new UnauthorizedError('An admin token is required: Authorization: Bearer <token>.');
    }
    try {
      res.locals.admin = tokens.verify(match[1]);
    } catch (err) {
      res.set('WWW-Authenticate', 'Bearer realm="admin", error="invalid_token"');
      throw err;
    }
    next();
  };
}
