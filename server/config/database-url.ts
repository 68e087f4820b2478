/** DATABASE_URL: which database, and how to show its URL without the password. */
import path from 'node:path';

export type DatabaseTarget =
  | { client: 'sqlite'; filename: string; url: string }
  | { client: 'mysql'; host: string; port: number; user: string; password: string; database: string; url: string };

/** Parses a DATABASE_URL of the form `sqlite:<path>`, `sqlite::memory:` or `mysql://user:pass@host:port/db`. */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const rest = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (rest === '') throw new Error('DATABASE_URL sqlite: needs a file path, or :memory:');
    return { client: 'sqlite', filename: rest === ':memory:' ? ':memory:' : path.resolve(rest), url };
  }
  if (/^(mysql|mariadb):\/\//.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error('DATABASE_URL is not a valid mysql:// URL');
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (!parsed.hostname) throw new Error('DATABASE_URL mysql:// needs a host');
    if (!database) throw new Error('DATABASE_URL mysql:// needs a database name after the host, e.g. /ovirt_ha_bridge');
    return {
      client: 'mysql',
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : 3306,
      user: decodeURIComponent(parsed.username || 'root'),
      password: decodeURIComponent(parsed.password),
      database,
      url,
    };
  }
  throw new Error('DATABASE_URL must start with sqlite: or mysql:// (e.g. sqlite:data/bridge.sqlite)');
}

/** The URL with its password hidden, for banners and logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
