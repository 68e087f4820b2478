/**
 * The engine's OAuth token (password grant). One token serves every call; concurrent callers share one request for
 * it, and a 401 renews it once however many calls saw the 401 at the same time.
 */
import type { AxiosInstance } from 'axios';
import { OvirtAuthError, OvirtError, unreachable } from './errors';
import { tokenErrorSchema, tokenSchema } from './schemas';

export interface TokenManagerOptions {
  http: AxiosInstance;
  engineUrl: string;
  username: string;
  password: string;
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
    return this.fetchShared();
  }

  /** Called after a 401 with the token that was refused: renews once, even when many calls report the same token. */
  renew(refused: string): Promise<string> {
    if (this.token && this.token !== refused) return Promise.resolve(this.token);
    if (this.token === refused) this.token = undefined;
    return this.fetchShared();
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

  private fetchShared(): Promise<string> {
    this.pending ??= this.fetch().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetch(): Promise<string> {
    const { engineUrl, username, password, http } = this.options;
    this.requests += 1;
    const body = new URLSearchParams({ grant_type: 'password', scope: 'ovirt-app-api', username, password });
    let res;
    try {
      // The engine's SSO insists on Accept being exactly application/json.
      res = await http.post(`${engineUrl}/sso/oauth/token`, body, {
        headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      });
    } catch (err) {
      throw unreachable('login', (err as { code?: string }).code);
    }
    const ok = tokenSchema.safeParse(res.data);
    if (res.status === 200 && ok.success) {
      this.token = ok.data.access_token;
      return this.token;
    }
    if (res.status >= 500) {
      throw new OvirtError('unavailable', `oVirt engine at ${engineUrl} could not issue a token (HTTP ${res.status}).`, {
        operation: 'login',
        engineStatus: res.status,
        retryable: true,
      });
    }
    const fault = tokenErrorSchema.safeParse(res.data);
    const why = fault.success ? (fault.data.error_description ?? fault.data.error ?? fault.data.error_code) : undefined;
    throw new OvirtAuthError(
      `Cannot log in to the oVirt engine at ${engineUrl} as ${username}: ${why ?? `HTTP ${res.status}`}. Check OVIRT_URL, OVIRT_USERNAME and OVIRT_PASSWORD.`,
    );
  }
}
