import { bannerLines } from '../../server/banner';
import { ConfigError, loadConfig } from '../../server/config';
import { configuredEngine } from '../../server/container';
import { normalizeEngineUrl } from '../../server/ovirt/engine-url';
import {
  networkFailureOf,
  OvirtAuthError,
  OvirtLoginRejectedError,
  OvirtNoEngineError,
  OvirtUnreachableError,
  unreachable,
} from '../../server/ovirt/errors';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('OVIRT_URL as providers write it', () => {
  test.each([
    'https://engine.example.net',
    'https://engine.example.net/',
    'https://engine.example.net/ovirt-engine',
    'https://engine.example.net/ovirt-engine/',
    'https://engine.example.net/ovirt-engine/api',
    'https://engine.example.net/ovirt-engine/api/',
    'https://engine.example.net/ovirt-engine/api/v4',
    'https://engine.example.net/ovirt-engine/api/v4/',
    'https://ENGINE.example.net:443/ovirt-engine//',
    '  https://engine.example.net/ovirt-engine/api  ',
  ])('when OVIRT_URL is %s, then config keeps the canonical https://engine.example.net/ovirt-engine', (raw) => {
    expect(normalizeEngineUrl(raw)).toBe('https://engine.example.net/ovirt-engine');
    expect(loadConfig({ OVIRT_URL: raw }).ovirt.url).toBe('https://engine.example.net/ovirt-engine');
  });

  test.each([
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080/ovirt-engine'],
    ['http://127.0.0.1:8080/ovirt-engine/api/v4', 'http://127.0.0.1:8080/ovirt-engine'],
    ['https://proxy.example.net/rhv/ovirt-engine/api', 'https://proxy.example.net/rhv/ovirt-engine'],
    ['https://engine.example.net:8443/ovirt-engine', 'https://engine.example.net:8443/ovirt-engine'],
  ])('when OVIRT_URL is %s, then the port and a proxy prefix are kept: %s', (raw, canonical) => {
    expect(normalizeEngineUrl(raw)).toBe(canonical);
  });

  test('when the canonical base is normalised again, then it is unchanged', () => {
    const once = normalizeEngineUrl('https://engine.example.net/ovirt-engine/api/v4/');
    expect(normalizeEngineUrl(once)).toBe(once);
  });

  test.each([
    ['ftp://engine.example.net/ovirt-engine', /^OVIRT_URL: must start with https:\/\/ \(or http:\/\/ in a lab\), not ftp:\/\/$/],
    [
      'https://x/foo',
      /^OVIRT_URL: has the path \/foo, which is not an oVirt engine path; give the engine's address, e.g. https:\/\/engine\.example\.net, /,
    ],
    ['https://engine.example.net/ovirt-engine/api/v3', /path \/ovirt-engine\/api\/v3, which is not an oVirt engine path/],
    [
      'https://engine.example.net/ovirt-engine/sso/oauth/token',
      /path \/ovirt-engine\/sso\/oauth\/token, which is not an oVirt engine path/,
    ],
    ['https://engine.example.net/OVIRT-ENGINE', /not an oVirt engine path/],
    ['https://engine.example.net/my-ovirt-engine', /not an oVirt engine path/],
    ['https://engine.example.net/ovirt-engine?x=1', /must not have a query/],
    ['engine.example.net', /is not a URL/],
  ])('when OVIRT_URL is %s, then config refuses it with a clear problem', (raw, problem) => {
    expect(problemsOf({ OVIRT_URL: raw })).toEqual([expect.stringMatching(problem)]);
  });

  test('when OVIRT_URL carries a user and password, then config refuses it without repeating them', () => {
    const problems = problemsOf({ OVIRT_URL: 'https://admin%40internal:s3cret-pw@engine.example.net/ovirt-engine' });
    expect(problems).toEqual(['OVIRT_URL: must not contain a user name or password; set OVIRT_USERNAME and OVIRT_PASSWORD instead']);
    expect(problems.join()).not.toMatch(/s3cret|admin/);
  });

  test('when OVIRT_URL is given in the API form, then the engine target and the start banner use the canonical base', () => {
    const config = loadConfig({ OVIRT_URL: 'https://engine.example.net/ovirt-engine/api/', OVIRT_PASSWORD: 'pw' });
    const target = configuredEngine(config);
    expect(target?.url).toBe('https://engine.example.net/ovirt-engine');
    const lines = bannerLines(config, {
      url: 'http://127.0.0.1:3000',
      databaseVersion: 'SQLite 3',
      engine: { kind: 'configured', url: target!.url },
      migrationsApplied: [],
    });
    expect(lines).toContain('  oVirt engine   https://engine.example.net/ovirt-engine (user admin@internal)');
  });
});

