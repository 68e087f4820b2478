import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { DEFAULT_PASSWORD, type RunningSimulator } from '../../ovirt-simulator';
import { engineTarget, startTestSimulator } from '../helpers/simulator';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

/** A loopback web server that is not an oVirt engine: 404 for every path. */
async function notAnEngine(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => res.writeHead(404, { 'Content-Type': 'text/html' }).end('<h1>Not Found</h1>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('readiness reports the oVirt engine', () => {
  let sim: RunningSimulator;
  let t: TestApp | undefined;
  let other: { origin: string; close(): Promise<void> } | undefined;
  beforeEach(async () => {
    sim = await startTestSimulator({ scenario: 'demo' });
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
    await other?.close();
    other = undefined;
    await sim.close().catch(() => undefined);
  });

  /** The app with its engine configured the way an operator does it: OVIRT_URL and friends. */
  const withEnv = (env: Record<string, string>) =>
    createTestApp('sqlite', { env: { OVIRT_PASSWORD: DEFAULT_PASSWORD, OVIRT_READ_RETRIES: '0', OVIRT_TIMEOUT_MS: '2000', ...env } });

  /** The engine's product and version are for the panel and admins only: readyz with the billing key. */
  const readyzAsPanel = (app: TestApp['app']) => request(app).get('/readyz').set('Authorization', `Bearer ${TEST_SECRETS.BILLING_API_KEY}`);

  test('when the engine answers, then /readyz names its version to the panel, and to anyone else only that it answers', async () => {
    t = await createTestApp('sqlite', { engine: engineTarget(sim) });
    const res = await readyzAsPanel(t.app);
    expect(res.status).toBe(200);
    expect(res.body.checks.engine).toEqual({ ok: true, detail: expect.stringMatching(/^oVirt Engine 4\./) });
    const anonymous = await request(t.app).get('/readyz');
    expect(anonymous.body.checks.engine).toEqual({ ok: true });
  });

  test.each(['', '/ovirt-engine/', '/ovirt-engine/api', '/ovirt-engine/api/v4/'])(
    'when OVIRT_URL is the engine origin + "%s", then /readyz finds the engine',
    async (path) => {
      t = await withEnv({ OVIRT_URL: `${sim.url.replace(/\/ovirt-engine$/, '')}${path}` });
      const res = await readyzAsPanel(t.app);
      expect(res.body.checks.engine).toEqual({ ok: true, detail: expect.stringMatching(/^oVirt Engine 4\./) });
    },
  );

  test('when the engine refuses our credentials, then /readyz says so without naming the user or the password, and stays ready', async () => {
    t = await createTestApp('sqlite', { engine: engineTarget(sim, { password: 'wrong-password-123' }) });
    const res = await request(t.app).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.checks.engine).toEqual({
      ok: false,
      detail: 'the engine refused our credentials (access_denied); check OVIRT_USERNAME and OVIRT_PASSWORD',
    });
    expect(JSON.stringify(res.body)).not.toMatch(/admin@internal|wrong-password/);
  });

  test('when no oVirt engine answers at OVIRT_URL, then /readyz says so (not "credentials") without naming the host', async () => {
    other = await notAnEngine();
    t = await withEnv({ OVIRT_URL: `${other.origin}/ovirt-engine/api` });
    const res = await request(t.app).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.checks.engine).toEqual({
      ok: false,
      detail: 'no oVirt engine answers at this URL (…/ovirt-engine/sso/oauth/token answered 404)',
    });
    expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|admin@internal|credentials/);
  });

  test('when the engine is gone, then /readyz reports the refused connection, and orders can still be queued', async () => {
    t = await createTestApp('sqlite', { engine: engineTarget(sim, { readRetries: 0, timeoutMs: 1000 }) });
    await sim.close();
    const res = await request(t.app).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.checks.engine).toEqual({ ok: false, detail: 'cannot reach the engine: connection refused (ECONNREFUSED)' });
  });

  test('when the engine host name does not resolve, then /readyz says so without naming it', async () => {
    t = await withEnv({ OVIRT_URL: 'https://no-such-engine.invalid' });
    const res = await request(t.app).get('/readyz');
    expect(res.body.checks.engine).toEqual({
      ok: false,
      detail: expect.stringMatching(/^cannot reach the engine: its host name does not resolve \((ENOTFOUND|EAI_AGAIN)\)$/),
    });
    expect(JSON.stringify(res.body)).not.toContain('no-such-engine');
  });

  test('when TLS with the engine fails, then /readyz says TLS failed and why', async () => {
    other = await notAnEngine();
    t = await withEnv({ OVIRT_URL: other.origin.replace('http://', 'https://') });
    const res = await request(t.app).get('/readyz');
    expect(res.body.checks.engine).toEqual({
      ok: false,
      detail: expect.stringMatching(
        /^cannot reach the engine: TLS failed, the port does not speak TLS \((EPROTO|ERR_SSL_WRONG_VERSION_NUMBER)\)$/,
      ),
    });
  });
});
