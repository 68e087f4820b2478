/**
 * Abuse limits: per-address request limits on webhooks and the panel API, the tight limit on refused
 * signatures and keys (webhooks, panel API, admin API), and the size limits on bodies and request heads. Every suite
 * else runs with the limits off (tests/helpers/test-app.ts); here they are switched on with low values. TRUST_PROXY=1
 * lets each test speak from several addresses through X-Forwarded-For.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../server/app';
import { startHttpServer } from '../../server/http-server';
import { signedHeaders } from '../helpers/billing';
import { databaseKinds, holdEveryConnection } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { parseExposition, valueOf } from '../helpers/prometheus';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

const A = '198.51.100.1';
const B = '198.51.100.2';
const PANEL_KEY = `Bearer ${TEST_SECRETS.BILLING_API_KEY}`;
const WRONG_KEY = `Bearer ${'x'.repeat(40)}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(databaseKinds)('abuse limits on %s', (kind) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** A test app with the given limits; every other limit off, so each test sees only the one it is about. */
  async function start(env: Record<string, string>): Promise<TestApp> {
    t = await createTestApp(kind, { env: { TRUST_PROXY: '1', ...env } });
    await request(t.app)
      .post('/api/v1/admin/plans')
      .set('Authorization', t.adminAuth)
      .send(planBody({ product_id: '7' }))
      .expect(201);
    return t;
  }

  const counts = async (app: TestApp) => ({
    deliveries: Number((await app.db.knex('webhook_deliveries').count({ n: '*' }).first())?.n),
    jobs: Number((await app.db.knex('jobs').count({ n: '*' }).first())?.n),
  });

  let serial = 0;
  /** A create for a new service, signed with `secret` (the right one by default), sent from `from`. */
  function webhook(app: TestApp, from: string, secret = TEST_SECRETS.WEBHOOK_SECRET) {
    serial += 1;
    const body = JSON.stringify({ type: 'service.create', data: { service_id: `s${serial}`, client_id: '55', product_id: '7' } });
    const headers = signedHeaders(body, `msg_${randomUUID().replace(/-/g, '')}`, new Date(), secret);
    return request(app.app).post('/webhooks/billing').set(headers).set('X-Forwarded-For', from).send(body);
  }
  const otherSecret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

  const panelGet = (app: TestApp, from: string, auth: string) =>
    request(app.app).get('/api/v1/uptime').set('Authorization', auth).set('X-Forwarded-For', from);

  function expectTooMany(res: request.Response, maxSeconds: number): number {
    expect(res.status).toBe(429);
    expect(res.body.error).toMatchObject({ code: 'too_many_requests', request_id: expect.any(String) });
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
    expect(res.body.error.details).toEqual({ retry_after_seconds: retryAfter });
    return retryAfter;
  }

  test(
    'when an address sends one webhook more than the limit, then it gets 429 with Retry-After, nothing is recorded, and another ' +
      'address is unaffected',
    async () => {
      const app = await start({ RATE_LIMIT_WEBHOOKS: '3' });
      for (let i = 0; i < 3; i++) {
        const ok = await webhook(app, A);
        expect(ok.status).toBe(202);
        expect(ok.headers.ratelimit).toMatch(new RegExp(`^limit=3, remaining=${2 - i}, reset=\\d+$`));
      }

      const refused = await webhook(app, A);

      expectTooMany(refused, 60);
      expect(refused.headers['ratelimit-policy']).toBe('3;w=60');
      expect(await counts(app)).toEqual({ deliveries: 3, jobs: 3 });
      // Counted like any other answer, so an operator sees the panel being held back.
      const metrics = parseExposition((await request(app.app).get('/metrics').expect(200)).text);
      expect(valueOf(metrics, 'ovirt_ha_bridge_webhooks_received_total', { type: 'unknown', code: '429' })).toBe(1);
      expect((await webhook(app, B)).status).toBe(202);
      expect(await counts(app)).toEqual({ deliveries: 4, jobs: 4 });
    },
  );

  test('when an address fails the signature check too often, then even a good signature from it gets 429, while other addresses go on', async () => {
    const app = await start({ RATE_LIMIT_AUTH_FAILURES: '3' });
    // Webhooks without their headers are 400s: they guess nothing and do not count.
    for (let i = 0; i < 5; i++) {
      expect(
        (await request(app.app).post('/webhooks/billing').set('X-Forwarded-For', A).set('content-type', 'application/json').send('{}'))
          .status,
      ).toBe(400);
    }
    for (let i = 0; i < 3; i++) expect((await webhook(app, A, otherSecret)).status).toBe(401);

    const refused = await webhook(app, A);

    expectTooMany(refused, 900);
    expect(await counts(app)).toEqual({ deliveries: 0, jobs: 0 });
    expect((await webhook(app, B)).status).toBe(202);
    expect(await counts(app)).toEqual({ deliveries: 1, jobs: 1 });
  });

  test('when the panel sends more good webhooks at once than the failure limit, then none is refused (only answered failures count)', async () => {
    const app = await start({ RATE_LIMIT_AUTH_FAILURES: '3' });
    // The database is held, so all twelve are in flight together before any is answered.
    const release = await holdEveryConnection(app.db.knex);
    const sent = Array.from({ length: 12 }, () => webhook(app, A).then((r) => r.status));
    await sleep(300);
    await release();
    expect(await Promise.all(sent)).toEqual(Array(12).fill(202));
  });

  test('when an address sends wrong billing API keys too often, then the right key from it gets 429, while other addresses go on', async () => {
    const app = await start({ RATE_LIMIT_AUTH_FAILURES: '3' });
    expect((await panelGet(app, A, PANEL_KEY)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await panelGet(app, A, WRONG_KEY)).status).toBe(401);

    expectTooMany(await panelGet(app, A, PANEL_KEY), 900);
    // The other panel surfaces share the count; the webhooks keep their own.
    expect((await request(app.app).get('/api/v1/services/1').set('Authorization', PANEL_KEY).set('X-Forwarded-For', A)).status).toBe(429);
    expect((await webhook(app, A)).status).toBe(202);
    expect((await panelGet(app, B, PANEL_KEY)).status).toBe(200);
  });

  test('when an address sends bad admin tokens too often, then a good token from it gets 429, while other addresses go on', async () => {
    const app = await start({ RATE_LIMIT_AUTH_FAILURES: '3' });
    const plans = (from: string, auth: string) =>
      request(app.app).get('/api/v1/admin/plans').set('Authorization', auth).set('X-Forwarded-For', from);
    for (let i = 0; i < 3; i++) expect((await plans(A, 'Bearer not.a.token')).status).toBe(401);

    expectTooMany(await plans(A, app.adminAuth), 900);
    expect((await plans(B, app.adminAuth)).status).toBe(200);
  });

  test('when the auth window has passed, then the refused address is served again', async () => {
    // Windows of a few seconds, so a slow moment on a busy CI machine does not end one before the 429 is seen.
    const app = await start({ RATE_LIMIT_AUTH_FAILURES: '2', RATE_LIMIT_AUTH_WINDOW_SECONDS: '3' });
    for (let i = 0; i < 2; i++) expect((await panelGet(app, A, WRONG_KEY)).status).toBe(401);
    const retryAfter = expectTooMany(await panelGet(app, A, PANEL_KEY), 3);

    await sleep(retryAfter * 1000 + 50);

    expect((await panelGet(app, A, PANEL_KEY)).status).toBe(200);
  });

  test('when the request window has passed, then the limited address is served again', async () => {
    const app = await start({ RATE_LIMIT_API: '2', RATE_LIMIT_WINDOW_SECONDS: '3' });
    for (let i = 0; i < 2; i++) expect((await panelGet(app, A, PANEL_KEY)).status).toBe(200);
    const retryAfter = expectTooMany(await panelGet(app, A, PANEL_KEY), 3);

    await sleep(retryAfter * 1000 + 50);

    const again = await panelGet(app, A, PANEL_KEY);
    expect(again.status).toBe(200);
    expect(again.headers.ratelimit).toMatch(/^limit=2, remaining=1, reset=[123]$/);
  });

  test('when the limits are 0 (as in the other suites), then nothing is limited and no RateLimit headers are sent', async () => {
    const app = await start({});
    for (let i = 0; i < 30; i++) expect((await panelGet(app, A, WRONG_KEY)).status).toBe(401);
    const res = await panelGet(app, A, PANEL_KEY);
    expect(res.status).toBe(200);
    expect(res.headers.ratelimit).toBeUndefined();
  });
});

