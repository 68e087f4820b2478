/**
 * The one error handler, last in the chain. Known errors go out with their status and code; unknown ones are logged
 * in full and answered with a generic 500, so no stack, SQL or driver text reaches a client. API and webhook paths
 * always get JSON; page routes get the HTML error page when the browser asks for HTML.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { databaseUnavailable, loggableError } from '../../db/errors';
import { AppError, ServiceUnavailableError, TooManyRequestsError } from '../../errors';

const GENERIC_MESSAGE = 'An unexpected error occurred.';

/** What the request log line says about an answer the handler chose (res.locals.refusal). */
export interface Refusal {
  code: string;
  reason: string;
  details?: unknown;
  cause?: unknown;
}

function wantsHtml(req: Request): boolean {
  if (req.path.startsWith('/api/') || req.path.startsWith('/webhooks/')) return false;
  return req.accepts(['json', 'html']) === 'html';
}

/**
 * Errors that express and its parsers raise for the client's own mistakes (a path with broken percent-encoding, say)
 * carry a 4xx `status`; they are answered as such, in our words, instead of as a 500.
 */
function clientError(err: unknown): AppError | undefined {
  const status =
    typeof err === 'object' && err !== null
      ? ((err as { status?: unknown; statusCode?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode)
      : undefined;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  return new AppError('bad_request', 'The request is malformed (for example a path with broken percent-encoding).', status);
}

export function errorHandler(logger: Logger) {
  // Note: keep all four parameters; that is how express recognises an error handler.
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const known =
      err instanceof AppError
        ? err
        : databaseUnavailable(err)
          ? new ServiceUnavailableError('The database is unavailable for a moment; nothing was changed. Try again shortly.', undefined, 5)
          : clientError(err);
    const status = known?.status ?? 500;
    const requestId = String(req.id ?? '');
    if (!known) {
      (req.log ?? logger).error({ err, requestId }, 'unhandled error');
    } else {
      // An answer we chose (a refusal: the engine or database away, a bad request) is no fault of ours and has no
      // stack worth reading. Its code and reason go into the one request log line (app.ts) as fields of their own
      // (a second warning carried the reason as a second `msg` key, which most parsers drop). A
      // driver error behind it keeps its code and reason only, never its SQL.
      const refusal: Refusal = {
        code: known.code,
        reason: known.message,
        // What the client was told in detail (the engine's own reason for a 503, say) helps whoever reads the log.
        ...(status >= 500 && known.details !== undefined ? { details: known.details } : {}),
        ...(databaseUnavailable(err) ? { cause: loggableError(err) } : {}),
      };
      res.locals.refusal = refusal;
      if (!req.log && status >= 500) logger.warn({ ...refusal, requestId }, 'request refused');
    }
    if (res.headersSent) {
      // Too late for a clean answer; drop the connection rather than send a corrupt body.
      res.destroy();
      return;
    }
    const code = known?.code ?? 'internal_error';
    const message = known?.message ?? GENERIC_MESSAGE;
    res.status(status);
    // Tell clients (the billing panel retries webhooks) when trying again makes sense.
    if (status === 503) res.set('Retry-After', String(known instanceof ServiceUnavailableError ? known.retryAfterSeconds : 5));
    if (known instanceof TooManyRequestsError) res.set('Retry-After', String(known.retryAfterSeconds));
    if (wantsHtml(req)) {
      // Inside the console the admin's stylesheet and navigation stay (the layout loads them when `nav` is set).
      const nav = res.locals.adminEmail ? 'error' : undefined;
      res.render('error', { title: `Error ${status}`, status, message, requestId, nav });
      return;
    }
    res.json({
      error: {
        code,
        message,
        ...(known?.details === undefined ? {} : { details: known.details }),
        request_id: requestId,
      },
    });
  };
}
