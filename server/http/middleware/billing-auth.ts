/** Guards the billing panel's read API: `Authorization: Bearer <BILLING_API_KEY>`, compared in constant time. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { UnauthorizedError } from '../../errors';

/** Whether a request carries the billing API key as a Bearer token; compared in constant time. */
export function hasBillingKey(apiKey: string): (req: Request) => boolean {
  // Hashing both sides gives equal lengths, so timingSafeEqual never throws and length does not leak.
  const expected = createHash('sha256').update(apiKey).digest();
  return (req) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    const given = match?.[1] ? createHash('sha256').update(match[1]).digest() : undefined;
    return given !== undefined && timingSafeEqual(given, expected);
  };
}

export function requireBillingKey(apiKey: string) {
  const matches = hasBillingKey(apiKey);
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!matches(req)) {
      res.set('WWW-Authenticate', 'Bearer realm="billing"');
      throw new UnauthorizedError('The billing API key is missing or wrong: Authorization: Bearer <BILLING_API_KEY>.');
    }
    next();
  };
}