describe('size limits on a real server', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** One raw request, so the test controls every header byte. */
  function send(
    port: number,
    o: { method: string; path: string; headers: Record<string, string>; body?: string },
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: o.method, path: o.path, headers: o.headers, agent: false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end(o.body);
    });
  }

  test('when a request head or a body is too large, then 431 from Node, and 413 in the JSON error shape', async () => {
    t = await createTestApp('sqlite', { env: { HTTP_MAX_HEADER_BYTES: '4096', JSON_BODY_LIMIT: '1kb' } });
    const { config } = t.container;
    const running = await startHttpServer(createApp(t.container), {
      host: '127.0.0.1',
      port: 0,
      graceMs: 1000,
      logger: t.container.logger,
      maxHeaderBytes: config.http.maxHeaderBytes,
      cleanup: async () => undefined,
    });
    try {
      const auth = { Authorization: t.adminAuth };
      expect(
        (await send(running.port, { method: 'GET', path: '/api/v1/admin/plans', headers: { ...auth, 'X-Padding': 'p'.repeat(3000) } }))
          .status,
      ).toBe(200);
      expect(
        (await send(running.port, { method: 'GET', path: '/api/v1/admin/plans', headers: { ...auth, 'X-Padding': 'p'.repeat(5000) } }))
          .status,
      ).toBe(431);

      const json = JSON.stringify(planBody({ name: 'n'.repeat(2000) }));
      const tooBig = await send(running.port, {
        method: 'POST',
        path: '/api/v1/admin/plans',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: json,
      });
      expect(tooBig.status).toBe(413);
      expect(JSON.parse(tooBig.body).error).toMatchObject({ code: 'payload_too_large', details: { limit: '1kb' } });

      const hook = JSON.stringify({
        type: 'service.create',
        data: { service_id: '1', client_id: '1', product_id: '7', pad: 'x'.repeat(70 * 1024) },
      });
      const hookTooBig = await send(running.port, {
        method: 'POST',
        path: '/webhooks/billing',
        headers: signedHeaders(hook, 'msg_big'),
        body: hook,
      });
      expect(hookTooBig.status).toBe(413);
      expect(JSON.parse(hookTooBig.body).error).toMatchObject({ code: 'payload_too_large', details: { limit: '64kb' } });
    } finally {
      await running.shutdown('test finished');
    }
  });
});
