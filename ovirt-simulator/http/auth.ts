import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Simulator } from '../simulator';
import type { User } from '../world/model';
import type { Actor } from '../world/world';
import { FAILED_TO_AUTHENTICATE, knownProfile, logFailedLogin, openApiSession, sourceIp } from './engine-sessions';
import { sendUnauthorized } from './respond';

/** The token response's `exp` for users whose authn record has no expiry (the engine's `internal` users). */
const NO_EXPIRY = '9223372036854775807';
const SCOPE =
  'ovirt-app-api ovirt-ext=token-info:authz-search ovirt-ext=token-info:public-authz-search ovirt-ext=token-info:validate ovirt-ext=token:password-access';

/** The SSO's error shape depends on the scope asked for (docs/ovirt-api.md §2.1). */
function ssoError(res: Response, scope: string | undefined, code: string, message: string): void {
  const restApi = (scope ?? '').includes('ovirt-app-api') && !/ovirt-app-(admin|portal)/.test(scope ?? '');
  const body = restApi ? { error_code: code, error: message } : { error: code, error_description: message };
  sendSsoJson(res, 400, body);
}

function sendSsoJson(res: Response, status: number, body: unknown): void {
  if (res.locals.loseResponse === true) {
    res.socket?.destroy();
    return;
  }
  res.status(status).type('application/json').send(JSON.stringify(body));
}

function params(req: Request): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const source of [req.query as Record<string, unknown>, (req.body ?? {}) as Record<string, unknown>]) {
    for (const [k, v] of Object.entries(source)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}

export function findUser(sim: Simulator, loginName: string, password?: string): User | undefined {
  return sim.world.users.find((u) => u.loginName === loginName && (password === undefined || u.password === password));
}

/** `${UserName}` as the engine renders it in events: `admin@internal-authz`. */
export function actorFor(user: User, correlationId: string | undefined): Actor {
  return { userId: user.id, userName: `${user.loginName}-authz`, correlationId };
}

/** `SsoService.translateUser`: the login name split at its last `@` into user and profile. */
function splitLogin(login: string): { name: string; profile: string } {
  const at = login.lastIndexOf('@');
  return at < 0 ? { name: login, profile: '' } : { name: login.slice(0, at), profile: login.slice(at + 1) };
}

/**
 * Why the SSO refused a user name and password (`OAuthTokenServlet.issueTokenForPasswd`: "Cannot authenticate
 * user '%1$s@%2$s': %3$s." around a message that already ends with a period, hence the engine's "..").
 * A known profile means the authn extension ran and failed, which the engine logs as 114.
 */
function refusal(sim: Simulator, login: string, ip: string): string {
  const { name, profile } = splitLogin(login);
  if (!profile || !knownProfile(sim, profile)) {
    return `Cannot authenticate user '${name}@${profile || 'N/A'}': No valid profile found in credentials..`;
  }
  logFailedLogin(sim, `${name}@${profile}`, ip);
  return `Cannot authenticate user '${name}@${profile}': ${FAILED_TO_AUTHENTICATE}.`;
}

/** `/ovirt-engine/sso/oauth/token` (password grant) and the two ways to give a token back. */
export function ssoRouter(sim: Simulator): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '64kb' });

  router.all('/ovirt-engine/sso/oauth/token', form, (req, res) => {
    const p = params(req);
    // SsoService.validateClientAcceptHeader compares the header with equals(): nothing else will do.
    if (req.get('accept') !== 'application/json') {
      return ssoError(res, p.scope, 'invalid_request', "Missing parameter: 'Accept Header'");
    }
    if (!p.grant_type) return ssoError(res, p.scope, 'invalid_request', "Missing parameter: 'grant_type'");
    if (p.grant_type !== 'password') {
      return ssoError(res, p.scope, 'unsupported_grant_type', `Unsupported grant type: ${p.grant_type}`);
    }
    for (const name of ['scope', 'username', 'password'] as const) {
      if (!p[name]) return ssoError(res, p.scope, 'invalid_request', `Missing parameter: '${name}'`);
    }
    if (!(p.scope ?? '').split(/\s+/).includes('ovirt-app-api')) {
      return ssoError(res, p.scope, 'invalid_scope', `The requested scope '${p.scope ?? ''}' is not allowed.`);
    }
    const username = p.username ?? '';
    const user = findUser(sim, username, p.password ?? '');
    if (!user) return ssoError(res, p.scope, 'access_denied', refusal(sim, username, sourceIp(req.socket.remoteAddress)));
    const token = sim.tokens.issue(user.loginName);
    sendSsoJson(res, 200, { access_token: token, token_type: 'bearer', scope: SCOPE, exp: NO_EXPIRY });
  });

  const revoke = (req: Request, res: Response) => {
    const p = params(req);
    if (!p.token) return ssoError(res, p.scope ?? 'ovirt-app-api', 'invalid_request', "Missing parameter: 'token'");
    sim.tokens.revoke(p.token);
    sendSsoJson(res, 200, {});
  };
  // The SDK's close() uses services/sso-logout; oauth/revoke needs a registered client on a real engine, which we
  // do not check.
  router.post('/ovirt-engine/services/sso-logout', form, revoke);
  router.post('/ovirt-engine/sso/oauth/revoke', form, revoke);
  return router;
}

