/**
 * The engine's OAuth token (password grant). One token serves every call; concurrent callers share one request for
 * it, and a 401 renews it once however many calls saw the 401 at the same time.
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { EngineMetrics } from '../metrics/registry';
import { withoutCredentials } from './engine-url';
import { OvirtAuthError, OvirtError, OvirtLoginRejectedError, OvirtNoEngineError, OvirtTimeoutError, unreachable } from './errors';
import { tokenErrorSchema, tokenSchema } from './schemas';

export interface TokenManagerOptions {
  http: AxiosInstance;
  /** The canonical engine base, `…/ovirt-engine` (see engine-url.ts). */
  engineUrl: string;
  username: string;
  password: string;
  /** Counts token requests by why one was needed (none held yet, or the engine refused the one we had). */
  requests?: EngineMetrics['tokenRequests'];
}

export class TokenManager {
  private token: string | undefined;
  private pending: Promise<string> | undefined;
  /** How many token requests were made; exposed for metrics and tests. */
  requests = 0;

  constructor(private readonly options: TokenManagerOptions) {}

  /** The current token, fetching one if there is none. */
  get(): Promise<string> {
    if (this.token) return Promise.resolve(this.token);
    return this.fetchShared('no_token');
  }

  /** Called after a 401 with the token that was refused: renews once, even when many calls report the same token. */
  renew(refused: string): Promise<string> {
    if (this.token && this.token !== refused) return Promise.resolve(this.token);
    if (this.token === refused) this.token = undefined;
    return this.fetchShared('refused');
  }

  /** Logs the token out at the engine (as the SDKs do on close); errors are ignored, the token expires anyway. */
  async revoke(): Promise<void> {
    const token = this.token;
    this.token = undefined;
    if (!token) return;
    await this.options.http
      .post(`${this.options.engineUrl}/services/sso-logout`, new URLSearchParams({ scope: 'ovirt-app-api', token }), {
        headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
        timeout: 5000,
      })
      .catch(() => undefined);
  }

