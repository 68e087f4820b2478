/**
 * Who may read /metrics. With METRICS_TOKEN set: whoever sends it as a Bearer token (compared in constant time), from
 * anywhere. Without one: loopback clients only, so a Prometheus or node agent on the same machine works out of the
 * box while job counts, capacity and engine figures never leak to the internet by default. A reverse proxy on the
 * same machine also connects from loopback, so a request that a proxy forwarded is not served without the token
 * unless TRUST_PROXY says how to read the client's address from it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { Request, RequestHandler } from 'express';
import { ForbiddenError, UnauthorizedError } from '../../errors';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * 127.0.0.0/8 and ::1, in any spelling, including IPv4-mapped IPv6 (`::ffff:127.0.0.1`, what a dual-stack socket
 * reports); BlockList normalises them.
 */
export function isLoopback(address: string | undefined): boolean {
  const family = address ? isIP(address) : 0;
  if (!address || family === 0) return false;
  return LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The address a request came from: the socket's peer, never a header a client can forge, unless TRUST_PROXY says how
 * many proxies stand in front (then express's `req.ip`, taken from their X-Forwarded-For).
 */
export function clientAddress(req: Request, trustProxy: number): string | undefined {
  return trustProxy > 0 ? req.ip : req.socket.remoteAddress;
}

/**
 * Headers a reverse proxy or CDN adds to say whom it forwards for. Any of them on a request from loopback means the
 * socket's address is the proxy's, not the client's.
 */
const PROXY_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-forwarded-server',
  'x-real-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  'x-original-forwarded-for',
  'true-client-ip',
  'cf-connecting-ip',
  'fastly-client-ip',
  'via',
];

/** Whether the request carries a header a proxy adds when forwarding. */
export function viaProxy(req: Pick<Request, 'headers'>): boolean {
  return PROXY_HEADERS.some((h) => req.headers[h] !== undefined);
}

export function metricsAccess(options: { token: string | undefined; trustProxy: number }): RequestHandler {
  const { token, trustProxy } = options;
  if (token !== undefined) {
    // Hashing both sides gives equal lengths, so timingSafeEqual never throws and length does not leak.
    const expected = createHash('sha256').update(token).digest();
    return (req, res, next) => {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
      const given = match?.[1] ? createHash('sha256').update(match[1]).digest() : undefined;
      if (!given || !timingSafeEqual(given, expected)) {
        res.set('WWW-Authenticate', 'Bearer realm="metrics"');
        throw new UnauthorizedError('The metrics token is missing or wrong: Authorization: Bearer <METRICS_TOKEN>.');
      }
      next();
    };
  }
  return (req, _res, next) => {
    if (trustProxy === 0 && viaProxy(req)) {
      throw new ForbiddenError(
        'This request came through a proxy that TRUST_PROXY does not trust, so its origin is unknown; ' +
          'set METRICS_TOKEN (or TRUST_PROXY) to serve metrics through it.',
      );
    }
    if (!isLoopback(clientAddress(req, trustProxy))) {
      throw new ForbiddenError('Metrics are served to this machine only; set METRICS_TOKEN to let Prometheus scrape from elsewhere.');
    }
    next();
  };
}
