import request from 'supertest';
import type { RunningSimulator } from '../../ovirt-simulator';
import { type CallbackSink, eventually, sendWebhook, startCallbackSink } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { FAST_JOBS, engineTarget, startTestSimulator } from '../helpers/simulator';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

const FAST_ENV = { ...FAST_JOBS, PROVISION_SHUTDOWN_TIMEOUT_MS: '2000' };

describe.each(databaseKinds)('order to running VPS on %s', (kind) => {
  let sim: RunningSimulator;
  let sink: CallbackSink;
  let t: TestApp;

  beforeEach(async () => {
    sim = await startTestSimulator({ scenario: 'demo' });
    sink = await startCallbackSink();
    t = await createTestApp(kind, { engine: engineTarget(sim), env: { ...FAST_ENV, BILLING_CALLBACK_URL: sink.url } });
    await request(t.app)
      .post('/api/v1/admin/plans')
      .set('Authorization', t.adminAuth)
      .send(planBody({ product_id: '7', ha: { enabled: true, priority: 50 } }))
      .expect(201);
    await request(t.app)
      .post('/api/v1/admin/plans')
      .set('Authorization', t.adminAuth)
      .send(planBody({ product_id: '8', name: 'VPS HA L', vcpus: 4, memory_mib: 8192, ha: { enabled: true, priority: 100 } }))
      .expect(201);
    t.container.worker.start();
  });
  afterEach(async () => {
    await t.close();
    await sink.close();
    await sim.close();
  });

  const status = (billingServiceId: string) =>
    request(t.app).get(`/api/v1/services/${billingServiceId}`).set('Authorization', `Bearer ${TEST_SECRETS.BILLING_API_KEY}`);
  const untilState = (billingServiceId: string, state: string) =>
    eventually(async () => {
      const res = await status(billingServiceId);
      return res.body.actual_state === state ? res.body : undefined;
    });
  const vmsNamed = (name: string) => [...sim.world.vms.values()].filter((v) => v.name === name);
  const create = (billingServiceId: string, extra: Record<string, unknown> = {}) =>
    sendWebhook(t.app, {
      type: 'service.create',
      data: { service_id: billingServiceId, client_id: '55', product_id: '7', hostname: `vps${billingServiceId}.example.net`, ...extra },
    });

  test('when an order arrives, then a VPS runs with the plan and HA priority, and the panel hears it is active', async () => {
    const res = await create('1001');
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      applied: true,
      service_id: '1001',
      desired_state: 'active',
      actual_state: 'pending',
      status_url: 'http://bridge.test/api/v1/services/1001',
    });

    const svc = await untilState('1001', 'active');
    expect(svc).toMatchObject({
      service_id: '1001',
      client_id: '55',
      product_id: '7',
      hostname: 'vps1001.example.net',
      desired_state: 'active',
      last_error: null,
    });
    expect(svc.vm.name).toBe('vps-1001');
    expect(svc.vm.host).toMatch(/^host\d$/);

    const [vm] = vmsNamed('vps-1001');
    expect(vm).toMatchObject({ status: 'up', memoryBytes: 4096 * 2 ** 20, ha: { enabled: true, priority: 50 } });

    const cb = await eventually(async () => sink.received.find((r) => r.body.type === 'service.active'));
    expect(cb.verified).toBe(true);
    expect(cb.body.data).toMatchObject({ service_id: '1001', actual_state: 'active', vm: { name: 'vps-1001' } });
  });

  test('when suspend, unsuspend, change plan and terminate follow, then the VM follows each', async () => {
    await create('1002');
    await untilState('1002', 'active');

    await sendWebhook(t.app, { type: 'service.suspend', data: { service_id: '1002', reason: 'overdue' } }).expect(202);
    await untilState('1002', 'suspended');
    expect(vmsNamed('vps-1002')[0]?.status).toBe('down');

    await sendWebhook(t.app, { type: 'service.unsuspend', data: { service_id: '1002' } }).expect(202);
    await untilState('1002', 'active');
    expect(vmsNamed('vps-1002')[0]?.status).toBe('up');

    await sendWebhook(t.app, { type: 'service.change_plan', data: { service_id: '1002', product_id: '8' } }).expect(202);
    await eventually(async () => vmsNamed('vps-1002')[0]?.ha.priority === 100);
    await eventually(async () => (await status('1002')).body.product_id === '8' && (await t.container.jobs.countByState()).queued === 0);
    const changed = vmsNamed('vps-1002')[0];
    // Size waits for the next start (next_run); HA applied at once.
    expect(changed?.nextRun?.memoryBytes).toBe(8192 * 2 ** 20);
    expect(changed?.memoryBytes).toBe(4096 * 2 ** 20);

    await sendWebhook(t.app, { type: 'service.terminate', data: { service_id: '1002' } }).expect(202);
    await untilState('1002', 'terminated');
    expect(vmsNamed('vps-1002')).toEqual([]);

    const types = () => sink.received.filter((r) => r.body.data.service_id === '1002').map((r) => r.body.type);
    await eventually(async () => types().includes('service.terminated'));
    expect(types()).toEqual(['service.active', 'service.suspended', 'service.unsuspended', 'service.terminated']);
  });

  test('when the same create arrives 50 times at once, then one VM exists and every answer is the same', async () => {
    const body = { type: 'service.create', id: 'msg_dup_create_1003', data: { service_id: '1003', client_id: '55', product_id: '7' } };
    const answers = await Promise.all(Array.from({ length: 50 }, () => sendWebhook(t.app, body)));
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(202));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    await untilState('1003', 'active');
    expect(vmsNamed('vps-1003')).toHaveLength(1);
    expect(await t.db.knex('webhook_deliveries').where({ webhook_id: 'msg_dup_create_1003' }).count({ n: '*' }).first()).toMatchObject({
      n: 1,
    });
  });

  test('when terminate arrives before the create finished, then no VM is left', async () => {
    await create('1004');
    await eventually(async () => vmsNamed('vps-1004').length === 1);
    await sendWebhook(t.app, { type: 'service.terminate', data: { service_id: '1004' } }).expect(202);
    await untilState('1004', 'terminated');
    expect(vmsNamed('vps-1004')).toEqual([]);
  });

  test('when the engine loses the answer to a create, then exactly one VM results', async () => {
    sim.control.addFault({ kind: 'lose_response', method: 'POST', path: '/api/vms', times: 1 });
    await create('1005');
    await untilState('1005', 'active');
    expect(vmsNamed('vps-1005')).toHaveLength(1);
  });

  test('when a worker dies mid-job, then its lease expires and another worker finishes the order once', async () => {
    await t.container.worker.stop(0);
    await create('1006');
    const lost = await t.container.jobs.claim('worker-that-dies');
    expect(lost?.job.kind).toBe('reconcile');
    t.container.worker.start();
    await untilState('1006', 'active');
    expect(vmsNamed('vps-1006')).toHaveLength(1);
    const job = await t.container.jobs.get(lost!.job.id);
    expect(job).toMatchObject({ state: 'succeeded', attempts: 2 });
    expect(await t.container.jobs.succeed(lost!.job.id, lost!.token)).toBe(false);
  });

  test('when the engine fails now and then (5xx, hangs, a locked VM), then the order is delayed, not broken', async () => {
    sim.control.addFault({ kind: 'error', status: 503, path: '/api/vms*', rate: 0.3, times: 6 });
    sim.control.addFault({ kind: 'error', status: 500, method: 'POST', path: '/api/vms', times: 1 });
    await create('1007');
    await eventually(async () => vmsNamed('vps-1007').length === 1);
    const vm = vmsNamed('vps-1007')[0]!;
    sim.control.lockVm(vm.id, true);
    setTimeout(() => sim.control.lockVm(vm.id, false), 400);
    await untilState('1007', 'active');
    expect(vmsNamed('vps-1007')).toHaveLength(1);
  });

  test('when the template does not exist, then the job ends dead with a clear message, readable by the panel, and a failed callback', async () => {
    await request(t.app)
      .post('/api/v1/admin/plans')
      .set('Authorization', t.adminAuth)
      .send(planBody({ product_id: '9', template: 'windows-3.11' }))
      .expect(201);
    await sendWebhook(t.app, { type: 'service.create', data: { service_id: '1008', client_id: '55', product_id: '9' } }).expect(202);
    const svc = await untilState('1008', 'failed');
    expect(svc.last_error).toMatch(/template "windows-3.11"/);
    const cb = await eventually(async () => sink.received.find((r) => r.body.type === 'service.failed'));
    expect(cb.body.data.error).toMatch(/windows-3.11/);
    const dead = await request(t.app).get('/api/v1/admin/jobs?state=dead').set('Authorization', t.adminAuth);
    expect(dead.body.jobs).toHaveLength(1);
    expect(dead.body.jobs[0]).toMatchObject({ kind: 'reconcile', state: 'dead', attempts: 1 });
    expect(vmsNamed('vps-1008')).toEqual([]);
  });

  test('when the panel is down for a while, then callbacks are retried until it answers', async () => {
    sink.failNext(3);
    await create('1009');
    await untilState('1009', 'active');
    const cb = await eventually(async () => sink.received.find((r) => r.body.data.service_id === '1009'));
    expect(cb.body.type).toBe('service.active');
    const jobs = await t.container.jobs.list({ kind: 'callback' });
    expect(jobs.find((j) => j.serviceRowId !== null)?.attempts).toBeGreaterThanOrEqual(4);
  });
});
