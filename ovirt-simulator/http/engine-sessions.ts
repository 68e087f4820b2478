import type { Simulator } from '../simulator';
import type { World } from '../world/world';
import type { Actor } from '../world/world';

/** `AppMessages.properties` USER_FAILED_TO_AUTHENTICATE: what the SSO says about a wrong user name or password. */
export const FAILED_TO_AUTHENTICATE = 'Unable to log in. Verify your login information or contact the system administrator.';

/** `USER_VDC_LOGIN` and `USER_VDC_LOGIN_FAILED` have a 5 s flood rate (`AuditLogType`). */
const LOGIN_FLOOD_MS = 5_000;

/**
 * `EventFloodRegulator`: an event type with a flood rate is logged once per key and window. The key is the type
 * plus the ids the event carries (`EventKeyComposer`): a login names its user, a failed login nothing at all.
 */
const floodUntil = new WeakMap<World, Map<string, number>>();

function floodAllows(world: World, key: string): boolean {
  let windows = floodUntil.get(world);
  if (!windows) {
    windows = new Map();
    floodUntil.set(world, windows);
  }
  const now = world.clock.now();
  const until = windows.get(key);
  if (until !== undefined && now < until) return false;
  windows.set(key, now + LOGIN_FLOOD_MS);
  return true;
}

/** `request.getRemoteAddr()`: the client's IPv4 address without node's IPv4-mapped IPv6 prefix. */
export function sourceIp(remoteAddress: string | undefined): string {
  if (!remoteAddress) return 'UNKNOWN';
  return remoteAddress.startsWith('::ffff:') ? remoteAddress.slice('::ffff:'.length) : remoteAddress;
}

/**
 * 64 bytes in base64, as `SessionDataContainer.generateEngineSessionId` makes them; drawn from the simulator's
 * seeded request randomness so that two runs of the same requests log the same texts.
 */
function newSessionId(sim: Simulator): string {
  const bytes = Buffer.alloc(64);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(sim.requestRng.next() * 256);
  return bytes.toString('base64');
}

function logLogin(sim: Simulator, actor: Actor, sessionId: string, ip: string): void {
  if (!floodAllows(sim.world, `30 ${actor.userId}`)) return;
  sim.world.log('USER_VDC_LOGIN', { SourceIP: ip, SessionID: sessionId }, { actor });
}

/**
 * The engine session behind an authenticated API request, with the events the engine logs for it
 * (ENG `aaa/filters/SsoRestApiAuthFilter`, `RestApiSessionMgmtFilter`, `CreateUserSessionCommand`,
 * `LogoutSessionCommand`):
 * - Bearer: the token's first request creates the session, 30 "User admin@internal-authz connecting from '…'
 *   using session '…' logged in."; later requests reuse it. Giving the token back (`services/sso-logout`) ends the
 *   session without an event (`TerminateSessionsForToken` logs nothing), so there is no 31 for bearer clients.
 * - Basic without `Prefer: persistent-auth` (cookie sessions are not simulated): every request creates a session
 *   (30, at most once per user in 5 s) and logs out at its end (31). The returned function ends it.
 * `actor` carries no correlation id: the session is made before `CurrentFilter` reads one.
 */
export function openApiSession(sim: Simulator, header: string, actor: Actor, ip: string): (() => void) | undefined {
  const space = header.indexOf(' ');
  const scheme = header.slice(0, space).toLowerCase();
  if (scheme === 'bearer') {
    const sessionId = sim.tokens.openEngineSession(header.slice(space + 1).trim(), () => newSessionId(sim));
    if (sessionId) logLogin(sim, actor, sessionId, ip);
    return undefined;
  }
  const sessionId = newSessionId(sim);
  logLogin(sim, actor, sessionId, ip);
  return () => {
    sim.world.log('USER_VDC_LOGOUT', { SourceIP: ip, SessionID: sessionId }, { actor });
  };
}

/**
 * A wrong user name or password for a known profile: the SSO tells the engine (`SsoCallbackServlet`
 * `auditLog` event), which logs 114 with the name as typed and no entity links.
 */
export function logFailedLogin(sim: Simulator, userWithProfile: string, ip: string): void {
  if (!floodAllows(sim.world, '114')) return;
  sim.world.log('USER_VDC_LOGIN_FAILED', {
    UserName: userWithProfile,
    SourceIP: ip,
    LoginErrMsg: ` : '${FAILED_TO_AUTHENTICATE}'`,
  });
}

/** The SSO's profiles (`internal`, …): the part after the last `@` of each user's login name. */
export function knownProfile(sim: Simulator, profile: string): boolean {
  return sim.world.users.some((u) => u.loginName.slice(u.loginName.lastIndexOf('@') + 1) === profile);
}
