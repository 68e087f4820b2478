/**
 * The admin console (`/admin`): sign-in and sign-out, then server-rendered pages over the same services the JSON
 * admin API uses. Forms post urlencoded bodies with a CSRF token; a successful post redirects (303), so a reload
 * never posts twice.
 */
import { randomBytes } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import type { Container } from '../../container';
import { TooManyRequestsError, UnauthorizedError } from '../../errors';
import { sameSecret } from '../../use-cases/admin-accounts';
import { formBody } from '../middleware/json-body';
import { ADMIN_COOKIE, checkCsrf, loadAdminSession, requireAdminSession, signedInAdmin } from '../middleware/admin-session';
import { cookieSpec, readCookies } from '../middleware/cookies';
import { adminClusterPages } from './admin-pages/clusters';
import { adminJobPages } from './admin-pages/jobs';
import { adminIpPoolPages } from './admin-pages/ip-pools';
import { adminMaintenancePages } from './admin-pages/maintenance';
import { adminIncidentPages } from './admin-pages/incidents';
import { adminOverviewPage } from './admin-pages/overview';
import { adminPlanPages } from './admin-pages/plans';
import { adminServicePages } from './admin-pages/services';
import { adminServiceActionPages } from './admin-pages/service-actions';

/** Before a session exists, the sign-in form is protected by a double-submit token in its own cookie. */
const LOGIN_CSRF_COOKIE = 'ohb_login';

/** Only our own console paths are followed after sign-in (no open redirect). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/admin(\/[A-Za-z0-9/_?=&%.,-]*)?$/.test(next) && !next.startsWith('/admin/login') ? next : '/admin';
}

export function adminConsoleRouter(c: Container): Router {
  const router = Router();
  const secure = c.config.admin.secureCookies;
  const session = cookieSpec(ADMIN_COOKIE, '/admin', secure);
  const login = cookieSpec(LOGIN_CSRF_COOKIE, '/admin/login', secure);
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    res.set('X-Robots-Tag', 'noindex');
    next();
  });
  router.use(formBody('64kb'));
  router.use(loadAdminSession(c.adminAccounts, session));

  const showLogin = (req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) => {
    const token = randomBytes(24).toString('base64url');
    res.cookie(login.name, token, { httpOnly: true, sameSite: 'strict', secure, path: login.path });
    res.status(status).render('admin/login', {
      title: 'Sign in',
      nav: 'login',
      loginCsrf: token,
      next: safeNext(req.query.next ?? (req.body as Record<string, unknown> | undefined)?.next),
      signedOut: req.query.signed_out === '1',
      ...extra,
    });
  };

  router.get('/login', (req, res) => {
    if (signedInAdmin(res)) {
      res.redirect(303, safeNext(req.query.next));
      return;
    }
    showLogin(req, res, 200);
  });

  router.post('/login', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const email = typeof body.email === 'string' ? body.email : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const formToken = typeof body._csrf === 'string' ? body._csrf : '';
    // Any of the request's login cookies may match: one set on a parent domain must not shadow ours.
    if (!formToken || !readCookies(req, login.name).some((cookieToken) => cookieToken !== '' && sameSecret(cookieToken, formToken))) {
      showLogin(req, res, 403, { error: 'The sign-in form had expired. Please try again.', email });
      return;
    }
    try {
      const { token } = await c.adminAccounts.signIn(email, password, req.ip ?? 'unknown');
      res.clearCookie(login.name, { httpOnly: true, sameSite: 'strict', secure, path: login.path });
      res.cookie(session.name, token, { httpOnly: true, sameSite: 'strict', secure, path: session.path });
      res.redirect(303, safeNext(body.next));
    } catch (err) {
      if (err instanceof TooManyRequestsError) {
        res.set('Retry-After', String(err.retryAfterSeconds));
        showLogin(req, res, 429, { error: err.message, email });
        return;
      }
      if (err instanceof UnauthorizedError) {
        showLogin(req, res, 401, { error: err.message, email });
        return;
      }
      throw err;
    }
  });

  // The billing panel's one-time link (use-cases/admin-sso.ts): a session for the panel's staff user.
  router.get('/sso', async (req, res) => {
    const signedIn = await c.adminSso.redeem(typeof req.query.token === 'string' ? req.query.token : '');
    if (!signedIn) {
      showLogin(req, res, 410, {
        error:
          'This sign-in link from the billing panel was already used or has expired. Open the console again from the panel, or sign in here.',
      });
      return;
    }
    res.cookie(session.name, signedIn.token, { httpOnly: true, sameSite: 'strict', secure, path: session.path });
    res.render('admin/sso-landing', { admin: signedIn.session.email, next: '/admin' });
  });

  router.use(requireAdminSession);
  router.use(checkCsrf);

  router.post('/logout', async (_req, res) => {
    const admin = signedInAdmin(res);
    if (admin) await c.adminAccounts.signOut(admin);
    res.clearCookie(session.name, { httpOnly: true, sameSite: 'strict', secure, path: session.path });
    res.redirect(303, '/admin/login?signed_out=1');
  });

  router.use(adminOverviewPage(c));
  router.use('/plans', adminPlanPages(c));
  router.use('/clusters', adminClusterPages(c));
  router.use('/services', adminServiceActionPages(c));
  router.use('/services', adminServicePages(c));
  router.use('/jobs', adminJobPages(c));
  router.use('/ip-pools', adminIpPoolPages(c));
  router.use('/maintenance', adminMaintenancePages(c));
  router.use('/incidents', adminIncidentPages(c));
  return router;
}
