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
