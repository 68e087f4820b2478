import http from 'node:http';
import express from 'express';
import { startHttpServer } from '../../server/http-server';
import { createLogger } from '../../server/logger';

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: new http.Agent({ keepAlive: true }) }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('graceful shutdown', () => {
  test('when shutdown starts during a request, then that request finishes, new ones are refused and cleanup runs last', async () => {
    const events: string[] = [];
    let release: () => void = () => undefined;
    const app = express();
    app.get('/slow', async (_req, res) => {
      events.push('slow started');
      await new Promise<void>((r) => (release = r));
      res.send('done');
    });
    const running = await startHttpServer(app, {
      host: '127.0.0.1',
      port: 0,
      graceMs: 5000,
      logger: createLogger('silent'),
      beforeClose: () => events.push('draining'),
      cleanup: async () => {
        events.push('pool closed');
      },
    });

    const inFlight = get(running.port, '/slow');
    while (!events.includes('slow started')) await new Promise((r) => setTimeout(r, 5));
    const stopped = running.shutdown('SIGTERM');

    await expect(get(running.port, '/slow')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    release();
    await expect(inFlight).resolves.toEqual({ status: 200, body: 'done' });
    await stopped;
    expect(events).toEqual(['slow started', 'draining', 'pool closed']);
    expect(running.server.listening).toBe(false);
  });

  test('when a request outlives the grace period, then its connection is closed and shutdown still completes', async () => {
    const app = express();
    app.get('/stuck', () => undefined);
    let cleaned = false;
    const running = await startHttpServer(app, {
      host: '127.0.0.1',
      port: 0,
      graceMs: 100,
      logger: createLogger('silent'),
      cleanup: async () => {
        cleaned = true;
      },
    });
    const stuck = get(running.port, '/stuck').catch((err: NodeJS.ErrnoException) => err.code);
    await new Promise((r) => setTimeout(r, 50));
    await running.shutdown('SIGTERM');
    expect(cleaned).toBe(true);
    expect(await stuck).toBe('ECONNRESET');
  });
});
