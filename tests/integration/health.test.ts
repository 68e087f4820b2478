import { Writable } from 'node:stream';
import request from 'supertest';
import { createLogger } from '../../server/logger';
import { databaseKinds } from '../helpers/databases';
import { createTestApp, type TestApp } from '../helpers/test-app';

describe.each(databaseKinds)('health, readiness and request logs on %s', (kind) => {
  let t: TestApp;
  const lines: string[] = [];
  beforeEach(async () => {
    lines.length = 0;
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    t = await createTestApp(kind, { logger: createLogger('info', sink) });
  });
  afterEach(async () => {
    await t.close();
  });

  test('when the process is up, then /healthz answers 200', async () => {
    const res = await request(t.app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  test('when the database answers, then /readyz is 200; while draining it is 503', async () => {
    const ready = await request(t.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      ready: true,
      status: 'ready',
      checks: { database: { ok: true }, engine: { ok: false, detail: 'no oVirt engine configured' } },
    });

    t.container.readiness.startDraining();
    const draining = await request(t.app).get('/readyz');
    expect(draining.status).toBe(503);
    expect(draining.body.status).toBe('draining');
  });

  test('when a request carries an id, then it is echoed and logged; otherwise one is made', async () => {
    const res = await request(t.app).get('/api/v1/admin/plans').set('Authorization', t.adminAuth).set('X-Request-Id', 'panel-42');
    expect(res.headers['x-request-id']).toBe('panel-42');
    expect(lines.join('')).toContain('"id":"panel-42"');

    const fresh = await request(t.app).get('/healthz').set('X-Request-Id', 'bad id with spaces');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('when requests carry secrets, then the log holds none of them', async () => {
    await request(t.app).get('/api/v1/admin/plans').set('Authorization', t.adminAuth);
    await request(t.app)
      .get('/api/v1/admin/plans?t=one-time-token-value')
      .set('Authorization', 'Bearer garbage-token-value')
      .set('Cookie', 'sid=cookie-value');
    const log = lines.join('');
    expect(log).toContain('"path":"/api/v1/admin/plans"');
    for (const secret of [t.adminAuth.slice(7), 'garbage-token-value', 'one-time-token-value', 'cookie-value']) {
      expect(log).not.toContain(secret);
    }
  });

  test('when an unknown route is asked for, then JSON 404 for the API and an HTML page for a browser', async () => {
    const api = await request(t.app).get('/api/v1/nothing').set('Accept', 'text/html');
    expect(api.status).toBe(404);
    expect(api.body.error.code).toBe('not_found');

    const page = await request(t.app).get('/nothing<script>').set('Accept', 'text/html');
    expect(page.status).toBe(404);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toMatch(/<h1[^>]*>Page not found<\/h1>/);
    expect(page.text).toContain('Error 404');
    expect(page.text).not.toContain('<script>');
  });

  test('the landing page renders with security headers', async () => {
    const res = await request(t.app).get('/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('oVirt HA Bridge is running');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('readiness when the database is gone', () => {
  test('when the pool is destroyed, then /readyz is 503 and says only that the database is unreachable', async () => {
    const t = await createTestApp('sqlite');
    await t.db.knex.destroy();
    const res = await request(t.app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({
      ready: false,
      status: 'not_ready',
      checks: { database: { ok: false, detail: 'database unreachable' } },
    });
  });
});