/** Correlation-Id: the client's, stripped to `[0-9a-zA-Z_-]` and 36 characters, else generated (docs/ovirt-api.md §9). */
export function correlationIdFrom(sim: Simulator, given: string): string {
  const clean = given.replace(/[^0-9a-zA-Z_-]/g, '').slice(0, 36);
  return clean || sim.requestRng.uuid();
}

function correlationId(sim: Simulator, req: Request): string {
  return correlationIdFrom(
    sim,
    req.get('correlation-id') ?? (typeof req.query.correlation_id === 'string' ? req.query.correlation_id : ''),
  );
}

/** The user behind an `Authorization` header: a live bearer token or Basic credentials; else undefined. */
export function authenticate(sim: Simulator, header: string): User | undefined {
  const space = header.indexOf(' ');
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer') {
    const login = sim.tokens.validate(value);
    return login ? findUser(sim, login) : undefined;
  }
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return findUser(sim, decoded.slice(0, colon), decoded.slice(colon + 1));
  }
  return undefined;
}

/** The engine session's events for an authenticated request; see `engine-sessions.ts`. */
export function sessionFor(sim: Simulator, header: string, user: User, remoteAddress: string | undefined) {
  return openApiSession(sim, header, actorFor(user, undefined), sourceIp(remoteAddress));
}

/** Basic credentials the SSO refuses: its 114 for a known profile, before the container's 401. */
function refuseBasic(sim: Simulator, header: string, remoteAddress: string | undefined): void {
  if (!header.toLowerCase().startsWith('basic ')) return;
  const decoded = Buffer.from(header.slice('basic '.length).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon > 0) refusal(sim, decoded.slice(0, colon), sourceIp(remoteAddress));
}

/** Bearer token or Basic credentials; anything else gets the container's 401 page. */
export function requireAuth(sim: Simulator) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.get('authorization') ?? '';
    const user = authenticate(sim, header);
    if (!user) {
      refuseBasic(sim, header, req.socket.remoteAddress);
      return sendUnauthorized(res);
    }
    const logout = sessionFor(sim, header, user, req.socket.remoteAddress);
    if (logout) {
      // RestApiSessionMgmtFilter logs out after the resource answered, before the container sends the body.
      const end = res.end.bind(res) as (...args: unknown[]) => Response;
      res.end = ((...args: unknown[]) => {
        logout();
        return end(...args);
      }) as Response['end'];
    }
    const id = correlationId(sim, req);
    res.set('Correlation-Id', id);
    res.locals.actor = actorFor(user, id);
    next();
  };
}
