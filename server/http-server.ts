/**
 * Listening and graceful shutdown. On SIGTERM: readiness turns 503 (the load balancer drains us), the server stops
 * accepting, in-flight requests finish (up to the grace period), idle keep-alive sockets are closed, then the
 * caller's cleanup (database pool) runs.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';
import type { Logger } from 'pino';

export interface RunningServer {
  server: Server;
  port: number;
  /** Stops accepting, lets in-flight requests finish within graceMs, then runs `cleanup`. Idempotent. */
  shutdown(reason: string): Promise<void>;
}

export async function startHttpServer(
  app: RequestListener,
  options: {
    host: string;
    port: number;
    graceMs: number;
    logger: Logger;
    /** Largest request head (request line and headers) accepted; Node answers 431 past it [Node's 16 KiB]. */
    maxHeaderBytes?: number;
    beforeClose?: () => void;
    cleanup: () => Promise<void>;
  },
): Promise<RunningServer> {
  const server = createServer({ maxHeaderSize: options.maxHeaderBytes }, app);
  // Slightly above common load-balancer idle timeouts so the LB, not us, closes idle keep-alive sockets.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      options.logger.info({ reason }, 'shutting down: draining in-flight requests');
      options.beforeClose?.();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive sockets would hold close() open; reap them now and as in-flight requests finish.
      server.closeIdleConnections();
      const reaper = setInterval(() => server.closeIdleConnections(), 100);
      const deadline = setTimeout(() => {
        options.logger.warn({ graceMs: options.graceMs }, 'grace period over: closing remaining connections');
        server.closeAllConnections();
      }, options.graceMs);
      await closed;
      clearInterval(reaper);
      clearTimeout(deadline);
      await options.cleanup();
      options.logger.info('shutdown complete');
    })();
    return stopping;
  };

  return { server, port, shutdown };
}
