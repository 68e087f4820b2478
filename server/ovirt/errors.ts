/**
 * Engine failures as typed errors. They carry the engine's HTTP status, fault reason and detail, the operation and
 * whether retrying can help; never a header, token or password (axios errors hold the request config, so they are
 * never re-thrown or attached as a cause).
 */
import { AppError } from '../errors';

export type OvirtErrorKind = 'bad_request' | 'auth' | 'forbidden' | 'not_found' | 'conflict' | 'unavailable' | 'timeout';

export class OvirtError extends AppError {
  constructor(
    readonly kind: OvirtErrorKind,
    message: string,
    readonly info: { operation: string; engineStatus?: number; reason?: string; detail?: string; retryable: boolean },
  ) {
    // To our own clients an engine failure is a bad gateway (or unavailable); the engine status stays in `info`.
    super(`ovirt_${kind}`, message, kind === 'unavailable' || kind === 'timeout' ? 503 : 502, {
      operation: info.operation,
      engine_status: info.engineStatus,
      reason: info.reason,
      detail: info.detail,
    });
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

export class OvirtAuthError extends OvirtError {
  constructor(message: string, operation = 'login') {
    super('auth', message, { operation, engineStatus: 401, retryable: false });
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

export function unreachable(operation: string, code: string | undefined): OvirtError {
  return new OvirtError('unavailable', `oVirt engine: ${operation}: cannot reach the engine (${code ?? 'network error'}).`, {
    operation,
    retryable: true,
  });
}
