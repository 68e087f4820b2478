/**
 * Our cookies' names, and reading request cookies without a cookie-parsing dependency. A browser may send several
 * cookies of one name (ours, and one set on the provider's parent domain), and any of them may be malformed; a value
 * that does not percent-decode is treated as absent, so such a cookie cannot turn every page into a 500.
 */
import type { Request } from 'express';

/** Where a cookie lives: its name, its path, and whether it is Secure. */
export interface CookieSpec {
  name: string;
  path: string;
  secure: boolean;
}

/**
 * On https a cookie is named `__Host-<name>` with Path=/: browsers accept that prefix only from this very host, Secure
 * and without a Domain, so a cookie set on a parent domain can never pass for ours. Plain http (development)
 * cannot set Secure cookies, so there the plain name and the narrower path stay.
 */
export function cookieSpec(name: string, path: string, secure: boolean): CookieSpec {
  return secure ? { name: `__Host-${name}`, path: '/', secure } : { name, path, secure };
}

/** At most this many values of one name are looked at, so a flood of cookies cannot cost a lookup each. */
const MAX_VALUES = 4;

function decode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** Every well-formed value of one cookie, in the order the browser sent them (the most specific path first). */
export function readCookies(req: Request, name: string): string[] {
  const values: string[] = [];
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    const value = decode(part.slice(eq + 1).trim());
    if (value !== undefined && values.push(value) >= MAX_VALUES) break;
  }
  return values;
}
