/**
 * Errors as data: each carries a stable machine code and an HTTP status, and is thrown by name
 * (`throw new NotFoundError('plan', id)`). One handler (http/middleware/error-handler.ts) turns them into responses.
 * Codes come from the closed list in error-codes.ts, which the WHMCS module's messages are checked against.
 */
import type { ErrorCode, ErrorCodeWithStatus } from './error-codes';

export interface FieldProblem {
  /** Dotted path of the failing field, e.g. `ha.priority`; empty for the body as a whole. */
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(
    readonly problems: FieldProblem[],
    message = 'The request has invalid fields.',
  ) {
    super('validation_failed', message, 400, problems);
  }
}

export class MalformedBodyError extends AppError {
  constructor(message = 'The request body is not valid JSON.') {
    super('malformed_json', message, 400);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Authentication is required.') {
    super('unauthorized', message, 401);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this.') {
    super('forbidden', message, 403);
  }
}

export class NotFoundError extends AppError {
  constructor(resource: string, id?: string | number) {
    super('not_found', id === undefined ? `${resource} not found.` : `${resource} ${id} not found.`, 404, {
      resource,
      ...(id === undefined ? {} : { id: String(id) }),
    });
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: unknown, code: ErrorCodeWithStatus<409> = 'conflict') {
    super(code, message, 409, details);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limit: string) {
    super('payload_too_large', `The request body is larger than the limit of ${limit}.`, 413, { limit });
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(expected = 'application/json') {
    super('unsupported_media_type', `The request body must be sent as ${expected}.`, 415, { expected });
  }
}

/** Well-formed but cannot be served (unknown plan, no capacity, a transition that makes no sense). */
export class UnprocessableError extends AppError {
  constructor(code: ErrorCodeWithStatus<422>, message: string, details?: unknown) {
    super(code, message, 422, details);
  }
}

/** Too many attempts (sign-in); `retryAfterSeconds` says when trying again makes sense. */
export class TooManyRequestsError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('too_many_requests', message, 429, { retry_after_seconds: retryAfterSeconds });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(
    message: string,
    details?: unknown,
    /** Sent as Retry-After: when trying again makes sense. */
    readonly retryAfterSeconds = 5,
  ) {
    super('service_unavailable', message, 503, details);
  }
}
