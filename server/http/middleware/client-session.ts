/** Reads the client-area session cookie; the route decides what a missing session means. */
import type { Request } from 'express';
import type { ClientSessions } from '../../auth/client-sessions';
import { readCookies } from './cookies';

/** The signed-in client's id, or undefined. The first of the request's session cookies that names a live session counts. */
export async function clientOf(req: Request, sessions: ClientSessions, cookieName: string): Promise<string | undefined> {
  for (const token of readCookies(req, cookieName)) {
    const clientId = await sessions.clientOf(token);
    if (clientId) return clientId;
  }
  return undefined;
}

/** The signed-in client and the session's CSRF token (the client area's forms), or undefined. */
export async function clientSessionOf(
  req: Request,
  sessions: ClientSessions,
  cookieName: string,
): Promise<{ clientId: string; csrfToken: string } | undefined> {
  for (const token of readCookies(req, cookieName)) {
    const clientId = await sessions.clientOf(token);
    const csrfToken = sessions.csrfToken(token);
    if (clientId && csrfToken) return { clientId, csrfToken };
  }
  return undefined;
}
