/**
 * The VM reconcile against the simulator: a VM deleted by hand makes its service vm_missing with
 * an incident counted as downtime, a metric, an admin banner and a service.failed callback; terminate then ends it
 * cleanly and create builds a new VPS; an HA restart or a migration moves the service's host straight from the
 * events; a simulator reset (every VM gone) is found in one list call; a stop and a start whose events were lost are
 * corrected in the timeline with a step that says the check found them.
 */
import request from 'supertest';
import { sendWebhook, startCallbackSink, type CallbackSink } from '../helpers/billing';
import { createAdmin, signedInAgent } from '../helpers/admin-console';
import { databaseKinds } from '../helpers/databases';
import { parseExposition } from '../helpers/prometheus';
import { BILLING_AUTH, startUptimeWorld, type UptimeWorld } from '../helpers/uptime-world';

const PERIOD_MS = 60_000;

describe.each(databaseKinds)('VM reconcile on %s', (kind) => {
  let w: UptimeWorld;
  let sink: CallbackSink;
  beforeEach(async () => {
    sink = await startCallbackSink();
    w = await startUptimeWorld(kind, { env: { BILLING_CALLBACK_URL: sink.url, VM_RECONCILE_SECONDS: '60' } });
    await w.t.container.eventSync!.tick();
  }, 60_000);
  afterEach(async () => {
    await w.close();
    await sink.close();
  });

  const service = async (id: string) =>
    (await request(w.t.app).get(`/api/v1/services/${id}`).set('Authorization', BILLING_AUTH).expect(200)).body;
  const uptime = async (id: string) =>
    (await request(w.t.app).get(`/api/v1/services/${id}/uptime`).set('Authorization', BILLING_AUTH).expect(200)).body;
  const vmNamed = (name: string) => [...w.sim.world.vms.values()].find((v) => v.name === name);
  const hostName = (id: string | undefined) => (id ? w.sim.world.hosts.get(id)?.name : undefined);
  /** A period passes in the engine's time, then the leader ticks (poll, then the check when due). */
  const nextPeriod = async () => {
    w.sim.control.advance(PERIOD_MS);
    return w.t.container.eventSync!.tick();
  };
  /** What an admin does in the engine: power the VM off and delete it. */
  const deleteByHand = async (name: string) => {
    const ovirt = w.t.container.ovirt!;
    const vm = vmNamed(name)!;
    await ovirt.stopVm(vm.id);
    await w.until(async () => vmNamed(name)?.status === 'down');
    await ovirt.removeVm(vm.id);
    await w.until(async () => vmNamed(name) === undefined);
  };

  test("when the engine's list leaves out VMs that are still there, then no service is called missing", async () => {
    await w.order('5101', '55');
    await w.order('5102', '55');
    await nextPeriod();
    const ovirt = w.t.container.ovirt!;
    const realList = ovirt.listVms.bind(ovirt);
    // A list that hides VMs (an engine user whose filter hides them, a search read otherwise): every VM is still there.
    ovirt.listVms = async () => [];
    try {
      const result = await w.t.container.eventSync!.reconcile();
      expect(result?.missing).toBe(0);
      ovirt.listVms = async (filter) => (await realList(filter)).filter((vm) => vm.name !== 'vps-5102');
      expect((await w.t.container.eventSync!.reconcile())?.missing).toBe(0);
    } finally {
      ovirt.listVms = realList;
    }
    expect((await service('5101')).actual_state).toBe('active');
    expect((await service('5102')).actual_state).toBe('active');
    expect(sink.received.filter((r) => r.body.type === 'service.failed')).toEqual([]);
  });

  test('when a VM is deleted by hand, then its service is vm_missing, the downtime counts, the admin sees it and the panel is told', async () => {
    await w.order('5001', '55');
    await w.order('5002', '55');
    await nextPeriod();
    await deleteByHand('vps-5001');
    const deletedAt = w.sim.control.clock.now();

    w.sim.control.metrics.reset();
    const result = await w.t.container.eventSync!.reconcile();
    expect(result).toMatchObject({ missing: 1, checked: 2 });
    // One list of our VMs, not one read per VM: only the VM that seems gone is read once, to confirm it.
    const routes = w.sim.control.metrics.snapshot().byRoute;
    expect(routes['GET /api/vms']).toBe(1);
    expect(routes['GET /api/vms/{id}'] ?? 0).toBe(1);

    expect(await service('5001')).toMatchObject({ actual_state: 'vm_missing', desired_state: 'active' });
    expect((await service('5002')).actual_state).toBe('active');
    w.sim.control.advance(10 * 60_000);
    const report = await uptime('5001');
    const missing = report.incidents.find((i: { cause: string }) => i.cause === 'vm_missing');
    expect(missing).toMatchObject({ counts_as: 'down', ended_at: null });
    // From the engine's removal event, not from when the check ran.
    expect(Math.abs(new Date(missing.started_at).getTime() - deletedAt)).toBeLessThan(5_000);
    expect(report.windows['24h'].down_seconds).toBeGreaterThanOrEqual(600);
    expect(report.windows['24h'].uptime_percent).toBeLessThan(100);

    // A second period finds the same: nothing new is opened or told.
    await nextPeriod();
    expect((await uptime('5001')).incidents.filter((i: { cause: string }) => i.cause === 'vm_missing')).toHaveLength(1);
    const failed = await (async () => {
      for (let i = 0; i < 200; i++) {
        const got = sink.received.filter((r) => r.body.type === 'service.failed');
        if (got.length > 0) return got;
        await new Promise((r) => setTimeout(r, 20));
      }
      return [];
    })();
    expect(failed).toHaveLength(1);
    expect(failed[0]?.body.data).toMatchObject({ service_id: '5001', actual_state: 'vm_missing', error: 'vm_missing' });

    const metrics = parseExposition(await w.t.container.metricsScraper.scrape());
    expect(metrics.find((m) => m.name === 'ovirt_ha_bridge_services_vm_missing')?.value).toBe(1);

    await createAdmin(w.t);
    const { agent } = await signedInAgent(w.t.app);
    const overview = await agent.get('/admin').expect(200);
    expect(overview.text).toMatch(/1 service has lost its VM/);
    expect(overview.text).toMatch(/\/admin\/services\?state(=|&#x3D;)vm_missing/);
    const page = await agent.get('/admin/services/5001').expect(200);
    expect(page.text).toContain('vm_missing');
    expect(page.text).toMatch(/gone from the engine/);

    // The customer's page says it plainly.
    const { url } = await w.t.container.clientSso.mint('5001', '55');
    const opened = await request(w.t.app)
      .get(new URL(url).pathname + new URL(url).search)
      .expect(303);
    const client = await request(w.t.app).get('/client/services/5001').set('Cookie', String(opened.headers['set-cookie'])).expect(200);
    expect(client.text).toContain('Unavailable');
    expect(client.text).toMatch(/gone from the virtualization platform/);
  }, 60_000);

  test('when the panel then terminates the service, then it ends cleanly with no VM to remove and the incident ends with it', async () => {
    await w.order('5011', '55');
    await deleteByHand('vps-5011');
    await nextPeriod();
    expect((await service('5011')).actual_state).toBe('vm_missing');
    await sendWebhook(w.t.app, { type: 'service.terminate', data: { service_id: '5011', client_id: '55' } }).expect(202);
    await w.until(async () => (await service('5011')).actual_state === 'terminated');
    await nextPeriod();
    const incidents = (await uptime('5011')).incidents.filter((i: { cause: string }) => i.cause === 'vm_missing');
    expect(incidents).toHaveLength(1);
    expect(incidents[0].ended_at).not.toBeNull();
  }, 60_000);

  test('when the panel sends create again, then a new VM is built under the same name and the incident closes when it runs', async () => {
    await w.order('5021', '55');
    const oldId = vmNamed('vps-5021')!.id;
    await deleteByHand('vps-5021');
    await nextPeriod();
    // An unsuspend does not bring it back: the data went with the VM.
    await sendWebhook(w.t.app, { type: 'service.suspend', data: { service_id: '5021', client_id: '55' } }).expect(202);
    await sendWebhook(w.t.app, { type: 'service.unsuspend', data: { service_id: '5021', client_id: '55' } }).expect(202);
    w.sim.control.advance(5_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(vmNamed('vps-5021')).toBeUndefined();
    expect((await service('5021')).actual_state).toBe('vm_missing');

    const res = await sendWebhook(w.t.app, {
      type: 'service.create',
      data: { service_id: '5021', client_id: '55', product_id: '7', hostname: 'vps5021.example.net' },
    }).expect(202);
    expect(res.body).toMatchObject({ applied: true, actual_state: 'pending' });
    await w.until(async () => (await service('5021')).actual_state === 'active');
    expect(vmNamed('vps-5021')!.id).not.toBe(oldId);
    await nextPeriod();
    const incident = (await uptime('5021')).incidents.find((i: { cause: string }) => i.cause === 'vm_missing');
    expect(incident.ended_at).not.toBeNull();
  }, 60_000);

  test('when the engine restarts a VPS elsewhere after a host failure, then its host follows from the events alone', async () => {
    const host = await w.order('5031', '55');
    await w.t.container.eventSync!.pollOnce();
    const { backUp } = await w.failOver(host, 'vps-5031');
    // pollOnce: the events only, no VM check.
    await w.t.container.eventSync!.pollOnce();
    const moved = await service('5031');
    expect(moved.vm.host).toBe(backUp.host?.name);
    expect(moved.vm.host).not.toBe(host);
  }, 60_000);

  test('when a VPS is migrated, then its host follows from the migration events', async () => {
    const host = await w.order('5041', '55');
    await w.t.container.eventSync!.pollOnce();
    const vm = vmNamed('vps-5041')!;
    expect(w.sim.engine.vmActions.migrateBySystem(vm, 'test')).toBe(true);
    await w.until(async () => vmNamed('vps-5041')?.status === 'up' && hostName(vmNamed('vps-5041')?.hostId) !== host);
    await w.t.container.eventSync!.pollOnce();
    expect((await service('5041')).vm.host).toBe(hostName(vmNamed('vps-5041')?.hostId));
  }, 60_000);

  test('when the simulator is reset (every VM gone), then one list call finds every service missing', async () => {
    await w.order('5051', '55');
    await w.order('5052', '56');
    await w.order('5053', '57');
    await nextPeriod();
    w.sim.control.reset('demo');
    w.sim.control.metrics.reset();
    const result = await w.t.container.eventSync!.reconcile();
    expect(result).toMatchObject({ missing: 3, listed: 0 });
    expect(w.sim.control.metrics.snapshot().byRoute['GET /api/vms']).toBe(1);
    for (const id of ['5051', '5052', '5053']) expect((await service(id)).actual_state).toBe('vm_missing');
  }, 60_000);

  test('when the events of a stop and a start were lost, then the check corrects the timeline and says so', async () => {
    await w.order('5061', '55');
    await nextPeriod();
    const ovirt = w.t.container.ovirt!;
    /** The engine's log moves on without the bridge reading it: as if those events were lost. */
    const loseEvents = async () => {
      const last = w.sim.world.events[w.sim.world.events.length - 1]!;
      await w.t.db
        .knex('event_sync')
        .update({ last_index: last.index, last_event_at: new Date(last.time), last_poll_at: new Date(w.sim.control.clock.now()) });
    };
    const vm = vmNamed('vps-5061')!;
    await ovirt.stopVm(vm.id);
    await w.until(async () => vmNamed('vps-5061')?.status === 'down');
    await loseEvents();
    const stoppedAt = w.sim.control.clock.now();
    expect(await w.t.container.eventSync!.reconcile()).toMatchObject({ corrected: 1, missing: 0 });
    let incident = (await uptime('5061')).incidents[0];
    expect(incident).toMatchObject({ cause: 'unknown', ended_at: null });
    expect(new Date(incident.started_at).getTime()).toBe(stoppedAt);
    expect(incident.steps.map((st: { kind: string }) => st.kind)).toEqual(['reconcile_state_corrected']);

    await ovirt.startVm(vm.id);
    await w.until(async () => vmNamed('vps-5061')?.status === 'up');
    await loseEvents();
    w.sim.control.advance(30_000);
    expect(await w.t.container.eventSync!.reconcile()).toMatchObject({ corrected: 1 });
    incident = (await uptime('5061')).incidents[0];
    expect(incident.ended_at).not.toBeNull();
    expect(incident.steps.map((st: { kind: string }) => st.kind)).toEqual(['reconcile_state_corrected', 'reconcile_state_corrected']);
    // The admins' record names the host the check found it on.
    const [stored] = await w.t.container.repos.incidents.listForService(
      (await w.t.container.repos.services.findByBillingServiceId('5061'))!.id,
    );
    expect(stored?.steps[1]).toEqual({
      kind: 'reconcile_state_corrected',
      at: w.sim.control.clock.now(),
      hosts: [hostName(vmNamed('vps-5061')?.hostId)],
    });
    // Nothing left to correct.
    expect(await w.t.container.eventSync!.reconcile()).toMatchObject({ corrected: 0, missing: 0 });
  }, 60_000);
});
