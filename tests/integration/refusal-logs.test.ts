/**
 * Issue 21, item 20: an expected refusal is logged as one warning with its reason in a field of its own: not at error
 * level, without a made-up stack (`failed with status code 503 at onResFinished`), without a second `msg` key, and
 * without SQL or tokens. A bug's 500 is still an error with its real stack.
 */
import express from 'express';
import request from 'supertest';
import { createLogger } from '../../server/logger';
import { requestLogger } from '../../server/app';
import { errorHandler } from '../../server/http/middleware/error-handler';
import type { JobQueue } from '../../server/jobs/job-queue';
import { JobWorker } from '../../server/jobs/worker';
import { sendWebhook } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** Log lines as written (raw JSON text, so a duplicated key is still visible) and parsed. */
function captureLogs() {
  const raw: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void raw.push(line) });
  const parsed = () => raw.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { raw, logger, parsed };
}

const msgKeys = (line: string) => line.match(/"msg":/g)?.length ?? 0;

describe.each(databaseKinds)('refusal logs on %s', (kind) => {
  let t: TestApp;
  const logs = captureLogs();

  beforeEach(async () => {
    logs.raw.length = 0;
    t = await createTestApp(kind, {
      logger: logs.logger,
      // An engine that is away: nothing listens on port 1, so the order gate cannot read the cluster.
      engine: {
        url: 'http://127.0.0.1:1/ovirt-engine',
        username: 'admin@internal',
        password: 'pw',
        timeoutMs: 300,
        maxInFlight: 4,
        readRetries: 0,
      },
    });
    await request(t.app)
      .post('/api/v1/admin/plans')
      .set('Authorization', t.adminAuth)
      .send(planBody({ product_id: '7' }))
      .expect(201);
    logs.raw.length = 0;
  });
  afterEach(async () => {
    await t.close();
  });

  test('when an order is refused with 503 because the engine is away, then one warning says why, once, with no stack', async () => {
    const res = await sendWebhook(t.app, { type: 'service.create', data: { service_id: '9101', client_id: '55', product_id: '7' } });
    expect(res.status).toBe(503);

    const lines = logs
      .parsed()
      .filter((l) => (l.req as { path?: string } | undefined)?.path === '/webhooks/billing' || l.code === 'service_unavailable');
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({
      level: 40,
      code: 'service_unavailable',
      reason: expect.stringMatching(/engine does not answer/),
      res: { statusCode: 503 },
    });
    expect(line).not.toHaveProperty('err');
    expect(logs.parsed().filter((l) => Number(l.level) >= 50)).toEqual([]);
    for (const l of logs.raw) expect(msgKeys(l)).toBe(1);
    expect(logs.raw.join('\n')).not.toMatch(/failed with status code|onResFinished/);
  });
});

describe('log lines for errors', () => {
  function appWith(handler: express.RequestHandler) {
    const logs = captureLogs();
    // The app's own request logger and error handler, around a route that fails as told.
    const app = express();
    app.use(requestLogger(logs.logger));
    app.get('/x', handler);
    app.use(errorHandler(logs.logger));
    return { app, logs };
  }

  test('when the database is away under a request, then one warning carries the driver code and reason, not the statement or its token', async () => {
    const driverError = Object.assign(
      new Error("update `admin_sessions` set `token_hash` = 'tok-secret-42' - connect ECONNREFUSED 127.0.0.1:3306"),
      { code: 'ECONNREFUSED' },
    );
    const { app, logs } = appWith(() => {
      throw driverError;
    });
    await request(app).get('/x').expect(503);
    expect(logs.parsed()).toEqual([
      expect.objectContaining({
        level: 40,
        code: 'service_unavailable',
        cause: { type: 'Error', code: 'ECONNREFUSED', reason: 'connect ECONNREFUSED 127.0.0.1:3306' },
      }),
    ]);
    expect(logs.raw.join('\n')).not.toContain('tok-secret-42');
    for (const l of logs.raw) expect(msgKeys(l)).toBe(1);
  });

  test('when a route has a bug, then its 500 is logged at error level with the real error', async () => {
    const { app, logs } = appWith(() => {
      throw new TypeError('cannot read properties of undefined');
    });
    await request(app).get('/x').expect(500);
    const errors = logs.parsed().filter((l) => l.level === 50);
    expect(errors.some((l) => (l.err as { message?: string } | undefined)?.message === 'cannot read properties of undefined')).toBe(true);
  });

  test('when a claim deadlocks with another instance, then the worker says so at info with the reason, never the SQL or the lease token', async () => {
    const logs = captureLogs();
    const sql = "update `jobs` set `state` = 'running', `lease_token` = 'lease-tok-7f3a' where `id` = 12";
    const deadlock = Object.assign(new Error(`${sql} - Deadlock found when trying to get lock; try restarting transaction`), {
      code: 'ER_LOCK_DEADLOCK',
      errno: 1213,
      sqlMessage: 'Deadlock found when trying to get lock; try restarting transaction',
      sql,
    });
    let claims = 0;
    const queue = {
      claim: async () => {
        claims++;
        throw deadlock;
      },
      reapExpired: async () => 0,
    } as unknown as JobQueue;
    const worker = new JobWorker({
      queue,
      handlers: {},
      logger: logs.logger,
      owner: 'a',
      concurrency: 1,
      pollMs: 10_000,
      heartbeatMs: 1000,
      reapEveryMs: 3_600_000,
    });
    worker.start();
    while (claims === 0 || logs.raw.length === 0) await new Promise((r) => setTimeout(r, 10));
    await worker.stop(0);

    expect(logs.parsed()).toEqual([
      expect.objectContaining({ level: 30, err: { type: 'Error', code: 'ER_LOCK_DEADLOCK', errno: 1213, reason: deadlock.sqlMessage } }),
    ]);
    expect(logs.raw.join('\n')).not.toMatch(/lease-tok-7f3a|update `jobs`/);
    for (const l of logs.raw) expect(msgKeys(l)).toBe(1);
  });
});
