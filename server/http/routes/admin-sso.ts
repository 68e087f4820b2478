/**
 * `POST /api/v1/admin-sso` (billing API key): a one-time link into the admin console for one of the panel's staff
 * users, for WHMCS's AdminSingleSignOn. 201 {url, expires_at, admin}. The landing is GET
 * /admin/sso?token=… in the console (routes/admin-console.ts).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { AdminSso } from '../../use-cases/admin-sso';
import { parseOrThrow } from '../middleware/validate';

export const adminSsoBody = z
  .object({
    username: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be the panel user name: 1-64 letters, digits, dots, dashes or underscores'),
  })
  .strict();

export function adminSsoRouter(sso: AdminSso): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const { username } = parseOrThrow(adminSsoBody, req.body ?? {});
    const link = await sso.mint(username);
    res.set('Cache-Control', 'no-store');
    res.status(201).json({ url: link.url, expires_at: link.expiresAt.toISOString(), admin: link.admin });
  });
  return router;
}
