import request from 'supertest';
import type { RunningSimulator } from '../../ovirt-simulator';
import { engineTarget, startTestSimulator } from '../helpers/simulator';
import { createTestApp, type TestApp } from '../helpers/test-app';

describe('readiness reports the oVirt engine', () => {
  let sim: RunningSimulator;
  let t: TestApp | undefined;
  beforeEach(async () => {
    sim = await startTestSimulator({ scenario: 'demo' });
  });
  afterEach(async () => {
    await t?.close();
    await sim.close().catch(() => undefined);
  });

  test('when the engine answers, then /readyz names its version', async () => {
    t = await createTestApp('sqlite', { engine: engineTarget(sim) });
    const res = await request(t.app).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.checks.engine).toEqual({ ok: true, detail: expect.stringMatching(/^oVirt Engine 4\./) });
  });

  test('when the engine refuses our credentials, then /readyz says so without naming the user, and stays ready', async () => {
    t = await createTestApp('sqlite', { engine: engineTarget(sim, { password: 'wrong-password-123' }) });
    const res = await request(t.app).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.checks.engine).toEqual({ ok: false, detail: 'the engine refused our credentials' });
    expect(JSON.stringify(res.body)).not.toMatch(/admin@internal|wrong-password/);
  });

  test('when the engine is gone, then /readyz reports it unreachable, and orders can still be queued', async () => {
    t = await createTestApp('sqlite', { engine: engineTarget(sim, { readRetries: 0, timeoutMs: 1000 }) });
    await sim.close();
    const res = await request(t.app).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.checks.engine.ok).toBe(false);
    expect(res.body.checks.engine.detail).toMatch(/cannot reach the engine \(ECONNREFUSED\)/);
  });
});
