/** Reads the client-area session cookie; the route decides what a missing session means. */
import type { Request } from 'express';
import { CLIENT_COOKIE, type ClientSessions } from '../../auth/client-sessions';

/** The value of one cookie, without a cookie-parsing dependency. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The signed-in client's id, or undefined. */
export async function clientOf(req: Request, sessions: ClientSessions): Promise<string | undefined> {
  const token = readCookie(req, CLIENT_COOKIE);
  return token ? sessions.clientOf(token) : undefined;
}
