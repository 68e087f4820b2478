/**
 * What the billing panel and the public read when the engine fails. WHMCS shows our errors to its
 * staff, so the panel's capacity answer, a refused order's 503 and a service's last_error say what went wrong without
 * the engine's internal address; admins' job errors keep it. /readyz tells anyone whether the engine answers, and the
 * engine's exact version only to the panel's key or an admin token.
 */
import request from 'supertest';
import type { RunningSimulator } from '../../ovirt-simulator';
import { eventually, sendWebhook } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { engineTarget, FAST_JOBS, startTestSimulator } from '../helpers/simulator';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

const PANEL_AUTH = `Bearer ${TEST_SECRETS.BILLING_API_KEY}`;

describe.each(databaseKinds)('engine failures in words for the panel on %s', (kind) => {
  let sim: RunningSimulator;
  let proxy: TcpProxy;
  let t: TestApp;
  /** How the engine's address shows in our own messages: host and port of OVIRT_URL. */
  let engineAddress: string;

  beforeEach(async () => {
    sim = await startTestSimulator({ scenario: 'demo' });
    const engineUrl = new URL(sim.url);
    proxy = await startTcpProxy(engineUrl.hostname, Number(engineUrl.port));
    engineUrl.port = String(proxy.port);
    engineAddress = engineUrl.host;
    t = await createTestApp(kind, {
      engine: engineTarget(sim, { url: engineUrl.toString(), timeoutMs: 500, readRetries: 1 }),
      // Every capacity question reads the engine, so a cut shows at once.
      env: { ...FAST_JOBS, JOB_MAX_ATTEMPTS: '3', ENGINE_OUTAGE_RETRY_CAP_MS: '150', CAPACITY_CACHE_MS: '0' },
    });
    await request(t.app)
      .post('/api/v1/admin/plans')
      .set('Authorization', t.adminAuth)
      .send(planBody({ product_id: '7' }))
      .expect(201);
  });
  afterEach(async () => {
    await t.close();
    await proxy.close();
    await sim.close();
  });

  test("when the engine cannot be reached, then capacity, a refused order and a service say so without the engine's address; admins keep it", async () => {
    await sendWebhook(t.app, { type: 'service.create', data: { service_id: '8201', client_id: '55', product_id: '7' } }).expect(202);
    await proxy.cut();

    const capacity = await request(t.app).get('/api/v1/capacity?product_id=7').set('Authorization', PANEL_AUTH);
    expect(capacity.status).toBe(503);
    expect(capacity.body.error.message).toMatch(/cannot reach the engine/);
    expect(capacity.text).not.toContain(engineAddress);

    const order = await sendWebhook(t.app, { type: 'service.create', data: { service_id: '8202', client_id: '55', product_id: '7' } });
    expect(order.status).toBe(503);
    expect(order.body.error.details.reason).toMatch(/cannot reach the engine: connection refused/);
    expect(order.text).not.toContain(engineAddress);

    t.container.worker.start();
    const service = await eventually(async () => {
      const res = await request(t.app).get('/api/v1/services/8201').set('Authorization', PANEL_AUTH);
      return res.body.last_error ? res : undefined;
    });
    expect(service.body.last_error).toMatch(/^retrying: engine unreachable: cannot reach the engine: connection refused/);
    expect(service.text).not.toContain(engineAddress);
    // The admin's view of the job says where the engine was looked for.
    const [job] = await t.container.jobs.list({ kind: 'reconcile' });
    expect(job?.lastError).toContain(engineAddress);
  });

  test("when anyone asks /readyz, then it says the engine answers but not its version; the panel's key or an admin token sees the version", async () => {
    const anyone = await request(t.app).get('/readyz').expect(200);
    const forged = await request(t.app).get('/readyz').set('Authorization', 'Bearer not-a-key').expect(200);
    const panel = await request(t.app).get('/readyz').set('Authorization', PANEL_AUTH).expect(200);
    const admin = await request(t.app).get('/readyz').set('Authorization', t.adminAuth).expect(200);

    expect(anyone.body.checks.engine).toEqual({ ok: true });
    expect(forged.body.checks.engine).toEqual({ ok: true });
    expect(anyone.headers['cache-control']).toBe('no-store');
    for (const res of [panel, admin]) expect(res.body.checks.engine).toEqual({ ok: true, detail: expect.stringMatching(/\d+\.\d+/) });
  });
});
