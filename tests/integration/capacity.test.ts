import request from 'supertest';
import type { RunningSimulator } from '../../ovirt-simulator';
import { eventually, sendWebhook } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { engineTarget, startTestSimulator } from '../helpers/simulator';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

const ENV = { CAPACITY_CACHE_MS: '0', JOB_POLL_MS: '20', PROVISION_POLL_MS: '20', JOB_BACKOFF_CAP_MS: '200' };

async function appOn(sim: RunningSimulator, kind: 'sqlite' | 'mysql' = 'sqlite', env: Record<string, string> = {}): Promise<TestApp> {
  return createTestApp(kind, { engine: engineTarget(sim), env: { ...ENV, ...env } });
}

describe('HA readiness of the simulator scenarios', () => {
  let sim: RunningSimulator | undefined;
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    await sim?.close();
  });

  const readiness = async (scenario: string) => {
    sim = await startTestSimulator({ scenario });
    t = await appOn(sim);
    const res = await request(t.app).get('/api/v1/admin/clusters/Default/readiness').set('Authorization', t.adminAuth);
    expect(res.status).toBe(200);
    const by = Object.fromEntries(res.body.findings.map((f: { check: string; status: string }) => [f.check, f.status]));
    return { body: res.body, by };
  };

  test('the demo cluster is ready: shared storage, power management everywhere, N+1', async () => {
    const { body, by } = await readiness('demo');
    expect(body.cluster).toBe('Default');
    expect(body.verdict).toBe('ok');
    expect(by).toMatchObject({
      shared_storage: 'ok',
      power_management: 'ok',
      fencing_policy: 'ok',
      hosts_up: 'ok',
      failover_capacity: 'ok',
    });
    for (const f of body.findings)
      expect(f).toEqual({ check: expect.any(String), status: expect.any(String), message: expect.any(String), fix: expect.any(String) });
  });

  test('without power management, the audit fails and names the hosts whose HA VMs will not restart', async () => {
    const { body, by } = await readiness('no-power-management');
    expect(body.verdict).toBe('failure');
    expect(by.power_management).toBe('failure');
    const pm = body.findings.find((f: { check: string }) => f.check === 'power_management');
    expect(pm.message).toMatch(/host1/);
    expect(pm.fix).toMatch(/Power Management/);
  });

  test('with local storage, the audit fails on storage and names the HA VMs whose disks are local', async () => {
    const { body, by } = await readiness('local-storage');
    expect(body.verdict).toBe('failure');
    expect(by.shared_storage).toBe('failure');
    expect(by.local_storage_ha_vms).toBe('failure');
    const local = body.findings.find((f: { check: string }) => f.check === 'local_storage_ha_vms');
    expect(local.message).toMatch(/local-data/);
  });

  test('with running HA VMs on NFS, their disks are found on shared storage', async () => {
    const { by } = await readiness('ha-drill');
    expect(by.local_storage_ha_vms).toBe('ok');
    expect(by.shared_storage).toBe('ok');
  });

  test('an unknown cluster is 404; a what-if for an unknown host is 400', async () => {
    sim = await startTestSimulator({ scenario: 'demo' });
    t = await appOn(sim);
    expect((await request(t.app).get('/api/v1/admin/clusters/Nope/readiness').set('Authorization', t.adminAuth)).status).toBe(404);
    const bad = await request(t.app).get('/api/v1/admin/clusters/Default/what-if?hosts=host9').set('Authorization', t.adminAuth);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].message).toMatch(/no host host9/);
    expect((await request(t.app).get('/api/v1/admin/clusters/Default/readiness')).status).toBe(401);
  });
});

describe('what-if against a real failover', () => {
  test('when host1 loses power, the engine restarts exactly the VMs the what-if predicted, on hosts with room', async () => {
    const sim = await startTestSimulator({ scenario: 'ha-drill', clock: 'manual' });
    const t = await appOn(sim);
    try {
      const res = await request(t.app).get('/api/v1/admin/clusters/Default/what-if?hosts=host1').set('Authorization', t.adminAuth);
      expect(res.status).toBe(200);
      const predicted = res.body.vms
        .filter((v: { outcome: string }) => v.outcome === 'restarted')
        .map((v: { vm_name: string }) => v.vm_name)
        .sort();
      const notPredicted = res.body.vms
        .filter((v: { outcome: string }) => v.outcome === 'not_restarted')
        .map((v: { vm_name: string }) => v.vm_name)
        .sort();
      expect(predicted.length).toBeGreaterThan(0);

      const host1 = [...sim.world.hosts.values()].find((h) => h.name === 'host1')!;
      const onHost1 = [...sim.world.vms.values()].filter((v) => v.hostId === host1.id && v.ha.enabled).map((v) => v.name);
      expect([...predicted, ...notPredicted].sort()).toEqual(onHost1.sort());

      sim.control.failHost('host1', 'power_loss');
      sim.control.advance(10 * 60_000);
      const restarted = [...sim.world.vms.values()]
        .filter((v) => onHost1.includes(v.name) && v.status === 'up' && v.hostId !== host1.id)
        .map((v) => v.name)
        .sort();
      expect(restarted).toEqual(predicted);
      for (const h of sim.world.hosts.values()) {
        if (h.id === host1.id) continue;
        const used = [...sim.world.vms.values()]
          .filter((v) => v.hostId === h.id && v.status === 'up')
          .reduce((s, v) => s + v.memoryBytes, 0);
        expect(used).toBeLessThanOrEqual(h.memoryBytes);
      }
    } finally {
      await t.close();
      await sim.close();
    }
  });
});