  private fetchShared(reason: 'no_token' | 'refused'): Promise<string> {
    // Counted once per request sent: callers that join a request in flight share it, as they share its token.
    if (!this.pending) this.options.requests?.inc({ reason });
    this.pending ??= this.fetch().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetch(): Promise<string> {
    const { engineUrl, username, password, http } = this.options;
    const tokenUrl = `${engineUrl}/sso/oauth/token`;
    this.requests += 1;
    const body = new URLSearchParams({ grant_type: 'password', scope: 'ovirt-app-api', username, password });
    let res: AxiosResponse;
    try {
      // The engine's SSO insists on Accept being exactly application/json.
      res = await http.post(tokenUrl, body, {
        headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED')
        throw new OvirtTimeoutError('login', http.defaults.timeout ?? 0);
      throw unreachable('login', code, engineUrl);
    }
    const json = isJson(res);
    const ok = tokenSchema.safeParse(res.data);
    if (res.status === 200 && json && ok.success) {
      this.token = ok.data.access_token;
      return this.token;
    }
    throw this.loginError(res, tokenUrl, json);
  }

  /**
   * Why a token request failed. Only an answer in the SSO's own JSON error shape (docs/ovirt-api.md §2.1) can be about the
   * credentials; anything else (a 404, a web page, a redirect) means OVIRT_URL does not lead to an engine, and saying
   * "wrong password" then would send the operator looking in the wrong place.
   */
  private loginError(res: AxiosResponse, tokenUrl: string, json: boolean): OvirtError {
    const { engineUrl, username, password } = this.options;
    if (res.status >= 500) {
      return new OvirtError(
        'unavailable',
        `oVirt engine at ${withoutCredentials(engineUrl)} could not issue a token (HTTP ${res.status}).`,
        {
          operation: 'login',
          engineStatus: res.status,
          retryable: true,
        },
        { publicDetail: `the engine could not issue a token (HTTP ${res.status})` },
      );
    }
    if (res.status >= 300 && res.status < 400) {
      const location = typeof res.headers.location === 'string' ? res.headers.location : undefined;
      const target = location ? resolved(location, tokenUrl) : undefined;
      return new OvirtNoEngineError(
        engineUrl,
        tokenUrl,
        `${res.status}, a redirect`,
        res.status,
        target ? `It redirects to ${target}; if the engine is there, use that address in OVIRT_URL.` : undefined,
      );
    }
    if (res.status === 404) return new OvirtNoEngineError(engineUrl, tokenUrl, '404', res.status);
    // The SSO reports every refusal as 400 with its JSON error (docs/ovirt-api.md §2.1); a 401 is allowed for its
    // http-auth variant. Other APIs' JSON errors (`{"error": "Not Found"}`) must not read as a refused password.
    const fault = json && (res.status === 400 || res.status === 401) ? ssoFault(res.data) : undefined;
    if (fault) {
      // The SSO repeats the user name in its messages; a password never belongs there, but we make sure.
      const text = scrub(fault.text, password)?.replace(/\.+$/, '');
      const why = [fault.reason, text].filter(Boolean).join(': ');
      const at = withoutCredentials(engineUrl);
      if (password === '') {
        return new OvirtAuthError(
          `The oVirt engine at ${at} refused the login of ${username}: no password is set (OVIRT_PASSWORD is empty).`,
          {
            engineStatus: res.status,
            reason: fault.reason,
            detail: text,
            publicDetail: 'the engine refused our credentials: no password is set (OVIRT_PASSWORD)',
          },
        );
      }
      if (CREDENTIAL_FAULTS.has(fault.reason)) {
        return new OvirtAuthError(
          `The oVirt engine at ${at} refused the credentials of ${username} (${why}). Check OVIRT_USERNAME and OVIRT_PASSWORD.`,
          {
            engineStatus: res.status,
            reason: fault.reason,
            detail: text,
          },
        );
      }
      return new OvirtLoginRejectedError(tokenUrl, res.status, fault.reason, text);
    }
    if (!json) {
      const type = String(res.headers['content-type'] ?? '')
        .split(';')[0]
        ?.trim();
      return new OvirtNoEngineError(engineUrl, tokenUrl, `${res.status} with ${type || 'no content type'}, not the SSO's JSON`, res.status);
    }
    return new OvirtNoEngineError(engineUrl, tokenUrl, `${res.status} without a token`, res.status);
  }
}

/** The SSO's error codes that mean "this user name and password are not accepted". */
const CREDENTIAL_FAULTS = new Set(['access_denied', 'invalid_grant', 'invalid_client']);

function isJson(res: AxiosResponse): boolean {
  return /\bjson\b/i.test(String(res.headers['content-type'] ?? '')) && typeof res.data === 'object' && res.data !== null;
}

/**
 * The SSO's error, in either of its shapes: `{error_code, error: message}` for REST API scopes, else
 * `{error: code, error_description: message}` (docs/ovirt-api.md §2.1). Undefined when the body carries no OAuth error code
 * (`access_denied`, `invalid_request`, …), since then it is not the SSO speaking.
 */
function ssoFault(data: unknown): { reason: string; text: string | undefined } | undefined {
  const parsed = tokenErrorSchema.safeParse(data);
  if (!parsed.success) return undefined;
  const { error, error_code: code, error_description: description } = parsed.data;
  const oauthCode = /^[a-z_]+$/;
  if (code && oauthCode.test(code)) return { reason: code, text: error ?? description };
  if (error && oauthCode.test(error)) return { reason: error, text: description };
  return undefined;
}

function resolved(location: string, base: string): string | undefined {
  try {
    return withoutCredentials(new URL(location, base).toString());
  } catch {
    return undefined;
  }
}

function scrub(text: string | undefined, password: string): string | undefined {
  if (!text || password.length < 3) return text;
  return text.split(password).join('***');
}
