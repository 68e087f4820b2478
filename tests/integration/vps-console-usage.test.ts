/**
 * The VPS's console file and usage through the panel's API, on the simulator: the engine's remote-viewer
 * file as an attachment (never logged), and CPU, memory and network now with the engine's history.
 */
import { Writable } from 'node:stream';
import request from 'supertest';
import type { RunningSimulator } from '../../ovirt-simulator';
import { createLogger } from '../../server/logger';
import { eventually, sendWebhook } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { FAST_JOBS, engineTarget, startTestSimulator } from '../helpers/simulator';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

const PANEL = `Bearer ${TEST_SECRETS.BILLING_API_KEY}`;

describe.each(databaseKinds)('VPS console file and usage, on %s', (kind) => {
  let sim: RunningSimulator;
  let t: TestApp;
  const logs: string[] = [];

  beforeEach(async () => {
    logs.length = 0;
    sim = await startTestSimulator({ scenario: 'demo' });
    const logger = createLogger('debug', new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) }));
    t = await createTestApp(kind, { engine: engineTarget(sim), logger, env: FAST_JOBS });
    await request(t.app).post('/api/v1/admin/plans').set('Authorization', t.adminAuth).send(planBody()).expect(201);
    t.container.worker.start();
    await sendWebhook(t.app, {
      type: 'service.create',
      data: { service_id: '3001', client_id: '55', product_id: '7', hostname: 'vps3001.example.net' },
    }).expect(202);
    await eventually(
      async () => (await request(t.app).get('/api/v1/services/3001').set('Authorization', PANEL)).body.actual_state === 'active',
      30_000,
    );
  });
  afterEach(async () => {
    await t.close();
    await sim.close();
  });

  test('when the panel asks for the console, then it gets the engine’s .vv as an attachment, not cached, recorded, and the ticket is in no log', async () => {
    const res = await request(t.app)
      .post('/api/v1/services/3001/console')
      .set('Authorization', PANEL)
      .send({ requested_by: 'customer', requester: '55' })
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-virt-viewer/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?vps3001\.example\.net\.vv"?$/);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.text ?? String(res.body);
    expect(body).toMatch(/^\[virt-viewer\]\ntype=spice\n/);
    const vm = [...sim.world.vms.values()].find((v) => v.name === 'vps-3001');
    expect(body).toContain(`vm-guid=${vm?.id}`);
    const ticket = /password=(\S+)/.exec(body)?.[1] ?? 'missing';
    expect(logs.join('')).not.toContain(ticket);
    expect(new Date(String(res.headers['x-console-expires-at'])).getTime()).toBeGreaterThan(Date.now() + 100_000);

    const log = await request(t.app).get('/api/v1/services/3001/actions').set('Authorization', PANEL).expect(200);
    expect(log.body.items).toEqual([
      expect.objectContaining({ action: 'console', state: 'succeeded', requested_by: { kind: 'customer', name: 'panel:55' } }),
    ]);

    // Powered off: the engine makes no file; its reason comes back as a 409.
    const stop = await request(t.app).post('/api/v1/services/3001/power').set('Authorization', PANEL).send({ action: 'stop' }).expect(202);
    await eventually(
      async () =>
        (await request(t.app).get(`/api/v1/services/3001/actions/${stop.body.id}`).set('Authorization', PANEL)).body.state === 'succeeded',
    );
    const refused = await request(t.app).post('/api/v1/services/3001/console').set('Authorization', PANEL).send({}).expect(409);
    expect(refused.body.error).toMatchObject({ code: 'engine_refused', message: expect.stringContaining('is not running') });
  });

  test('when the panel asks for usage, then CPU, memory and network come now and as history, and all are zero once the VPS is off', async () => {
    const res = await request(t.app).get('/api/v1/services/3001/usage').set('Authorization', PANEL).expect(200);
    expect(res.body).toEqual({
      service_id: '3001',
      at: expect.any(String),
      running: expect.any(Boolean),
      uptime_seconds: expect.any(Number),
      cpu: { percent: expect.any(Number), history_percent: expect.any(Array) },
      memory: {
        installed_bytes: 4096 * 1024 * 1024,
        used_bytes: expect.any(Number),
        used_percent: expect.any(Number),
        history_percent: expect.any(Array),
      },
      network: {
        percent: expect.any(Number),
        history_percent: expect.any(Array),
        rx_bytes_per_second: expect.any(Number),
        tx_bytes_per_second: expect.any(Number),
        rx_bytes_total: expect.any(Number),
        tx_bytes_total: expect.any(Number),
      },
      disk: { read_bytes_per_second: expect.any(Number), write_bytes_per_second: expect.any(Number) },
      history_interval_seconds: 30,
    });
    expect(res.body.cpu.history_percent.length).toBeGreaterThanOrEqual(1);
    expect(res.body.memory.used_bytes).toBeGreaterThan(0);
    await request(t.app).get('/api/v1/services/nope/usage').set('Authorization', PANEL).expect(404);
    await request(t.app).get('/api/v1/services/3001/usage').expect(401);

    const stop = await request(t.app).post('/api/v1/services/3001/power').set('Authorization', PANEL).send({ action: 'stop' }).expect(202);
    await eventually(
      async () =>
        (await request(t.app).get(`/api/v1/services/3001/actions/${stop.body.id}`).set('Authorization', PANEL)).body.state === 'succeeded',
    );
    const off = await request(t.app).get('/api/v1/services/3001/usage').set('Authorization', PANEL).expect(200);
    expect(off.body).toMatchObject({
      running: false,
      uptime_seconds: 0,
      cpu: { percent: 0, history_percent: [] },
      memory: { used_bytes: 0 },
      network: { rx_bytes_per_second: 0, tx_bytes_total: 0 },
      disk: { read_bytes_per_second: 0, write_bytes_per_second: 0 },
    });
  });
});
