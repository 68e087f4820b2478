/**
 * JSON bodies for the API: a size limit (413), malformed JSON (400) and a non-JSON content type on a body (415)
 * become typed errors here, so the error handler never sees body-parser internals.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { MalformedBodyError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../errors';

interface BodyParserError {
  type?: string;
}

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

type Parser = (req: Request, res: Response, next: (err?: unknown) => void) => void;

export function jsonBody(limit: string) {
  return withTypedErrors(express.json({ limit, strict: true }), limit);
}

/** Form posts of the admin console (`application/x-www-form-urlencoded`), with the same limit and error handling. */
export function formBody(limit: string) {
  return withTypedErrors(express.urlencoded({ limit, extended: false, parameterLimit: 200 }), limit, 'application/x-www-form-urlencoded');
}

/** The raw bytes of a body (webhooks verify signatures over them), with the same limit and error handling. */
export function rawBody(limit: string) {
  return withTypedErrors(express.raw({ limit, type: () => true }), limit);
}

function withTypedErrors(parse: Parser, limit: string, contentType = 'application/json') {
  return (req: Request, res: Response, next: NextFunction): void => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (METHODS_WITH_BODY.has(req.method) && hasBody && !req.is(contentType)) {
      next(new UnsupportedMediaTypeError(contentType));
      return;
    }
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      const type = (err as BodyParserError).type;
      if (type === 'entity.too.large') return next(new PayloadTooLargeError(limit));
      if (type === 'entity.parse.failed') return next(new MalformedBodyError());
      if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
        return next(new UnsupportedMediaTypeError('application/json; charset=utf-8'));
      }
      if (type === 'request.aborted' || type === 'request.size.invalid')
        return next(new MalformedBodyError('The request body was incomplete.'));
      next(err);
    });
  };
}
