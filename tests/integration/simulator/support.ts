import request from 'supertest';
import { startSimulator, type RunningSimulator, type StartOptions } from '../../../ovirt-simulator';

export const USER = 'admin@internal';
export const PASSWORD = 'ovirt';

export interface Harness {
  sim: RunningSimulator;
  origin: string;
  token: string;
  /** supertest agent on the simulator's origin. */
  http: ReturnType<typeof request>;
}

export async function startHarness(options: StartOptions = {}): Promise<Harness> {
  const sim = await startSimulator({ clock: 'manual', scenario: 'ha-drill', ...options });
  const origin = sim.url.replace(/\/ovirt-engine$/, '');
  const http = request(origin);
  const res = await http
    .post('/ovirt-engine/sso/oauth/token')
    .set('Accept', 'application/json')
    .type('form')
    .send({ grant_type: 'password', scope: 'ovirt-app-api', username: USER, password: PASSWORD });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${res.text}`);
  const token = (res.body as { access_token: string }).access_token;
  // The token's first API request opens the engine session and logs 30. The harness's own login is not part of
  // any test's story (login-events.test.ts uses fresh tokens), so it is made here and the audit log starts empty
  // again at the index it had.
  const next = sim.control.world.peekNextEventIndex();
  await http.get('/ovirt-engine/api').set({ Authorization: `Bearer ${token}`, Version: '4' });
  sim.control.restartEventIds(next);
  return { sim, origin, http, token };
}

export function auth(h: Harness): Record<string, string> {
  return { Authorization: `Bearer ${h.token}`, Version: '4' };
}

export function json(h: Harness): Record<string, string> {
  return { ...auth(h), Accept: 'application/json' };
}

/** Lets queued I/O callbacks run (a request in flight reaches its handler) without advancing simulated time. */
export async function settle(predicate: () => boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries && !predicate(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!predicate()) throw new Error('condition not reached');
}
