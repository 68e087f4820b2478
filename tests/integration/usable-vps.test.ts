/**
 * A VPS the customer can log into: an order with a host name, a key, a password and an OS becomes a VM
 * that the engine configured before its first start — cloud-init, its NIC on the pool's vNIC profile, the disk at the
 * plan's size — with the addresses it holds in the API and the callback, and no password left anywhere.
 */
import { generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import request from 'supertest';
import type { RunningSimulator } from '../../ovirt-simulator';
import { createLogger } from '../../server/logger';
import { type CallbackSink, eventually, sendWebhook, startCallbackSink } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { FAST_JOBS, engineTarget, startTestSimulator } from '../helpers/simulator';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

const GIB = 1024 ** 3;
const PASSWORD = 'Correct-Horse-Battery-Staple-7731';
const OS_OPTIONS = [
  { key: 'debian-12', label: 'Debian 12', template: 'debian-12' },
  { key: 'ubuntu-24.04', label: 'Ubuntu 24.04', template: 'ubuntu-24.04' },
  { key: 'alma-9', label: 'AlmaLinux 9', template: 'almalinux-9' },
];

function ed25519Key(comment: string): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return `ssh-ed25519 ${Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]).toString('base64')} ${comment}`;
}

describe.each(databaseKinds)('a VPS the customer can log into, on %s', (kind) => {
  let sim: RunningSimulator;
  let sink: CallbackSink;
  let t: TestApp;
  const logs: string[] = [];

  beforeEach(async () => {
    logs.length = 0;
    sim = await startTestSimulator({ scenario: 'demo' });
    sink = await startCallbackSink();
    const logger = createLogger('debug', new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) }));
    t = await createTestApp(kind, { engine: engineTarget(sim), logger, env: { ...FAST_JOBS, BILLING_CALLBACK_URL: sink.url } });
    const admin = (path: string, body: object) => request(t.app).post(path).set('Authorization', t.adminAuth).send(body);
    await admin('/api/v1/admin/ip-pools', {
      name: 'pub-v4',
      cluster: 'Default',
      network: 'vm-public',
      cidr: '192.0.2.0/24',
      gateway: '192.0.2.1',
      dns: ['192.0.2.53', '192.0.2.54'],
      dns_search: ['example.net'],
      ranges: [{ from: '192.0.2.10', to: '192.0.2.12' }],
    }).expect(201);
    await admin('/api/v1/admin/ip-pools', {
      name: 'pub-v6',
      cluster: 'Default',
      network: 'vm-public',
      cidr: '2001:db8:1::/48',
      gateway: 'fe80::1',
    }).expect(201);
    await admin('/api/v1/admin/plans', planBody({ product_id: '7', os_options: OS_OPTIONS, disk_gib: 40 })).expect(201);
    t.container.worker.start();
  });
  afterEach(async () => {
    await t.close();
    await sink.close();
    await sim.close();
  });

  const status = (id: string) =>
    request(t.app).get(`/api/v1/services/${id}`).set('Authorization', `Bearer ${TEST_SECRETS.BILLING_API_KEY}`);
  const untilActive = (id: string) =>
    eventually(async () => {
      const res = await status(id);
      return res.body.actual_state === 'active' ? res.body : undefined;
    }, 30_000);
  const order = (id: string, data: Record<string, unknown> = {}) =>
    sendWebhook(t.app, {
      type: 'service.create',
      data: { service_id: id, client_id: '55', product_id: '7', hostname: `vps${id}.example.net`, ...data },
    });

  test('when an order brings a host name, a key, a password and an OS, then the engine builds it configured and the panel gets its addresses', async () => {
    const key = ed25519Key('me@laptop');
    await order('1001', { os: 'ubuntu-24.04', password: PASSWORD, ssh_keys: [key], time_zone: 'Europe/Amsterdam' }).expect(202);
    const svc = await untilActive('1001');

    expect(svc).toMatchObject({
      network: {
        ipv4: [expect.stringMatching(/^192\.0\.2\.1[0-2]$/)],
        ipv6: [expect.stringMatching(/^2001:db8:1:[0-9a-f]+::1\/64$/)],
        gateway_v4: '192.0.2.1',
        gateway_v6: 'fe80::1',
      },
      os: { key: 'ubuntu-24.04', label: 'Ubuntu 24.04' },
      username: 'root',
    });
    expect(JSON.stringify(svc)).not.toContain(PASSWORD);

    // The engine's side: the template chosen, the disk grown before the first boot, the NIC on the pool's profile.
    const vm = [...sim.world.vms.values()].find((v) => v.name === 'vps-1001');
    expect(vm && sim.world.templates.get(vm.templateId)?.name).toBe('ubuntu-24.04');
    const disks = sim.world.disksOf(vm?.id ?? '');
    expect(disks.map((d) => d.provisionedBytes)).toEqual([40 * GIB]);
    const guest = await eventually(async () => {
      const res = await request(sim.controlUrl).get(`/vms/vps-1001/guest`).set('Authorization', 'Bearer simulator');
      return res.body.appliedInit ? res.body : undefined;
    });
    const init = guest.appliedInit.init;
    expect(init.strings).toMatchObject({
      host_name: 'vps1001.example.net',
      user_name: 'root',
      root_password: PASSWORD,
      timezone: 'Europe/Amsterdam',
      dns_servers: '192.0.2.53 192.0.2.54',
      dns_search: 'example.net',
    });
    expect(init.strings.authorized_ssh_keys).toBe(key);
    const [nicConfig] = init.nicConfigurations;
    expect(nicConfig).toMatchObject({
      name: 'eth0',
      bootProtocol: 'static',
      ip: { address: svc.network.ipv4[0], netmask: '255.255.255.0', gateway: '192.0.2.1' },
      ipv6BootProtocol: 'static',
    });
    expect(JSON.stringify(nicConfig)).toContain(svc.network.ipv4[0]);
    expect(JSON.stringify(nicConfig)).toContain(svc.network.ipv6[0].split('/')[0]);

    const nicsRes = await request(sim.apiUrl).get(`/vms/${vm?.id}/nics`).auth('admin@internal', 'ovirt').set('Accept', 'application/json');
    const profiles = await request(sim.apiUrl).get('/vnicprofiles').auth('admin@internal', 'ovirt').set('Accept', 'application/json');
    const publicProfile = profiles.body.vnic_profile.find((p: { name: string }) => p.name === 'vm-public');
    expect(nicsRes.body.nic.map((n: { vnic_profile?: { id: string } }) => n.vnic_profile?.id)).toEqual([publicProfile.id]);

    const cb = await eventually(async () => sink.received.find((r) => r.body.type === 'service.active'));
    expect(cb.verified).toBe(true);
    expect(cb.body.data).toMatchObject({ network: svc.network, os: svc.os, username: 'root' });
    expect(cb.body.data).not.toHaveProperty('password');
  });

  test('when an order brings neither password nor key, then a strong password is made, given once in service.active and kept nowhere', async () => {
    await order('1002').expect(202);
    await untilActive('1002');
    const cb = await eventually(async () =>
      sink.received.find((r) => r.body.type === 'service.active' && r.body.data.service_id === '1002'),
    );
    const password = String(cb.body.data.password);
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    const guest = await eventually(async () => {
      const res = await request(sim.controlUrl).get(`/vms/vps-1002/guest`).set('Authorization', 'Bearer simulator');
      return res.body.appliedInit ? res.body : undefined;
    });
    expect(guest.appliedInit.init.strings.root_password).toBe(password);

    // Not in the API, not in any table, not in the logs.
    expect(JSON.stringify((await status('1002')).body)).not.toContain(password);
    for (const table of ['services', 'jobs', 'webhook_deliveries']) {
      expect(JSON.stringify(await t.db.knex(table).select('*'))).not.toContain(password);
    }
    expect(logs.join('')).not.toContain(password);
    const row = await t.db.knex('services').where({ billing_service_id: '1002' }).first();
    expect(row.sealed_password).toBeNull();
  });

  test('when an order brings a password, then neither the database nor the logs ever hold it in clear, and it is erased once the VPS runs', async () => {
    await order('1003', { password: PASSWORD }).expect(202);
    // While the job needs it, the row holds it sealed.
    const pending = await t.db.knex('services').where({ billing_service_id: '1003' }).first();
    expect(pending.sealed_password).toMatch(/^v1\./);
    expect(JSON.stringify(pending)).not.toContain(PASSWORD);
    await untilActive('1003');
    const cb = await eventually(async () =>
      sink.received.find((r) => r.body.type === 'service.active' && r.body.data.service_id === '1003'),
    );
    expect(cb.body.data).not.toHaveProperty('password');
    for (const table of ['services', 'jobs', 'webhook_deliveries']) {
      expect(JSON.stringify(await t.db.knex(table).select('*'))).not.toContain(PASSWORD);
    }
    expect(logs.join('')).not.toContain(PASSWORD);
    expect((await t.db.knex('services').where({ billing_service_id: '1003' }).first()).sealed_password).toBeNull();
  });

  test(
    'when the pool has no address left, then the order is refused with 422 ip_pool_exhausted and no VM is made; a termination frees ' +
      'an address only after quarantine',
    async () => {
      for (const id of ['2001', '2002', '2003']) await order(id).expect(202);
      const refused = await order('2004');
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe('ip_pool_exhausted');
      expect(await t.db.knex('services').where({ billing_service_id: '2004' }).first()).toBeUndefined();
      const capacity = await request(t.app)
        .get('/api/v1/capacity?product_id=7')
        .set('Authorization', `Bearer ${TEST_SECRETS.BILLING_API_KEY}`);
      expect(capacity.body).toMatchObject({ can_sell: false, headroom: 0, addresses: { ipv4_free: 0 } });

      const held = new Set<string>();
      for (const id of ['2001', '2002', '2003']) held.add((await untilActive(id)).network.ipv4[0]);
      expect(held.size).toBe(3);

      await sendWebhook(t.app, { type: 'service.terminate', data: { service_id: '2001' } }).expect(202);
      await eventually(async () => (await status('2001')).body.actual_state === 'terminated');
      expect((await status('2001')).body.network).toBeNull();
      // Quarantined, not free: the old address does not reach the next customer at once.
      expect((await order('2005')).status).toBe(422);
      expect([...sim.world.vms.values()].filter((v) => v.name === 'vps-2004' || v.name === 'vps-2005')).toEqual([]);
    },
  );

  test('when the OS, a key or the host name is wrong, then the order is refused naming it and nothing is made', async () => {
    const unknownOs = await order('3001', { os: 'windows-11' });
    expect(unknownOs.status).toBe(422);
    expect(unknownOs.body.error.code).toBe('unknown_os');

    const badKey = await order('3002', { ssh_keys: ['ssh-dss AAAAB3NzaC1kc3MAAACBAP'] });
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.details).toEqual([expect.objectContaining({ field: 'data.ssh_keys.0' })]);

    const badHost = await order('3003', { hostname: 'under_score.example.net' });
    expect(badHost.status).toBe(400);
    const shortPassword = await order('3004', { password: 'short' });
    expect(shortPassword.status).toBe(400);
    expect(JSON.stringify(shortPassword.body)).not.toContain('short"');

    expect(await t.db.knex('services').count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await t.db.knex('ip_assignments').count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  test('when the disk is still being extended at the first start, then the start waits it out in the same job attempt', async () => {
    sim.engine.timings.diskResizeMs = 600;
    sim.control.metrics.reset();
    await order('5001').expect(202);
    const svc = await untilActive('5001');
    expect(svc.actual_state).toBe('active');
    const routes = sim.control.metrics.snapshot().byRoute;
    // Refused as locked at least once, then started; no separate polling of the disk.
    expect(routes['POST /api/vms/{id}/start']).toBeGreaterThan(1);
    expect(routes['GET /api/vms/{id}/diskattachments'] ?? 0).toBe(0);
    const jobs = await t.db.knex('jobs').where({ kind: 'reconcile' }).select('attempts', 'state');
    expect(jobs).toEqual([expect.objectContaining({ state: 'succeeded' })]);
    expect(Number(jobs[0].attempts)).toBe(1);
    const vm = [...sim.world.vms.values()].find((v) => v.name === 'vps-5001');
    expect(sim.world.disksOf(vm?.id ?? '').map((d) => d.provisionedBytes)).toEqual([40 * GIB]);
  });

  test('when the same order is delivered many times at once, then the service holds one address', async () => {
    const body = { service_id: '4001', client_id: '55', product_id: '7' };
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => sendWebhook(t.app, { id: `msg_dup_${i}`, type: 'service.create', data: body })),
    );
    expect(results.every((r) => r.status === 202)).toBe(true);
    const rows = await t.db.knex('ip_assignments').select('*');
    expect(rows.filter((r) => r.family === 4 || r.family === '4')).toHaveLength(1);
  });
});
