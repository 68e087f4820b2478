/**
 * The admin console's session and CSRF guard. The session cookie (`ohb_admin` on Path=/admin; on https
 * `__Host-ohb_admin`, Secure, on Path=/; HttpOnly and SameSite=Strict either way) names a server-side session; every
 * POST must carry that session's CSRF token in `_csrf`. Pages never change state on GET.
 */
import type { NextFunction, Request, Response } from 'express';
import { ForbiddenError } from '../../errors';
import { type AdminAccounts, sameSecret, type SignedInAdmin } from '../../use-cases/admin-accounts';
import { type CookieSpec, readCookies } from './cookies';

export const ADMIN_COOKIE = 'ohb_admin';

/** The signed-in admin of this request (set by loadAdminSession), if any. */
export function signedInAdmin(res: Response): SignedInAdmin | undefined {
  return res.locals.adminSession as SignedInAdmin | undefined;
}

/**
 * Reads the session cookie; a valid session is put in res.locals (with its CSRF token for the templates). The first of
 * the request's session cookies that names a live session counts, so one set on a parent domain cannot shadow ours.
 */
export function loadAdminSession(accounts: AdminAccounts, cookie: CookieSpec) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    let session: SignedInAdmin | undefined;
    for (const token of readCookies(req, cookie.name)) {
      session = await accounts.session(token);
      if (session) break;
    }
    if (session) {
      res.locals.adminSession = session;
      res.locals.csrfToken = session.csrfToken;
      res.locals.adminEmail = session.email;
    }
    next();
  };
}

/** Pages need a session: without one, a GET goes to the sign-in page (and back afterwards); anything else is 401. */
export function requireAdminSession(req: Request, res: Response, next: NextFunction): void {
  if (signedInAdmin(res)) return next();
  const back = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
  res.redirect(303, `/admin/login${back}`);
}

/** Every POST carries the session's CSRF token; a missing or wrong one changes nothing (403). */
export function checkCsrf(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== 'POST') return next();
  const session = signedInAdmin(res);
  const given =
    typeof (req.body as Record<string, unknown> | undefined)?._csrf === 'string' ? String((req.body as Record<string, unknown>)._csrf) : '';
  if (!session || !given || !sameSecret(given, session.csrfToken)) {
    throw new ForbiddenError('This form has expired or did not come from this console (CSRF check failed). Reload the page and try again.');
  }
  next();
}
