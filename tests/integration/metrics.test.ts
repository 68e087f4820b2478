/**
 * GET /metrics: who may read it (the token, or loopback only), the text format, the series a provisioning leaves
 * behind (webhooks, jobs, engine calls, events, capacity), and a scrape that still answers while the engine hangs.
 */
import request from 'supertest';
import type { RunningSimulator } from '../../ovirt-simulator';
import { VM_CODES } from '../../server/domain/timeline';
import { eventually, sendWebhook, signedHeaders } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { parseExposition, samplesOf, typesOf, valueOf } from '../helpers/prometheus';
import { FAST_JOBS, engineTarget, startTestSimulator } from '../helpers/simulator';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

const TOKEN = 'metrics-token-0123456789abcdef-0123456789';
const P = 'ovirt_ha_bridge_';

const scrape = async (t: TestApp) => {
  const res = await request(t.app).get('/metrics').expect(200);
  return { text: res.text, samples: parseExposition(res.text) };
};

describe.each(databaseKinds)('GET /metrics on %s', (kind) => {
  describe('who may read it', () => {
    const apps: TestApp[] = [];
    const app = async (env: Record<string, string> = {}) => {
      const t = await createTestApp(kind, { env });
      apps.push(t);
      return t;
    };
    afterEach(async () => {
      await Promise.all(apps.splice(0).map((t) => t.close()));
    });

    test('when METRICS_TOKEN is set, then a missing or wrong token gets 401 and the right one the text format', async () => {
      const t = await app({ METRICS_TOKEN: TOKEN });

      const missing = await request(t.app).get('/metrics');
      const wrong = await request(t.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}x`);
      const right = await request(t.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);

      expect(missing.status).toBe(401);
      expect(missing.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(missing.body.error.code).toBe('unauthorized');
      expect(wrong.status).toBe(401);
      expect(right.status).toBe(200);
      expect(right.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(right.headers['cache-control']).toBe('no-store');
      expect(typesOf(right.text).get(`${P}webhooks_received_total`)).toBe('counter');
    });

    test('when no token is set, then loopback is served, and a forwarded request only when TRUST_PROXY says whom for', async () => {
      const direct = await app();
      const proxied = await app({ TRUST_PROXY: '1' });

      // supertest connects from 127.0.0.1, as a reverse proxy on the same machine would.
      await request(direct.app).get('/metrics').expect(200);
      const outside = await request(proxied.app).get('/metrics').set('X-Forwarded-For', '203.0.113.9');
      const inside = await request(proxied.app).get('/metrics').set('X-Forwarded-For', '127.0.0.1');

      expect(outside.status).toBe(403);
      expect(outside.body.error.code).toBe('forbidden');
      expect(inside.status).toBe(200);
    });

    test.each([
      ['X-Forwarded-For', '203.0.113.9'],
      ['X-Forwarded-For', '127.0.0.1'],
      ['Forwarded', 'for=203.0.113.9;proto=https'],
      ['X-Real-IP', '203.0.113.9'],
      ['X-Forwarded-Proto', 'https'],
      ['CF-Connecting-IP', '203.0.113.9'],
      ['Via', '1.1 nginx'],
    ])(
      'when no token is set and a loopback request carries %s (a proxy on this machine), then 403 unless it has the token',
      async (header, value) => {
        const direct = await app();
        const tokened = await app({ METRICS_TOKEN: TOKEN });

        const res = await request(direct.app).get('/metrics').set(header, value);
        expect(res.status).toBe(403);
        expect(res.body.error.message).toMatch(/METRICS_TOKEN/);
        await request(tokened.app).get('/metrics').set(header, value).expect(401);
        await request(tokened.app).get('/metrics').set(header, value).set('Authorization', `Bearer ${TOKEN}`).expect(200);
      },
    );

    test('when two apps run in one process, then each counts only its own webhooks and both render process metrics', async () => {
      const a = await app();
      const b = await app();

      await sendWebhook(a.app, { type: 'service.renew', data: { service_id: '1' } }).expect(422);
      const first = await scrape(a);
      const second = await scrape(a);
      const other = await scrape(b);

      expect(valueOf(first.samples, `${P}webhooks_received_total`, { type: 'service.renew', code: '422' })).toBe(1);
      expect(valueOf(other.samples, `${P}webhooks_received_total`, { type: 'service.renew', code: '422' })).toBeUndefined();
      // Process metrics are added once per registry, on the first scrape, and a second scrape does not add them again.
      expect(samplesOf(second.samples, 'process_cpu_user_seconds_total')).toHaveLength(1);
      expect(samplesOf(other.samples, 'nodejs_heap_size_used_bytes')).toHaveLength(1);
    });
  });

  describe('with the engine simulator', () => {
    let sim: RunningSimulator;
    let t: TestApp;

    beforeEach(async () => {
      sim = await startTestSimulator({ scenario: 'demo' });
      // A long engine timeout, so a hanging engine outlasts the scrape's capacity budget rather than failing inside it.
      t = await createTestApp(kind, { engine: engineTarget(sim, { timeoutMs: 10_000, readRetries: 0 }), env: FAST_JOBS });
      await request(t.app)
        .post('/api/v1/admin/plans')
        .set('Authorization', t.adminAuth)
        .send(planBody({ product_id: '7' }))
        .expect(201);
    });
    afterEach(async () => {
      await t.close();
      await sim.close();
    });

    test('when webhooks arrive and a VPS is provisioned, then the series count them with their labels', async () => {
      const sync = t.container.eventSync!;
      await sync.tick(); // the first poll only records where the engine's events stand
      t.container.worker.start();

      await sendWebhook(t.app, { type: 'service.create', data: { service_id: '2001', client_id: '55', product_id: '7' } }).expect(202);
      const body = JSON.stringify({ type: 'service.suspend', data: { service_id: '2001' } });
      await request(t.app)
        .post('/webhooks/billing')
        .set({ ...signedHeaders(body, 'msg_forged'), 'webhook-signature': 'v1,AAAA' })
        .send(body)
        .expect(401);
      await eventually(async () => {
        const res = await request(t.app).get('/api/v1/services/2001').set('Authorization', `Bearer ${TEST_SECRETS.BILLING_API_KEY}`);
        return res.body.actual_state === 'active';
      });
      await eventually(async () => {
        const counts = await t.container.jobs.countByState();
        return counts.queued + counts.running === 0;
      });
      await sync.tick();
      const reconciles = await t.container.jobs.list({ kind: 'reconcile' });
      // The worker counts an attempt just after recording it in the database, so the two may be a moment apart.
      const { samples } = await eventually(async () => {
        const scraped = await scrape(t);
        return valueOf(scraped.samples, `${P}job_attempts_total`, { kind: 'reconcile', outcome: 'succeeded' }) === reconciles.length
          ? scraped
          : undefined;
      });

      expect(valueOf(samples, `${P}webhooks_received_total`, { type: 'service.create', code: '202' })).toBe(1);
      expect(valueOf(samples, `${P}webhooks_received_total`, { type: 'unknown', code: '401' })).toBe(1);
      expect(valueOf(samples, `${P}webhook_intake_duration_seconds_count`, { outcome: 'accepted' })).toBe(1);
      expect(valueOf(samples, `${P}webhook_intake_duration_seconds_count`, { outcome: 'refused' })).toBe(1);

      expect(valueOf(samples, `${P}jobs`, { kind: 'reconcile', state: 'succeeded' })).toBe(reconciles.length);
      expect(valueOf(samples, `${P}jobs`, { kind: 'reconcile', state: 'queued' })).toBe(0);
      expect(valueOf(samples, `${P}jobs_dead`)).toBe(0);
      expect(valueOf(samples, `${P}job_oldest_queued_age_seconds`)).toBe(0);
      const attempts = reconciles.reduce((n, j) => n + j.attempts, 0);
      const counted = samplesOf(samples, `${P}job_attempts_total`, { kind: 'reconcile' }).reduce((n, s) => n + s.value, 0);
      expect(counted).toBe(attempts);

      expect(valueOf(samples, `${P}engine_calls_total`, { operation: 'create VM', outcome: 'ok' })).toBe(1);
      expect(valueOf(samples, `${P}engine_call_duration_seconds_count`, { operation: 'create VM' })).toBe(1);
      expect(valueOf(samples, `${P}engine_calls_total`, { operation: 'start VM', outcome: 'ok' })).toBe(1);
      expect(valueOf(samples, `${P}engine_token_requests_total`, { reason: 'no_token' })).toBe(1);

      const ours = sim.world.events.filter((e) => e.vm?.name === 'vps-2001' && VM_CODES.has(e.code)).length;
      expect(ours).toBeGreaterThan(0);
      expect(valueOf(samples, `${P}events_ingested_total`, { kept: 'true' })).toBe(ours);
      expect(valueOf(samples, `${P}event_poll_lag_seconds`)).toBeGreaterThanOrEqual(0);
      expect(valueOf(samples, `${P}event_newest_age_seconds`)).toBeGreaterThanOrEqual(0);

      expect(valueOf(samples, `${P}capacity_scrape_ok`)).toBe(1);
      const headroom = (await t.container.capacity!.headroom()).find((h) => h.plan.productId === '7');
      expect(valueOf(samples, `${P}plan_headroom`, { product_id: '7' })).toBe(headroom?.count);
      expect(valueOf(samples, `${P}cluster_failover_ok`, { cluster: 'Default' })).toBe(1);
    });

    test('when the engine hangs, then a scrape still answers 200 with capacity_scrape_ok 0 and the database series', async () => {
      sim.control.addFault({ kind: 'hang' });

      const { samples } = await scrape(t);

      expect(valueOf(samples, `${P}capacity_scrape_ok`)).toBe(0);
      expect(samplesOf(samples, `${P}plan_headroom`)).toEqual([]);
      expect(samplesOf(samples, `${P}cluster_failover_ok`)).toEqual([]);
      expect(valueOf(samples, `${P}jobs_dead`)).toBe(0);
      expect(samplesOf(samples, 'process_resident_memory_bytes')).toHaveLength(1);
    });
  });
});
