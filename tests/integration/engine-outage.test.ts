/**
 * The engine goes away for a while: the bundled simulator sits behind a TCP proxy that we cut, so every
 * connection is dropped and refused, then restore. Orders are still taken; their jobs retry past JOB_MAX_ATTEMPTS
 * without dying, no service fails and the panel hears no `service.failed`; /readyz stays 200 and says why the engine
 * check fails; /metrics shows engine_up 0 and the waiting jobs. When the engine is back every order runs by itself,
 * one VM each. A request that keeps failing while the engine answers still uses up its attempts.
 */
import request from 'supertest';
import type { RunningSimulator } from '../../ovirt-simulator';
import type { OvirtError } from '../../server/ovirt';
import { isEngineAway } from '../../server/use-cases/provisioning-errors';
import { type CallbackSink, eventually, sendWebhook, startCallbackSink } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { parseExposition, valueOf } from '../helpers/prometheus';
import { clientFor, engineTarget, FAST_JOBS, startTestSimulator } from '../helpers/simulator';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

const MAX_ATTEMPTS = 3;
const P = 'ovirt_ha_bridge_';
const ORDERS = ['8101', '8102', '8103'];

describe.each(databaseKinds)('an engine outage on %s', (kind) => {
  let sim: RunningSimulator;
  let proxy: TcpProxy;
  let sink: CallbackSink;
  let t: TestApp;

  beforeEach(async () => {
    sim = await startTestSimulator({ scenario: 'demo' });
    const engineUrl = new URL(sim.url);
    proxy = await startTcpProxy(engineUrl.hostname, Number(engineUrl.port));
    engineUrl.port = String(proxy.port);
    sink = await startCallbackSink();
    t = await createTestApp(kind, {
      engine: engineTarget(sim, { url: engineUrl.toString(), timeoutMs: 500, readRetries: 1 }),
      env: {
        ...FAST_JOBS,
        JOB_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
        ENGINE_OUTAGE_RETRY_CAP_MS: '150',
        // The capacity gate judges orders from its snapshot of the cluster while that is fresh; it is read before the cut.
        CAPACITY_CACHE_MS: '600000',
        BILLING_CALLBACK_URL: sink.url,
      },
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
    await sink.close();
    await sim.close();
  });

  const panel = (path: string) => request(t.app).get(path).set('Authorization', `Bearer ${TEST_SECRETS.BILLING_API_KEY}`);
  const order = (billingServiceId: string) =>
    sendWebhook(t.app, { type: 'service.create', data: { service_id: billingServiceId, client_id: '55', product_id: '7' } });
  const reconciles = () => t.container.jobs.list({ kind: 'reconcile' });
  const scrape = async () => parseExposition((await request(t.app).get('/metrics').expect(200)).text);
  const callbacksOf = (type: string) => sink.received.filter((r) => r.body.type === type);

  test(
    'when the engine is cut while orders arrive, then jobs wait past their attempts without failing anything, and run by themselves ' +
      'when it is back',
    async () => {
      await panel('/api/v1/capacity?product_id=7').expect(200);
      t.container.worker.start();
      await proxy.cut();

      for (const id of ORDERS) expect((await order(id)).status).toBe(202);

      // Every order's job has tried twice its attempts and is still waiting.
      const waiting = await eventually(async () => {
        const jobs = await reconciles();
        return jobs.length === ORDERS.length && jobs.every((j) => j.attempts >= 2 * MAX_ATTEMPTS) ? jobs : undefined;
      });
      expect(waiting.map((j) => j.state).filter((s) => s !== 'queued' && s !== 'running')).toEqual([]);
      for (const job of waiting) expect(job.lastError).toMatch(/^engine unreachable: oVirt engine: .*connection refused \(ECONNREFUSED\)/);
      expect((await t.container.jobs.countByState()).dead).toBe(0);
      for (const id of ORDERS) {
        const svc = (await panel(`/api/v1/services/${id}`).expect(200)).body;
        expect(svc.actual_state).toBe('provisioning');
        expect(svc.last_error).toMatch(/^retrying: engine unreachable: .*connection refused/);
      }
      expect(callbacksOf('service.failed')).toEqual([]);

      const ready = await request(t.app).get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body.checks.engine).toEqual({ ok: false, detail: 'cannot reach the engine: connection refused (ECONNREFUSED)' });
      const during = await scrape();
      expect(valueOf(during, `${P}engine_up`)).toBe(0);
      expect(valueOf(during, `${P}jobs_waiting_for_engine`)).toBe(ORDERS.length);
      expect(valueOf(during, `${P}jobs_dead`)).toBe(0);

      await proxy.restore();

      for (const id of ORDERS) await eventually(async () => (await panel(`/api/v1/services/${id}`)).body.actual_state === 'active');
      for (const id of ORDERS) expect([...sim.world.vms.values()].filter((v) => v.name === `vps-${id}`)).toHaveLength(1);
      const active = await eventually(async () =>
        callbacksOf('service.active').length === ORDERS.length ? callbacksOf('service.active') : undefined,
      );
      expect(active.map((c) => c.body.data.service_id).sort()).toEqual(ORDERS);
      expect(active.every((c) => c.verified)).toBe(true);
      expect(callbacksOf('service.failed')).toEqual([]);
      expect((await reconciles()).map((j) => j.state)).toEqual(ORDERS.map(() => 'succeeded'));
      const after = await scrape();
      expect(valueOf(after, `${P}engine_up`)).toBe(1);
      expect(valueOf(after, `${P}jobs_waiting_for_engine`)).toBe(0);
      expect((await request(t.app).get('/readyz').expect(200)).body.checks.engine.ok).toBe(true);
    },
  );

  test('when a proxy in front of the engine answers 503 to everything, then jobs wait the same way and resume when it stops', async () => {
    await panel('/api/v1/capacity?product_id=7').expect(200);
    t.container.worker.start();
    const fault = sim.control.addFault({ kind: 'error', status: 503 });

    await order(ORDERS[0]!).expect(202);

    const [job] = await eventually(async () => {
      const jobs = await reconciles();
      return jobs[0] && jobs[0].attempts >= 2 * MAX_ATTEMPTS ? jobs : undefined;
    });
    expect(job).toMatchObject({ lastError: expect.stringMatching(/^engine unreachable: oVirt engine: .*HTTP 503/) });
    expect(job!.state === 'queued' || job!.state === 'running').toBe(true);
    expect(callbacksOf('service.failed')).toEqual([]);

    sim.control.removeFault(fault.id);

    await eventually(async () => (await panel(`/api/v1/services/${ORDERS[0]}`)).body.actual_state === 'active');
    expect([...sim.world.vms.values()].filter((v) => v.name === `vps-${ORDERS[0]}`)).toHaveLength(1);
  });

  test('when creating keeps timing out but the engine answers otherwise, then the attempts are used up and the order fails as before', async () => {
    t.container.worker.start();
    sim.control.addFault({ kind: 'hang', method: 'POST', path: '/api/vms' });

    await order(ORDERS[0]!).expect(202);

    const failed = await eventually(async () => {
      const svc = (await panel(`/api/v1/services/${ORDERS[0]}`)).body;
      return svc.actual_state === 'failed' ? svc : undefined;
    });
    expect(failed.last_error).toMatch(/create VM: no answer within 500 ms/);
    // The handler marks the service failed before the queue marks its job dead: wait for the job's own last word.
    const [job] = await eventually(async () => {
      const jobs = await reconciles();
      return jobs[0]?.state === 'dead' ? jobs : undefined;
    });
    expect(job).toMatchObject({ state: 'dead', attempts: MAX_ATTEMPTS, maxAttempts: MAX_ATTEMPTS });
    await eventually(async () => callbacksOf('service.failed').length === 1);
  });
});

describe('a VM that does not reach a state in time', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startTestSimulator({ scenario: 'demo' });
  });
  afterAll(async () => {
    await sim.close();
  });

  test('when the wait for it times out, then that is the engine answering, not the engine away', async () => {
    const client = clientFor(sim);
    const vm = await client.createVm({
      name: 'vps-wait',
      cluster: 'Default',
      template: 'debian-12',
      memoryMib: 1024,
      vcpus: 1,
      ha: { enabled: false, priority: 1 },
      description: 'wait',
      comment: 'wait',
    });

    const err = await client.waitForVmStatus(vm.id, ['up'], { timeoutMs: 30, pollMs: 10 }).catch((e: unknown) => e as OvirtError);

    expect(err).toMatchObject({ kind: 'timeout' });
    expect(isEngineAway(err)).toBe(false);
    await client.close();
  });
});
