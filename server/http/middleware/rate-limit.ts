/**
 * Per-address abuse limits: a request limit per surface (webhooks, the billing panel's API), and a much
 * tighter limit on refused signatures and keys, so that nobody guesses the webhook secret, the API key or an admin
 * token from one address. Both answer 429 with Retry-After through the one error handler.
 *
 * Counts live in this instance's memory: with N instances behind a balancer a client gets up to N times each limit
 * (README, "Abuse limits"). The address is `req.ip`, which honours TRUST_PROXY (app.set('trust proxy', hops)).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { type AugmentedRequest, ipKeyGenerator, MemoryStore, type Options, rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import { TooManyRequestsError } from '../../errors';

export interface RequestLimitOptions {
  /** What is limited, for the 429 message ("webhook", "API"). */
  name: string;
  /** Requests per address per window; 0 is off. */
  limit: number;
  windowSeconds: number;
  logger: Logger;
}

export interface AuthFailureLimitOptions {
  /** What is guarded, for the 429 message ("signature", "API key", "admin token"). */
  name: string;
  /** Refused attempts per address per window before the address is refused outright; 0 is off. */
  limit: number;
  windowSeconds: number;
  /** Which answers count as a refused attempt [401 and 403]. */
  isFailure?: (status: number) => boolean;
}

const passThrough: RequestHandler = (_req, _res, next) => next();

const refusedCredentials = (status: number): boolean => status === 401 || status === 403;

/** Whole seconds until `reset` (at least 1, so a client never retries in a tight loop). */
function secondsUntil(reset: Date | undefined, windowSeconds: number): number {
  if (!reset) return windowSeconds;
  return Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000));
}

/** The library's own problems (a store error, a misconfiguration it detects) go to our log, not to the console. */
function libraryLogger(logger: Logger): Options['logger'] {
  return {
    warn: (err, message) => logger.warn({ err }, message ?? 'express-rate-limit warning'),
    error: (err, message) => logger.error({ err }, message ?? 'express-rate-limit error'),
  };
}

/**
 * At most `limit` requests per address per fixed window on one surface; past it, 429 with Retry-After and the
 * draft-7 `RateLimit`/`RateLimit-Policy` headers. Every request counts, answered or refused.
 */
export function requestLimit(o: RequestLimitOptions): RequestHandler {
  // express-rate-limit would read 0 as "refuse everything"; here it means off, so benches and test suites can run.
  if (o.limit === 0) return passThrough;
  return rateLimit({
    windowMs: o.windowSeconds * 1000,
    limit: o.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // The default key: req.ip, IPv6 addresses grouped by /56 (one customer's prefix), as in authFailureLimit.
    handler: (req: Request, _res: Response, next: NextFunction) => {
      const info = (req as AugmentedRequest).rateLimit;
      next(
        new TooManyRequestsError(
          `Too many ${o.name} requests from this address; try again after Retry-After seconds.`,
          secondsUntil(info?.resetTime, o.windowSeconds),
        ),
      );
    },
    // TRUST_PROXY is a hop count, so req.ip is already the client's address. The library's X-Forwarded-For and
    // Forwarded checks would report any client that sends those headers itself (ignored on purpose when
    // TRUST_PROXY=0; express never reads Forwarded) as our misconfiguration. Its other checks stay on.
    validate: { xForwardedForHeader: false, forwardedHeader: false },
    logger: libraryLogger(o.logger),
  });
}

/**
 * Refuses an address with 429 once it has had `limit` refused attempts (401/403 by default) on this surface within
 * the window, even when it then brings good credentials, until the window that began with its first failure ends.
 *
 * A failure is counted when its answer goes out, not on arrival as express-rate-limit's `skipSuccessfulRequests`
 * does: that would count every request still in flight as a failure, and a burst of more than `limit` legitimate
 * requests at once from the panel's single address would be refused. The price is that a burst of bad guesses sent
 * at once may overshoot `limit` by the ones already in flight; the request limit bounds that burst.
 */
export function authFailureLimit(o: AuthFailureLimitOptions): RequestHandler {
  if (o.limit === 0) return passThrough;
  const isFailure = o.isFailure ?? refusedCredentials;
  // The library's fixed-window store (expired entries swept every window, on an unref'd timer).
  const store = new MemoryStore();
  store.init({ windowMs: o.windowSeconds * 1000 } as Options);
  return async (req: Request, res: Response, next: NextFunction) => {
    const key = ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');
    const seen = await store.get(key);
    if (seen && seen.totalHits >= o.limit) {
      next(
        new TooManyRequestsError(
          `Too many refused ${o.name} attempts from this address; try again after Retry-After seconds.`,
          secondsUntil(seen.resetTime, o.windowSeconds),
        ),
      );
      return;
    }
    res.once('finish', () => {
      if (isFailure(res.statusCode)) void store.increment(key);
    });
    next();
  };
}