describe('engine login failures are told apart', () => {
  test.each([
    ['ECONNREFUSED', 'connection_refused', 'ovirt_connection_refused'],
    ['ENOTFOUND', 'dns', 'ovirt_dns_failed'],
    ['EAI_AGAIN', 'dns', 'ovirt_dns_failed'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls', 'ovirt_tls_failed'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls', 'ovirt_tls_failed'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls', 'ovirt_tls_failed'],
    ['CERT_HAS_EXPIRED', 'tls', 'ovirt_tls_failed'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls', 'ovirt_tls_failed'],
    ['EPROTO', 'tls', 'ovirt_tls_failed'],
    ['ECONNRESET', 'network', 'ovirt_unreachable'],
    [undefined, 'network', 'ovirt_unreachable'],
  ])('when a call fails with %s, then it is a %s failure with code %s', (networkCode, failure, code) => {
    expect(networkFailureOf(networkCode)).toBe(failure);
    const err = unreachable('login', networkCode, 'https://engine.example.net/ovirt-engine');
    expect(err).toBeInstanceOf(OvirtUnreachableError);
    expect(err.code).toBe(code);
    expect(err.retryable).toBe(failure !== 'tls');
    expect(err.publicDetail).toMatch(/^cannot reach the engine/);
    expect(err.publicDetail).not.toContain('engine.example.net');
  });

  test('when the host name does not resolve, then the message names it and the public detail does not', () => {
    const err = unreachable('login', 'ENOTFOUND', 'https://engine.example.net:8443/ovirt-engine');
    expect(err.message).toBe(
      'oVirt engine: login: cannot reach the engine: the host name engine.example.net does not resolve (ENOTFOUND). Check the host ' +
        "in OVIRT_URL and this machine's DNS.",
    );
    expect(err.publicDetail).toBe('cannot reach the engine: its host name does not resolve (ENOTFOUND)');
  });

  test('when the certificate is not trusted, then the message points at OVIRT_CA_FILE', () => {
    const err = unreachable('login', 'SELF_SIGNED_CERT_IN_CHAIN', 'https://engine.example.net/ovirt-engine');
    expect(err.message).toMatch(
      /^oVirt engine: login: cannot reach the engine at engine\.example\.net: TLS failed, the engine's certificate is not trusted; set OVIRT_CA_FILE/,
    );
    expect(err.publicDetail).toBe(
      "cannot reach the engine: TLS failed, the engine's certificate is not trusted (SELF_SIGNED_CERT_IN_CHAIN)",
    );
  });

  test('when no engine answers, then the error names the token URL it tried and the public detail only its path', () => {
    const err = new OvirtNoEngineError('https://x.example/ovirt-engine', 'https://x.example/ovirt-engine/sso/oauth/token', '404', 404);
    expect(err.code).toBe('ovirt_no_engine');
    expect(err.status).toBe(502);
    expect(err.message).toMatch(
      /^No oVirt engine answers at https:\/\/x\.example\/ovirt-engine \(https:\/\/x\.example\/ovirt-engine\/sso\/oauth\/token answered 404\)\. Check OVIRT_URL/,
    );
    expect(err.publicDetail).toBe('no oVirt engine answers at this URL (…/ovirt-engine/sso/oauth/token answered 404)');
  });

  test('credentials refused, a rejected login request and no engine are different codes', () => {
    expect(new OvirtAuthError('x', { reason: 'access_denied' }).code).toBe('ovirt_credentials_refused');
    expect(new OvirtLoginRejectedError('https://x/ovirt-engine/sso/oauth/token', 400, 'invalid_scope', 'nope').code).toBe(
      'ovirt_login_rejected',
    );
  });
});
