/**
 * Engine failures as typed errors. They carry the engine's HTTP status, fault reason and detail, the operation and
 * whether retrying can help; never a header, token or password (axios errors hold the request config, so they are
 * never re-thrown or attached as a cause).
 *
 * Logging in is where a wrong OVIRT_URL, wrong credentials and an unreachable engine first show, and they need
 * different fixes, so each has its own class and code. Each error also has a `publicDetail`: the same news without
 * the engine's host, the user name or a password, for public pages such as /readyz.
 */
import type { ErrorCode } from '../error-codes';
import { AppError } from '../errors';
import { ENGINE_URL_FORMS, pathOf, withoutCredentials } from './engine-url';

export type OvirtErrorKind = 'bad_request' | 'auth' | 'forbidden' | 'not_found' | 'conflict' | 'unavailable' | 'timeout' | 'no_engine';

export interface OvirtErrorInfo {
  operation: string;
  engineStatus?: number;
  reason?: string;
  detail?: string;
  retryable: boolean;
}

export class OvirtError extends AppError {
  /** What a public page may show: says what went wrong without the engine's host, the user name or a password. */
  readonly publicDetail: string;

  constructor(
    readonly kind: OvirtErrorKind,
    message: string,
    readonly info: OvirtErrorInfo,
    options: { code?: ErrorCode; publicDetail?: string } = {},
  ) {
    // To our own clients an engine failure is a bad gateway (or unavailable); the engine status stays in `info`.
    super(options.code ?? `ovirt_${kind}`, message, kind === 'unavailable' || kind === 'timeout' ? 503 : 502, {
      operation: info.operation,
      engine_status: info.engineStatus,
      reason: info.reason,
      detail: info.detail,
    });
    this.publicDetail = options.publicDetail ?? message;
  }

  get retryable(): boolean {
    return this.info.retryable;
  }

  /** The VM or object is locked by another engine operation ("Related operation is currently in progress"). */
  get isLocked(): boolean {
    return this.kind === 'conflict' && /locked|in progress/i.test(this.info.detail ?? '');
  }

  get isNameInUse(): boolean {
    return this.kind === 'conflict' && /name is already in use/i.test(this.info.detail ?? '');
  }

  /** No host can run the VM (scheduling filters or memory). */
  get isNoHost(): boolean {
    return this.kind === 'conflict' && /no host that satisfies|no available running hosts|sufficient memory/i.test(this.info.detail ?? '');
  }
}

export class OvirtNotFoundError extends OvirtError {
  constructor(operation: string, detail?: string, engineStatus = 404) {
    super('not_found', `oVirt engine: ${operation}: not found${detail ? ` (${detail})` : ''}.`, {
      operation,
      engineStatus,
      detail,
      retryable: false,
    });
  }
}

/**
 * The engine's SSO refused the user name or password (`access_denied`, `invalid_grant`, `invalid_client`), or no
 * password is configured. Names the user, never the password.
 */
export class OvirtAuthError extends OvirtError {
  constructor(
    message: string,
    info: { operation?: string; engineStatus?: number; reason?: string; detail?: string; publicDetail?: string } = {},
  ) {
    const { operation = 'login', engineStatus = 401, reason, detail, publicDetail } = info;
    super(
      'auth',
      message,
      { operation, engineStatus, reason, detail, retryable: false },
      {
        code: 'ovirt_credentials_refused',
        publicDetail:
          publicDetail ?? `the engine refused our credentials${reason ? ` (${reason})` : ''}; check OVIRT_USERNAME and OVIRT_PASSWORD`,
      },
    );
  }
}

/**
 * The SSO answered as an oVirt SSO but refused the request itself (`invalid_request`, `invalid_scope`,
 * `unsupported_grant_type`, …): not a matter of the password, so it is not reported as one.
 */
export class OvirtLoginRejectedError extends OvirtError {
  constructor(tokenUrl: string, engineStatus: number, reason: string, detail: string | undefined) {
    const why = [reason, detail].filter(Boolean).join(': ');
    super(
      'auth',
      `The oVirt engine's SSO at ${withoutCredentials(tokenUrl)} rejected the login request (${why}).`,
      {
        operation: 'login',
        engineStatus,
        reason,
        detail,
        retryable: false,
      },
      {
        code: 'ovirt_login_rejected',
        publicDetail: `the engine's SSO rejected the login request (${reason})`,
      },
    );
  }
}

/**
 * Something answers at OVIRT_URL, but not an oVirt engine: its token endpoint is missing (404), or the answer is a
 * web page or a redirect rather than the SSO's JSON. Almost always a wrong OVIRT_URL (host, port or path).
 */
export class OvirtNoEngineError extends OvirtError {
  constructor(
    engineUrl: string,
    readonly tokenUrl: string,
    /** What answered, safe for public pages: `404`, `200 with text/html, not the SSO's JSON`, `301, a redirect`, … */
    readonly answered: string,
    engineStatus: number | undefined,
    /** A further hint for the operator (e.g. where a redirect points); left out of `publicDetail`. */
    hint?: string,
  ) {
    super(
      'no_engine',
      `No oVirt engine answers at ${withoutCredentials(engineUrl)} (${withoutCredentials(tokenUrl)} answered ` +
        `${answered}).${hint ? ` ${hint}` : ''} Check OVIRT_URL: give the engine's address, e.g. ${ENGINE_URL_FORMS}.`,
      { operation: 'login', engineStatus, detail: answered, retryable: false },
      { code: 'ovirt_no_engine', publicDetail: `no oVirt engine answers at this URL (…${pathOf(tokenUrl)} answered ${answered})` },
    );
  }
}

