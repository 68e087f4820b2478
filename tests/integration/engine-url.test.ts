import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_PASSWORD, type RunningSimulator } from '../../ovirt-simulator';
import { configuredEngine } from '../../server/container';
import { createLogger } from '../../server/logger';
import {
  createOvirtClient,
  OvirtAuthError,
  OvirtError,
  OvirtLoginRejectedError,
  OvirtNoEngineError,
  OvirtUnreachableError,
  type OvirtClient,
} from '../../server/ovirt';
import { startTestSimulator } from '../helpers/simulator';
import { testConfig } from '../helpers/test-app';

/** A web server on loopback that is not an oVirt engine: answers every request with what `handler` says. */
async function plainServer(handler: http.RequestListener): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What a failing call threw, typed for the assertions. */
async function failure(client: OvirtClient): Promise<OvirtError> {
  const err: unknown = await client.getEngineInfo().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof OvirtError)) throw new Error(`expected an OvirtError, got ${String(err)}`);
  return err;
}

describe('OVIRT_URL forms and login failures against real sockets', () => {
  let sim: RunningSimulator;
  const clients: OvirtClient[] = [];
  const servers: Array<{ close(): Promise<void> }> = [];

  /** An engine client built the way the service builds it: from OVIRT_URL through config. */
  function clientForUrl(url: string, env: Record<string, string> = {}): OvirtClient {
    const config = testConfig({
      OVIRT_URL: url,
      OVIRT_PASSWORD: DEFAULT_PASSWORD,
      OVIRT_READ_RETRIES: '0',
      OVIRT_TIMEOUT_MS: '5000',
      ...env,
    });
    const client = createOvirtClient(configuredEngine(config)!, createLogger('silent'));
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    sim = await startTestSimulator({ scenario: 'demo' });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await sim.close();
  });

  test.each(['', '/', '/ovirt-engine', '/ovirt-engine/', '/ovirt-engine/api', '/ovirt-engine/api/', '/ovirt-engine/api/v4'])(
    'when OVIRT_URL is the engine origin + "%s", then the engine answers',
    async (path) => {
      const origin = sim.url.replace(/\/ovirt-engine$/, '');
      const info = await clientForUrl(`${origin}${path}`).getEngineInfo();
      expect(info.productName).toMatch(/oVirt/);
      expect(info.version).toMatch(/^4\./);
    },
  );

  test('when the host answers 404 everywhere, then the error says no oVirt engine answers there, not that the credentials are wrong', async () => {
    const plain = await plainServer((_req, res) =>
      res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html><body>Not Found</body></html>'),
    );
    servers.push(plain);
    const err = await failure(clientForUrl(`${plain.origin}/ovirt-engine/api`));
    expect(err).toBeInstanceOf(OvirtNoEngineError);
    expect(err).not.toBeInstanceOf(OvirtAuthError);
    expect(err.code).toBe('ovirt_no_engine');
    expect(err.message).toBe(
      `No oVirt engine answers at ${plain.origin}/ovirt-engine (${plain.origin}/ovirt-engine/sso/oauth/token answered 404). Check ` +
        `OVIRT_URL: give the engine's address, e.g. https://engine.example.net, https://engine.example.net/ovirt-engine or ` +
        `https://engine.example.net/ovirt-engine/api.`,
    );
    expect(err.publicDetail).toBe('no oVirt engine answers at this URL (…/ovirt-engine/sso/oauth/token answered 404)');
  });

  test('when the host serves a web page for every path, then that is no oVirt engine either', async () => {
    const plain = await plainServer((_req, res) =>
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<html>Welcome</html>'),
    );
    servers.push(plain);
    const err = await failure(clientForUrl(plain.origin));
    expect(err).toBeInstanceOf(OvirtNoEngineError);
    expect(err.publicDetail).toBe(
      "no oVirt engine answers at this URL (…/ovirt-engine/sso/oauth/token answered 200 with text/html, not the SSO's JSON)",
    );
  });

  test('when the host redirects (http to https), then the error says where the redirect points', async () => {
    const plain = await plainServer((req, res) => res.writeHead(301, { Location: `https://engine.example.net${req.url ?? '/'}` }).end());
    servers.push(plain);
    const err = await failure(clientForUrl(plain.origin));
    expect(err).toBeInstanceOf(OvirtNoEngineError);
    expect(err.message).toContain(
      'answered 301, a redirect). It redirects to https://engine.example.net/ovirt-engine/sso/oauth/token; if the engine is there, ' +
        'use that address in OVIRT_URL.',
    );
    expect(err.publicDetail).toBe('no oVirt engine answers at this URL (…/ovirt-engine/sso/oauth/token answered 301, a redirect)');
  });

  test('when the password is wrong, then the credentials error names the engine and the user, never the password', async () => {
    const err = await failure(clientForUrl(sim.url, { OVIRT_PASSWORD: 'wrong-password-4711' }));
    expect(err).toBeInstanceOf(OvirtAuthError);
    expect(err.code).toBe('ovirt_credentials_refused');
    expect(err.message).toBe(
      `The oVirt engine at ${sim.url} refused the credentials of admin@internal (access_denied: Cannot authenticate user ` +
        `'admin@internal': Unable to log in. Verify your login information or contact the system administrator). Check ` +
        `OVIRT_USERNAME and OVIRT_PASSWORD.`,
    );
    expect(err.publicDetail).toBe('the engine refused our credentials (access_denied); check OVIRT_USERNAME and OVIRT_PASSWORD');
    for (const text of [err.message, err.publicDetail, JSON.stringify(err), String(err.stack)])
      expect(text).not.toContain('wrong-password-4711');
  });

  test('when no password is configured, then the error says so rather than blaming a wrong one', async () => {
    const err = await failure(clientForUrl(sim.url, { OVIRT_PASSWORD: '' }));
    expect(err).toBeInstanceOf(OvirtAuthError);
    expect(err.message).toBe(
      `The oVirt engine at ${sim.url} refused the login of admin@internal: no password is set (OVIRT_PASSWORD is empty).`,
    );
  });

  test('when an SSO answers 401 with invalid_grant in the OAuth shape, then that too is a credentials error', async () => {
    const sso = await plainServer((_req, res) =>
      res
        .writeHead(401, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ error: 'invalid_grant', error_description: 'The provided authorization grant is invalid.' })),
    );
    servers.push(sso);
    const err = await failure(clientForUrl(sso.origin, { OVIRT_USERNAME: 'bridge@internal', OVIRT_PASSWORD: 'not-this-one' }));
    expect(err).toBeInstanceOf(OvirtAuthError);
    expect(err.message).toBe(
      `The oVirt engine at ${sso.origin}/ovirt-engine refused the credentials of bridge@internal (invalid_grant: The provided ` +
        `authorization grant is invalid). Check OVIRT_USERNAME and OVIRT_PASSWORD.`,
    );
  });

  test('when the SSO refuses the request itself (invalid_scope), then it is not reported as a wrong password', async () => {
    const sso = await plainServer((_req, res) =>
      res
        .writeHead(400, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ error_code: 'invalid_scope', error: "The requested scope 'x' is not allowed." })),
    );
    servers.push(sso);
    const err = await failure(clientForUrl(sso.origin));
    expect(err).toBeInstanceOf(OvirtLoginRejectedError);
    expect(err.code).toBe('ovirt_login_rejected');
    expect(err.message).toBe(
      `The oVirt engine's SSO at ${sso.origin}/ovirt-engine/sso/oauth/token rejected the login request (invalid_scope: The ` +
        `requested scope 'x' is not allowed).`,
    );
    expect(err.publicDetail).toBe("the engine's SSO rejected the login request (invalid_scope)");
  });

  test('when another JSON API answers 404 with its own error body, then that is no oVirt engine, not a refused login', async () => {
    const api = await plainServer((_req, res) =>
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: 404, error: 'Not Found' })),
    );
    servers.push(api);
    const err = await failure(clientForUrl(api.origin));
    expect(err).toBeInstanceOf(OvirtNoEngineError);
    expect(err.publicDetail).toBe('no oVirt engine answers at this URL (…/ovirt-engine/sso/oauth/token answered 404)');
  });

  test('when nothing listens on the port, then the error says the connection was refused', async () => {
    const plain = await plainServer((_req, res) => res.end());
    await plain.close();
    const err = await failure(clientForUrl(plain.origin));
    expect(err).toBeInstanceOf(OvirtUnreachableError);
    expect(err.code).toBe('ovirt_connection_refused');
    expect(err.message).toBe(
      `oVirt engine: login: cannot reach the engine at ${plain.origin.replace('http://', '')}: connection refused (ECONNREFUSED). ` +
        `Is the engine (or its proxy) running, and is the port in OVIRT_URL right?`,
    );
  });

  test('when the host name does not resolve, then the error says so', async () => {
    const err = await failure(clientForUrl('https://no-such-engine.invalid/ovirt-engine'));
    expect(err).toBeInstanceOf(OvirtUnreachableError);
    expect(err.code).toBe('ovirt_dns_failed');
    expect(err.message).toMatch(
      /^oVirt engine: login: cannot reach the engine: the host name no-such-engine\.invalid does not resolve \((ENOTFOUND|EAI_AGAIN)\)\./,
    );
  });

  test('when https:// points at a plain http port, then the error says TLS failed and why', async () => {
    const plain = await plainServer((_req, res) => res.writeHead(404).end());
    servers.push(plain);
    const err = await failure(clientForUrl(plain.origin.replace('http://', 'https://')));
    expect(err).toBeInstanceOf(OvirtUnreachableError);
    expect(err.code).toBe('ovirt_tls_failed');
    expect(err.retryable).toBe(false);
    expect(err.publicDetail).toMatch(
      /^cannot reach the engine: TLS failed, the port does not speak TLS \((EPROTO|ERR_SSL_WRONG_VERSION_NUMBER)\)$/,
    );
  });
});
