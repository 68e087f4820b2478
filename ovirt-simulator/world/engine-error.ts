/**
 * A failure as the engine reports it: an HTTP status plus a fault `reason`/`detail` (docs/ovirt-api.md §10). Validation
 * failures of backend commands carry `reason` "Operation Failed" and a detail rendered as a Java list
 * ("[msg1, msg2]"), which is why `backendFailure` brackets its messages.
 */
export class EngineError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly detail: string | undefined,
    /** 404 for an unknown id in the path: the engine answers with an empty body, not a fault. */
    readonly emptyBody = false,
  ) {
    super(detail ? `${reason}: ${detail}` : reason);
    this.name = 'EngineError';
  }
}

/** A backend command's validation failure (CONFLICT → 409, BAD_PARAMETERS → 400). */
export function backendFailure(status: 400 | 403 | 409 | 500, ...messages: string[]): EngineError {
  return new EngineError(status, 'Operation Failed', `[${messages.join(', ')}]`);
}

export function notFound(): EngineError {
  return new EngineError(404, '', undefined, true);
}

/** A reference by name that does not resolve (e.g. `<cluster><name>X</name></cluster>`). */
export function entityNotFound(what: string): EngineError {
  return new EngineError(404, 'Operation Failed', `Entity not found: ${what}`);
}

export function incompleteParameters(type: string, fields: string[], action: string): EngineError {
  return new EngineError(400, 'Incomplete parameters', `${type} [${fields.join(', ')}] required for ${action}`);
}

export function invalidValue(value: string, enumName: string, allowed: readonly string[]): EngineError {
  return new EngineError(
    400,
    'Invalid value',
    `${value} is not a member of ${enumName}. Possible values for ${enumName} are: ${allowed.join(', ')}`,
  );
}

export function syntaxError(usage: string): EngineError {
  return new EngineError(400, 'Request syntactically incorrect.', `For correct usage, see: ${usage}`);
}