export type NetworkFailure = 'connection_refused' | 'dns' | 'tls' | 'network';

const NETWORK_FAILURE_CODES: Record<NetworkFailure, ErrorCode> = {
  connection_refused: 'ovirt_connection_refused',
  dns: 'ovirt_dns_failed',
  tls: 'ovirt_tls_failed',
  network: 'ovirt_unreachable',
};

/** The engine could not be reached at all: refused connection, unknown host name, failed TLS, or another socket error. */
export class OvirtUnreachableError extends OvirtError {
  constructor(
    operation: string,
    readonly failure: NetworkFailure,
    /** The socket or TLS error code, e.g. ECONNREFUSED, ENOTFOUND, SELF_SIGNED_CERT_IN_CHAIN. */
    readonly networkCode: string | undefined,
    engineUrl?: string,
  ) {
    const code = networkCode ?? 'network error';
    const at = hostOf(engineUrl);
    const { message, publicDetail } = describeNetworkFailure(failure, code, at);
    super(
      'unavailable',
      `oVirt engine: ${operation}: ${message}`,
      {
        operation,
        reason: networkCode,
        // A TLS failure is configuration (a CA, a host name, a port): retrying the same handshake cannot help.
        retryable: failure !== 'tls',
      },
      { code: NETWORK_FAILURE_CODES[failure], publicDetail },
    );
  }
}

export class OvirtTimeoutError extends OvirtError {
  constructor(operation: string, timeoutMs: number) {
    super('timeout', `oVirt engine: ${operation}: no answer within ${timeoutMs} ms.`, { operation, retryable: true });
  }
}

/** Builds the error for an engine answer with status >= 400 (or an action that reports `failed`). */
export function errorForStatus(operation: string, status: number, reason?: string, detail?: string): OvirtError {
  const text = [reason, detail].filter(Boolean).join(': ');
  const message = `oVirt engine: ${operation} failed with HTTP ${status}${text ? `: ${text}` : ''}.`;
  const info = { operation, engineStatus: status, reason, detail };
  if (status === 404) return new OvirtNotFoundError(operation, detail ?? reason, status);
  if (status === 400) return new OvirtError('bad_request', message, { ...info, retryable: false });
  if (status === 401) return new OvirtError('auth', message, { ...info, retryable: false });
  if (status === 403) return new OvirtError('forbidden', message, { ...info, retryable: false });
  if (status === 409) return new OvirtError('conflict', message, { ...info, retryable: false });
  if (status === 429 || status >= 500) return new OvirtError('unavailable', message, { ...info, retryable: true });
  return new OvirtError('bad_request', message, { ...info, retryable: false });
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
/** Node's TLS verification codes (OpenSSL's names) and its own TLS/SSL error codes. */
const UNTRUSTED_CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

/** Which kind of network failure a socket or TLS error code is. */
export function networkFailureOf(code: string | undefined): NetworkFailure {
  if (!code) return 'network';
  if (code === 'ECONNREFUSED') return 'connection_refused';
  if (DNS_CODES.has(code)) return 'dns';
  if (UNTRUSTED_CERT_CODES.has(code) || /CERT|^ERR_TLS_|^ERR_SSL_|^EPROTO$/.test(code)) return 'tls';
  return 'network';
}

function describeNetworkFailure(failure: NetworkFailure, code: string, at: string | undefined): { message: string; publicDetail: string } {
  const where = at ? ` at ${at}` : '';
  switch (failure) {
    case 'connection_refused':
      return {
        message: `cannot reach the engine${where}: connection refused (${code}). Is the engine (or its proxy) running, and is the port in OVIRT_URL right?`,
        publicDetail: `cannot reach the engine: connection refused (${code})`,
      };
    case 'dns':
      return {
        message:
          `cannot reach the engine: the host name${at ? ` ${at.replace(/:\d+$/, '')}` : ''} does not resolve (${code}). Check the ` +
          `host in OVIRT_URL and this machine's DNS.`,
        publicDetail: `cannot reach the engine: its host name does not resolve (${code})`,
      };
    case 'tls': {
      const why = tlsReason(code);
      return {
        message: `cannot reach the engine${where}: TLS failed, ${why.long} (${code}).`,
        publicDetail: `cannot reach the engine: TLS failed, ${why.short} (${code})`,
      };
    }
    default:
      return { message: `cannot reach the engine${where} (${code}).`, publicDetail: `cannot reach the engine (${code})` };
  }
}

function tlsReason(code: string): { short: string; long: string } {
  if (UNTRUSTED_CERT_CODES.has(code)) {
    return {
      short: "the engine's certificate is not trusted",
      long:
        "the engine's certificate is not trusted; set OVIRT_CA_FILE to the engine's CA " +
        '(<engine>/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA)',
    };
  }
  if (code === 'CERT_HAS_EXPIRED') return { short: "the engine's certificate has expired", long: "the engine's certificate has expired" };
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return {
      short: "the engine's certificate is for another host name",
      long: "the engine's certificate is for another host name; use the name the certificate was issued for in OVIRT_URL",
    };
  }
  if (code === 'EPROTO' || /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG/.test(code)) {
    return { short: 'the port does not speak TLS', long: 'the port does not speak TLS; is it a plain http:// port, or the wrong port?' };
  }
  return { short: 'the handshake did not complete', long: 'the TLS handshake with the engine did not complete' };
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** The typed error for a request that got no HTTP answer (kept for callers that only have the code). */
export function unreachable(operation: string, code: string | undefined, engineUrl?: string): OvirtError {
  return new OvirtUnreachableError(operation, networkFailureOf(code), code, engineUrl);
}
