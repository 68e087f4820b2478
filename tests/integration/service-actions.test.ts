/**
 * VPS power actions end to end on the simulator: the panel asks, the engine runs the action with the
 * action's correlation id, the job follows the VM and records how it ended; refusals say why and change nothing.
 */
import request from 'supertest';
import type { RunningSimulator } from '../../ovirt-simulator';
import { eventually, sendWebhook } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { seedServiceAction } from '../helpers/seed';
import { FAST_JOBS, FAST_TIMINGS, engineTarget, startTestSimulator } from '../helpers/simulator';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

const PANEL = `Bearer ${TEST_SECRETS.BILLING_API_KEY}`;

describe.each(databaseKinds)('VPS power actions, on %s', (kind) => {
  let sim: RunningSimulator;
  let t: TestApp;

  beforeEach(async () => {
    // A shutdown takes long enough that a second request finds it running.
    sim = await startTestSimulator({ scenario: 'demo', timings: { ...FAST_TIMINGS, vmShutdownMs: 1500 } });
    t = await createTestApp(kind, {
      engine: engineTarget(sim),
      env: { ...FAST_JOBS, ACTION_LIMIT_PER_SERVICE: '6', ACTION_LIMIT_WINDOW_SECONDS: '600' },
    });
    await request(t.app).post('/api/v1/admin/plans').set('Authorization', t.adminAuth).send(planBody()).expect(201);
    t.container.worker.start();
  });
  afterEach(async () => {
    await t.close();
    await sim.close();
  });

  const api = (path: string) => request(t.app).post(`/api/v1/services${path}`).set('Authorization', PANEL);
  const get = (path: string) => request(t.app).get(`/api/v1/services${path}`).set('Authorization', PANEL);
  const vmOf = (id: string) => [...sim.world.vms.values()].find((v) => v.name === `vps-${id}`);
  const order = async (id: string) => {
    await sendWebhook(t.app, {
      type: 'service.create',
      data: { service_id: id, client_id: '55', product_id: '7', hostname: `vps${id}.example.net` },
    }).expect(202);
    await eventually(async () => (await get(`/${id}`)).body.actual_state === 'active', 30_000);
    // The order's job writes `active` as its last step and is still running a moment after; an action asked for in that
    // moment is refused as service_busy (the panel retries), which is not what these tests are about.
    const row = await t.db.knex('services').where({ billing_service_id: id }).first('id');
    await eventually(
      async () =>
        (await t.db.knex('jobs').where({ service_row_id: row.id, kind: 'reconcile' }).whereIn('state', ['queued', 'running']).first()) ===
        undefined,
    );
  };
  const finished = (id: string, actionId: number) =>
    eventually(async () => {
      const res = await get(`/${id}/actions/${actionId}`);
      return res.body.state === 'succeeded' || res.body.state === 'failed' ? res.body : undefined;
    }, 20_000);

  test(
    'when the panel asks for reboot, stop and start, then the engine does each with the action as its correlation id, and the log ' +
      'says who asked',
    async () => {
      await order('2001');
      const reboot = await api('/2001/power').send({ action: 'reboot' }).expect(202);
      expect(reboot.body).toMatchObject({ action: 'reboot', service_id: '2001', requested_by: { kind: 'panel', name: 'panel' } });
      expect(await finished('2001', reboot.body.id)).toMatchObject({ state: 'succeeded', error: null });
      expect(sim.world.events.some((e) => e.code === 157 && e.correlationId === `act-${reboot.body.id}-reboot`)).toBe(true);
      expect(vmOf('2001')?.status).toBe('up');

      const stop = await api('/2001/power').send({ action: 'stop', requested_by: 'customer', requester: '55' }).expect(202);
      expect(await finished('2001', stop.body.id)).toMatchObject({ state: 'succeeded' });
      expect(vmOf('2001')?.status).toBe('down');
      expect(sim.world.events.some((e) => e.code === 33 && e.correlationId === `act-${stop.body.id}-stop`)).toBe(true);

      // A reconcile of the active service (a plan change, an HA drift fix) leaves a VPS its customer stopped off.
      const service = await t.db.knex('services').where({ billing_service_id: '2001' }).first();
      await t.container.jobs.enqueue({ kind: 'reconcile', serviceRowId: service.id, dedupeKey: `reconcile:${service.id}` });
      t.container.worker.wake();
      await eventually(
        async () =>
          (await t.db
            .knex('jobs')
            .where({ service_row_id: service.id, kind: 'reconcile' })
            .whereIn('state', ['queued', 'running'])
            .first()) === undefined,
      );
      expect(vmOf('2001')?.status).toBe('down');
      expect((await get('/2001')).body.actual_state).toBe('active');

      const start = await api('/2001/power').send({ action: 'start' }).expect(202);
      expect(await finished('2001', start.body.id)).toMatchObject({ state: 'succeeded' });
      expect(vmOf('2001')?.status).toBe('up');

      const log = await request(t.app).get('/api/v1/admin/services/2001/actions').set('Authorization', t.adminAuth).expect(200);
      expect(log.body.items.map((a: { action: string; requested_by: { kind: string } }) => [a.action, a.requested_by.kind])).toEqual([
        ['start', 'panel'],
        ['stop', 'customer'],
        ['reboot', 'panel'],
      ]);
      expect(JSON.stringify(log.body)).not.toContain(vmOf('2001')?.id ?? 'no-vm');
    },
  );

  test(
    'when an admin asks for a shutdown, then the guest powers down, the action is recorded as that admin, and a second action ' +
      'meanwhile is 409 action_running',
    async () => {
      await order('2002');
      const admin = (path: string) => request(t.app).post(`/api/v1/admin/services${path}`).set('Authorization', t.adminAuth);
      const shutdown = await admin('/2002/power').send({ action: 'shutdown' }).expect(202);
      expect(shutdown.body.requested_by).toEqual({ kind: 'admin', name: 'test-admin' });
      const second = await api('/2002/power').send({ action: 'reboot' }).expect(409);
      expect(second.body.error).toMatchObject({ code: 'action_running' });
      expect(await finished('2002', shutdown.body.id)).toMatchObject({ state: 'succeeded' });
      expect(vmOf('2002')?.status).toBe('down');
      expect(sim.world.events.some((e) => e.code === 73 && e.correlationId === `act-${shutdown.body.id}-shutdown`)).toBe(true);
      // The refused one left no row.
      expect(await t.db.knex('service_actions').count({ n: '*' }).first()).toMatchObject({ n: 1 });
    },
  );

  test('when the input is bad or the service cannot take actions, then a clear 4xx and nothing is done', async () => {
    await api('/9999/power').send({ action: 'reboot' }).expect(404);
    await order('2003');
    const unknown = await api('/2003/power').send({ action: 'hibernate' }).expect(400);
    expect(unknown.body.error.details[0]).toMatchObject({ field: 'action' });
    await api('/2003/power').send({ action: 'reboot', extra: 1 }).expect(400);
    await api('/2003/power').send({}).expect(400);

    // The engine refuses a locked VM: 409 with its reason, recorded as failed.
    const lock = (locked: boolean) =>
      request(sim.controlUrl).post('/vms/vps-2003/lock').set('Authorization', 'Bearer simulator').send({ locked });
    await lock(true).expect((res) => expect(res.status).toBeLessThan(300));
    const refused = await api('/2003/power').send({ action: 'reboot' }).expect(409);
    expect(refused.body.error.code).toBe('engine_refused');
    expect(refused.body.error.message).toContain('Related operation is currently in progress');
    await lock(false);
    const rows = await t.db.knex('service_actions').select('outcome', 'error');
    expect(rows).toEqual([{ outcome: 'failed', error: expect.stringContaining('Related operation is currently in progress') }]);
    expect(vmOf('2003')?.status).toBe('up');

    // Still provisioning: refused before anything is recorded.
    await sendWebhook(t.app, { type: 'service.create', data: { service_id: '2004', client_id: '55', product_id: '7' } }).expect(202);
    expect((await api('/2004/power').send({ action: 'stop' }).expect(409)).body.error.code).toBe('service_provisioning');
    await eventually(async () => (await get('/2004')).body.actual_state === 'active', 30_000);

    // Suspended, then terminated.
    await sendWebhook(t.app, { type: 'service.suspend', data: { service_id: '2004' } }).expect(202);
    await eventually(async () => (await get('/2004')).body.actual_state === 'suspended', 30_000);
    expect((await api('/2004/power').send({ action: 'start' }).expect(409)).body.error.code).toBe('service_suspended');
    await sendWebhook(t.app, { type: 'service.terminate', data: { service_id: '2004' } }).expect(202);
    expect((await api('/2004/power').send({ action: 'start' }).expect(409)).body.error.code).toMatch(/service_terminated|service_busy/);
    await eventually(async () => (await get('/2004')).body.actual_state === 'terminated', 30_000);
    expect((await api('/2004/power').send({ action: 'start' }).expect(409)).body.error.code).toBe('service_terminated');
    expect(await t.db.knex('service_actions').count({ n: '*' }).first()).toMatchObject({ n: 1 });
  });

  test('when the panel retries a request with the same Idempotency-Key, then it gets the first action back and nothing runs twice', async () => {
    await order('2008');
    const first = await api('/2008/power').set('Idempotency-Key', 'whmcs-77-reboot-1').send({ action: 'reboot' }).expect(202);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    await finished('2008', first.body.id);
    const again = await api('/2008/power').set('Idempotency-Key', 'whmcs-77-reboot-1').send({ action: 'reboot' }).expect(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toMatchObject({ id: first.body.id, state: 'succeeded' });
    expect(sim.world.events.filter((e) => e.code === 157 && e.vm?.name === 'vps-2008')).toHaveLength(1);
    const other = await api('/2008/power').set('Idempotency-Key', 'whmcs-77-reboot-1').send({ action: 'stop' }).expect(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    const bad = await api('/2008/power').set('Idempotency-Key', 'x'.repeat(256)).send({ action: 'stop' }).expect(400);
    expect(bad.body.error.details[0]).toMatchObject({ field: 'headers.idempotency-key' });
    expect(await t.db.knex('service_actions').count({ n: '*' }).first()).toMatchObject({ n: 1 });
  });

  test('when an open action has lost its job, then the next request closes it as failed and runs', async () => {
    await order('2007');
    const service = await t.db.knex('services').where({ billing_service_id: '2007' }).first();
    // Asked for and started an hour ago; its job is gone.
    await seedServiceAction(
      t.db.knex,
      Number(service.id),
      { action: 'reboot', actor: { kind: 'panel', name: 'panel' }, outcome: 'running' },
      new Date(Date.now() - 3600_000),
    );
    const res = await api('/2007/power').send({ action: 'reboot' }).expect(202);
    expect(await finished('2007', res.body.id)).toMatchObject({ state: 'succeeded' });
    const log = await get('/2007/actions').expect(200);
    expect(log.body.items.map((a: { state: string; error: string | null }) => [a.state, a.error])).toEqual([
      ['succeeded', null],
      ['failed', 'The action did not finish; ask for it again if it is still needed.'],
    ]);
  });

  test('when a service asks for more actions than its limit in the window, then 429 with Retry-After and a message', async () => {
    await order('2005');
    for (let i = 0; i < 6; i++) {
      const res = await api('/2005/power').send({ action: 'reboot' }).expect(202);
      await finished('2005', res.body.id);
    }
    const limited = await api('/2005/power').send({ action: 'reboot' }).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(500);
    expect(limited.body.error.message).toMatch(/At most 6 actions per VPS in 10 minutes; try again in \d+ s\./);
    // Another service is not held back by this one.
    await order('2006');
    await api('/2006/power').send({ action: 'reboot' }).expect(202);
  });
});
