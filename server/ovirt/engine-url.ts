/**
 * The engine's address as providers write it. Hosting panels, oVirt's own docs and other tools disagree on whether
 * "the engine URL" is the host, the `/ovirt-engine` web context or the REST API under it; all of them name the same
 * engine, so we accept each and keep one canonical base: `<origin>[/prefix]/ovirt-engine`. The SSO lives at
 * `<base>/sso/oauth/token` and the REST API at `<base>/api`.
 */

/** The accepted forms, for messages and docs. */
export const ENGINE_URL_FORMS =
  'https://engine.example.net, https://engine.example.net/ovirt-engine or https://engine.example.net/ovirt-engine/api';

/**
 * What may follow the `/ovirt-engine` web context. `/api/v4` is the version prefix the engine also serves
 * (docs/ovirt-api.md §1.1); other versions are not spoken here, so they are refused rather than silently rewritten.
 */
const ENGINE_TAIL = /^(.*?\/ovirt-engine)(?:\/api(?:\/v4)?)?$/;

export class EngineUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineUrlError';
  }
}

/**
 * The canonical engine base (`https://engine.example.net/ovirt-engine`) for any accepted form; throws EngineUrlError
 * saying what is wrong otherwise. Idempotent. The messages never repeat a user name or password found in the URL.
 */
export function normalizeEngineUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new EngineUrlError(`is not a URL; give the engine's address, e.g. ${ENGINE_URL_FORMS}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new EngineUrlError(`must start with https:// (or http:// in a lab), not ${url.protocol}//`);
  }
  if (url.username || url.password) {
    // A password in the URL would end up in logs and banners; the engine takes credentials from the form body anyway.
    throw new EngineUrlError('must not contain a user name or password; set OVIRT_USERNAME and OVIRT_PASSWORD instead');
  }
  if (url.search || url.hash)
    throw new EngineUrlError(`must not have a query (?…) or fragment (#…); give the engine's address, e.g. ${ENGINE_URL_FORMS}`);
  const path = url.pathname.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
  if (path === '') return `${url.origin}/ovirt-engine`;
  const m = ENGINE_TAIL.exec(path);
  if (!m?.[1]) {
    throw new EngineUrlError(
      `has the path ${path}, which is not an oVirt engine path; give the engine's address, e.g. ${ENGINE_URL_FORMS}`,
    );
  }
  return `${url.origin}${m[1]}`;
}

/** A URL with any user name and password removed, for messages that an operator reads. */
export function withoutCredentials(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1');
}

/** The path part only (`/ovirt-engine/sso/oauth/token`), for public pages that must not name the engine's host. */
export function pathOf(raw: string): string {
  try {
    return new URL(raw).pathname;
  } catch {
    return '';
  }
}