describe.each(databaseKinds)('the order gate on %s', (kind) => {
  let sim: RunningSimulator;
  let t: TestApp;
  beforeEach(async () => {
    sim = await startTestSimulator({ scenario: 'demo' });
    t = await appOn(sim, kind);
  });
  afterEach(async () => {
    await t.close();
    await sim.close();
  });

  const plan = (body: Record<string, unknown>) =>
    request(t.app).post('/api/v1/admin/plans').set('Authorization', t.adminAuth).send(planBody(body)).expect(201);
  const capacity = (productId: string) =>
    request(t.app).get(`/api/v1/capacity?product_id=${productId}`).set('Authorization', `Bearer ${TEST_SECRETS.BILLING_API_KEY}`);

  test('when an HA order would break N+1, then it is refused with 422 and the numbers, and nothing is created', async () => {
    // demo: 3 hosts of 64 GiB, no over-commit. A 40 GiB HA VPS fits, but a host failure could not restart it.
    await plan({ product_id: 'big', memory_mib: 40 * 1024, vcpus: 4, ha: { enabled: true, priority: 100 } });
    const first = await capacity('big');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ product_id: 'big', can_sell: true });
    expect(first.body.headroom).toBeGreaterThanOrEqual(1);

    const headroom = first.body.headroom as number;
    for (let i = 0; i < headroom; i++) {
      await sendWebhook(t.app, { type: 'service.create', data: { service_id: `ok${i}`, client_id: '1', product_id: 'big' } }).expect(202);
    }
    const refused = await sendWebhook(t.app, {
      type: 'service.create',
      data: { service_id: 'toomuch', client_id: '1', product_id: 'big' },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('failover_reserve_exceeded');
    expect(refused.body.error.message).toMatch(/host\d/);
    expect(refused.body.error.details.verdict.shortfall.memoryBytes).toBeGreaterThan(0);
    expect(await t.db.knex('services').where({ billing_service_id: 'toomuch' }).first()).toBeUndefined();

    const after = await capacity('big');
    expect(after.body).toMatchObject({ can_sell: false, headroom: 0, reason: expect.stringMatching(/N\+1|fail/i) });
  });

  test('when orders arrive faster than the engine snapshot refreshes, then each one still counts against the reserve', async () => {
    await t.close();
    t = await appOn(sim, kind, { CAPACITY_CACHE_MS: '600000' });
    await plan({ product_id: 'big', memory_mib: 40 * 1024, vcpus: 4, ha: { enabled: true, priority: 100 } });
    const answers = [];
    for (let i = 0; i < 3; i++)
      answers.push(
        (await sendWebhook(t.app, { type: 'service.create', data: { service_id: `c${i}`, client_id: '1', product_id: 'big' } })).status,
      );
    // Two 40 GiB HA VPS keep N+1 on three 64 GiB hosts; the third would not, though the snapshot shows no VM yet.
    expect(answers).toEqual([202, 202, 422]);
    const again = await sendWebhook(t.app, { type: 'service.create', data: { service_id: 'c0', client_id: '1', product_id: 'big' } });
    expect(again.status).toBe(202);
  });

  test('when a burst of orders arrives at once, then exactly the ones that fit are sold', async () => {
    await plan({ product_id: 'big', memory_mib: 40 * 1024, vcpus: 4, ha: { enabled: true, priority: 100 } });
    // Sent together, so most are gated in one batch: each sale must count against the next within it.
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        sendWebhook(t.app, { type: 'service.create', data: { service_id: `b${i}`, client_id: '1', product_id: 'big' } }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([202, 202, 422, 422, 422, 422]);
    for (const a of answers.filter((x) => x.status === 422)) expect(a.body.error.code).toBe('failover_reserve_exceeded');
    expect(Number((await t.db.knex('services').count({ n: '*' }).first())?.n)).toBe(2);
  });

  test('when a sold-out plan is made smaller, then its next order is judged again and sold', async () => {
    await t.close();
    t = await appOn(sim, kind, { CAPACITY_CACHE_MS: '600000' });
    const created = await plan({ product_id: 'big', memory_mib: 40 * 1024, vcpus: 4, ha: { enabled: true, priority: 100 } });
    for (let i = 0; i < 2; i++)
      await sendWebhook(t.app, { type: 'service.create', data: { service_id: `e${i}`, client_id: '1', product_id: 'big' } }).expect(202);
    for (const id of ['e2', 'e3']) {
      const refused = await sendWebhook(t.app, { type: 'service.create', data: { service_id: id, client_id: '1', product_id: 'big' } });
      expect(refused.body.error.code).toBe('failover_reserve_exceeded');
    }
    // The refusal is remembered for this plan as it was; the edited plan is a new question.
    await request(t.app)
      .put(`/api/v1/admin/plans/${created.body.id}`)
      .set('Authorization', t.adminAuth)
      .send(planBody({ product_id: 'big', memory_mib: 4 * 1024, vcpus: 1, ha: { enabled: true, priority: 100 } }))
      .expect(200);
    await sendWebhook(t.app, { type: 'service.create', data: { service_id: 'e4', client_id: '1', product_id: 'big' } }).expect(202);
  });

  test('when the plan is set to warn-only, then the same order is sold', async () => {
    await plan({ product_id: 'big', memory_mib: 40 * 1024, vcpus: 4, ha: { enabled: true, priority: 100 }, failover_gate: 'warn' });
    // Two fit with N+1 intact; the third breaks the reserve but is sold because the plan only warns.
    for (let i = 0; i < 3; i++) {
      await sendWebhook(t.app, { type: 'service.create', data: { service_id: `w${i}`, client_id: '1', product_id: 'big' } }).expect(202);
    }
    // A fourth has no host at all: warn-only never sells past physical room.
    const full = await sendWebhook(t.app, { type: 'service.create', data: { service_id: 'w3', client_id: '1', product_id: 'big' } });
    expect(full.status).toBe(422);
    expect(full.body.error.code).toBe('no_capacity');
  });

  test('when no host has room at all, then even a non-HA order is refused with no_capacity', async () => {
    await plan({ product_id: 'huge', memory_mib: 100 * 1024, vcpus: 2, ha: { enabled: false, priority: 0 } });
    const res = await sendWebhook(t.app, { type: 'service.create', data: { service_id: 'h1', client_id: '1', product_id: 'huge' } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('no_capacity');
  });

  test('the capacity endpoint needs the billing key and a known product', async () => {
    expect((await request(t.app).get('/api/v1/capacity?product_id=7')).status).toBe(401);
    expect((await capacity('nope')).status).toBe(404);
    expect((await request(t.app).get('/api/v1/capacity').set('Authorization', `Bearer ${TEST_SECRETS.BILLING_API_KEY}`)).status).toBe(400);
  });

  test('headroom per plan is listed for admins', async () => {
    await plan({ product_id: 'm', memory_mib: 4096, ha: { enabled: true, priority: 50 } });
    await plan({ product_id: 's', memory_mib: 2048, ha: { enabled: false, priority: 0 } });
    const res = await request(t.app).get('/api/v1/admin/capacity/headroom').set('Authorization', t.adminAuth);
    expect(res.status).toBe(200);
    const m = res.body.plans.find((p: { product_id: string }) => p.product_id === 'm');
    const s = res.body.plans.find((p: { product_id: string }) => p.product_id === 's');
    // Three 64 GiB hosts: HA 4 GiB VPS must leave one host's worth free; non-HA only needs room. Memory is the
    // engine's: 386 MiB of each host is held back, and a 2-vCPU VM takes its memory + memory/512 + 104 MiB.
    const perHost = (vmMib: number) => Math.floor((64 * 1024 - 386) / (vmMib + vmMib / 512 + 104));
    expect(m.headroom).toBe(2 * perHost(4096));
    expect(s.headroom).toBe(3 * perHost(2048));
    expect(s.headroom).toBeGreaterThan(m.headroom);
  });

  test('when an HA priority is changed by hand in oVirt, then the audit reports drift and a reconcile sets it back', async () => {
    await plan({ product_id: '7', memory_mib: 2048, ha: { enabled: true, priority: 100 } });
    t.container.worker.start();
    await sendWebhook(t.app, { type: 'service.create', data: { service_id: 'd1', client_id: '1', product_id: '7' } }).expect(202);
    const vm = await eventually(async () => [...sim.world.vms.values()].find((v) => v.name === 'vps-d1' && v.status === 'up'));
    await t.container.ovirt!.updateVm(vm.id, { ha: { enabled: true, priority: 1 } });

    const res = await request(t.app).get('/api/v1/admin/clusters/Default/readiness').set('Authorization', t.adminAuth);
    const drift = res.body.findings.find((f: { check: string }) => f.check === 'ha_drift');
    expect(drift.status).toBe('warning');
    expect(drift.message).toMatch(/vps-d1/);
    await eventually(async () => sim.world.vms.get(vm.id)?.ha.priority === 100);
  });
});
