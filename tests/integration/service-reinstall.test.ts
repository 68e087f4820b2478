/**
 * Reinstall end to end on the simulator: a new VM from the chosen OS under the same service, with the same
 * addresses and host name, the old VM removed only once the new one runs, and service.reinstalled to the panel; a
 * failure midway leaves the customer their old VPS.
 */
import request from 'supertest';
import type { RunningSimulator } from '../../ovirt-simulator';
import { type CallbackSink, eventually, sendWebhook, startCallbackSink } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { FAST_JOBS, engineTarget, startTestSimulator } from '../helpers/simulator';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

const PANEL = `Bearer ${TEST_SECRETS.BILLING_API_KEY}`;
const OS_OPTIONS = [
  { key: 'debian-12', label: 'Debian 12', template: 'debian-12' },
  { key: 'ubuntu-24.04', label: 'Ubuntu 24.04', template: 'ubuntu-24.04' },
];

describe.each(databaseKinds)('VPS reinstall, on %s', (kind) => {
  let sim: RunningSimulator;
  let sink: CallbackSink;
  let t: TestApp;

  beforeEach(async () => {
    sim = await startTestSimulator({ scenario: 'demo' });
    sink = await startCallbackSink();
    t = await createTestApp(kind, { engine: engineTarget(sim), env: { ...FAST_JOBS, BILLING_CALLBACK_URL: sink.url } });
    const admin = (path: string, body: object) => request(t.app).post(path).set('Authorization', t.adminAuth).send(body);
    await admin('/api/v1/admin/ip-pools', {
      name: 'pub-v4',
      cluster: 'Default',
      network: 'vm-public',
      cidr: '192.0.2.0/24',
      gateway: '192.0.2.1',
      dns: ['192.0.2.53'],
      ranges: [{ from: '192.0.2.10', to: '192.0.2.20' }],
    }).expect(201);
    await admin('/api/v1/admin/plans', planBody({ os_options: OS_OPTIONS })).expect(201);
    t.container.worker.start();
    await sendWebhook(t.app, {
      type: 'service.create',
      data: {
        service_id: '4001',
        client_id: '55',
        product_id: '7',
        hostname: 'vps4001.example.net',
        os: 'debian-12',
        password: 'Old-Password-123456',
      },
    }).expect(202);
    await eventually(
      async () => (await request(t.app).get('/api/v1/services/4001').set('Authorization', PANEL)).body.actual_state === 'active',
      30_000,
    );
  });
  afterEach(async () => {
    await t.close();
    await sink.close();
    await sim.close();
  });

  const status = async () => (await request(t.app).get('/api/v1/services/4001').set('Authorization', PANEL)).body;
  const finished = (actionId: number) =>
    eventually(async () => {
      const res = await request(t.app).get(`/api/v1/services/4001/actions/${actionId}`).set('Authorization', PANEL);
      return res.body.state === 'succeeded' || res.body.state === 'failed' ? res.body : undefined;
    }, 30_000);
  const guestOf = async (name: string) =>
    eventually(async () => {
      const res = await request(sim.controlUrl).get(`/vms/${name}/guest`).set('Authorization', 'Bearer simulator');
      return res.body.appliedInit ? res.body.appliedInit.init : undefined;
    });

  test(
    'when the panel asks for a reinstall, then a new VM from the chosen OS runs with the same addresses and host name, the old one ' +
      'is gone, and service.reinstalled brings the made-up password once',
    async () => {
      const before = await status();
      const oldVm = [...sim.world.vms.values()].find((v) => v.name === 'vps-4001');
      const res = await request(t.app)
        .post('/api/v1/services/4001/reinstall')
        .set('Authorization', PANEL)
        .send({ os: 'ubuntu-24.04' })
        .expect(202);
      expect(res.body).toMatchObject({ action: 'reinstall', os: 'ubuntu-24.04', state: 'queued' });
      expect(await finished(res.body.id)).toMatchObject({ state: 'succeeded', error: null });

      const after = await status();
      expect(after).toMatchObject({ actual_state: 'active', network: before.network, os: { key: 'ubuntu-24.04' } });
      const name = `vps-4001.r${res.body.id}`;
      const vm = [...sim.world.vms.values()].find((v) => v.name === name);
      expect(vm?.status).toBe('up');
      expect(sim.world.templates.get(vm?.templateId ?? '')?.name).toBe('ubuntu-24.04');
      expect(oldVm && sim.world.vms.get(oldVm.id)).toBeUndefined();
      const row = await t.db.knex('services').where({ billing_service_id: '4001' }).first();
      expect(row).toMatchObject({ vm_id: vm?.id, vm_name: name, os_key: 'ubuntu-24.04' });

      const init = await guestOf(name);
      expect(init.strings.host_name).toBe('vps4001.example.net');
      expect(JSON.stringify(init.nicConfigurations)).toContain(before.network.ipv4[0]);
      const cb = await eventually(async () => sink.received.find((r) => r.body.type === 'service.reinstalled'));
      expect(cb.body.data).toMatchObject({ service_id: '4001', network: before.network, os: { key: 'ubuntu-24.04' }, username: 'root' });
      expect(cb.body.data.password).toBe(init.strings.root_password);
      expect(JSON.stringify(await t.db.knex('service_actions').select('*'))).not.toContain(String(cb.body.data.password));
    },
  );

  test('when the new VM cannot start, then it is removed, the old VPS runs again untouched and the action says so', async () => {
    const oldVm = [...sim.world.vms.values()].find((v) => v.name === 'vps-4001');
    sim.control.addFault({ kind: 'error', method: 'POST', path: '/api/vms/*/start', status: 409, times: 1 });
    const res = await request(t.app)
      .post('/api/v1/services/4001/reinstall')
      .set('Authorization', PANEL)
      .send({ os: 'ubuntu-24.04', password: 'New-Password-123456' })
      .expect(202);
    const done = await finished(res.body.id);
    expect(done).toMatchObject({ state: 'failed', error: expect.stringContaining('your VPS was left as it was') });

    await eventually(async () => sim.world.vms.get(oldVm?.id ?? '')?.status === 'up');
    expect([...sim.world.vms.values()].filter((v) => v.name.startsWith('vps-4001')).map((v) => v.name)).toEqual(['vps-4001']);
    const row = await t.db.knex('services').where({ billing_service_id: '4001' }).first();
    expect(row).toMatchObject({ vm_id: oldVm?.id, vm_name: 'vps-4001', os_key: 'debian-12', actual_state: 'active' });
    expect(sink.received.some((r) => r.body.type === 'service.reinstalled')).toBe(false);
    expect(await t.db.knex('service_actions').where({ id: res.body.id }).first()).toMatchObject({ sealed_password: null });
  });

  test('when the OS is not one of the plan’s, then 422 and nothing is done; a bad key is 400', async () => {
    const res = await request(t.app)
      .post('/api/v1/services/4001/reinstall')
      .set('Authorization', PANEL)
      .send({ os: 'windows-11' })
      .expect(422);
    expect(res.body.error).toMatchObject({ code: 'unknown_os', message: expect.stringContaining('debian-12, ubuntu-24.04') });
    await request(t.app)
      .post('/api/v1/services/4001/reinstall')
      .set('Authorization', PANEL)
      .send({ os: 'debian-12', ssh_keys: ['not a key'] })
      .expect(400);
    await request(t.app)
      .post('/api/v1/services/4001/reinstall')
      .set('Authorization', PANEL)
      .send({ os: 'debian-12', password: 'short' })
      .expect(400);
    expect(await t.db.knex('service_actions').count({ n: '*' }).first()).toMatchObject({ n: 0 });
  });
});
