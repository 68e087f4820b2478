import { HOST_TROUBLE_CODES } from '../../server/domain/host-health';
import { ENGINE_EVENT as E } from '../../server/domain/engine-event-codes';
/**
 * Causes that tell the truth, on the simulator's manual clock with the seconds checked:
 * - a host whose vdsm died is soft-fenced and its VM comes back "restored to Up" on the same host: host_contact_lost,
 *   not downtime unless the plan says sla.contact_loss_counts_as_down;
 * - an HA VM whose host lost power finds no other host with room: waiting_for_room until it restarts, told to the
 *   customer as it is, and to the admin by the gauge and the console's banner.
 */
import request from 'supertest';
import { DEFAULT_PASSWORD, DEFAULT_USERNAME, type EngineEvent } from '../../ovirt-simulator';
import { signedInAgent, createAdmin } from '../helpers/admin-console';
import { databaseKinds } from '../helpers/databases';
import { parseExposition, valueOf } from '../helpers/prometheus';
import { BILLING_AUTH, startUptimeWorld, type UptimeWorld } from '../helpers/uptime-world';

const seconds = (from: number, to: number) => Math.round((to - from) / 1000);
const MIN = 60_000;

describe.each(databaseKinds)('causes of downtime on %s', (kind) => {
  let w: UptimeWorld;
  let host: string;
  const uptime = (billingServiceId: string) =>
    request(w.t.app).get(`/api/v1/services/${billingServiceId}/uptime`).set('Authorization', BILLING_AUTH).expect(200);
  const tick = async () => {
    const sync = w.t.container.eventSync;
    if (!sync) throw new Error('no event sync');
    await sync.tick();
  };
  const vmEvents = (code: number, since: number) =>
    w.sim.world.events.filter((e) => e.vm?.name === 'vps-6001' && e.code === code && e.time >= since);
  const hostTrouble = (name: string, since: number) =>
    w.sim.world.events.find((e) => !e.vm && e.host?.name === name && HOST_TROUBLE_CODES.has(e.code) && e.time >= since) as EngineEvent;
  const gauge = async () =>
    valueOf(parseExposition(await w.t.container.metricsScraper.scrape()), 'ovirt_ha_bridge_ha_vms_waiting_for_room');
  const planId = async () => Number((await w.t.db.knex('plans').where({ product_id: '7' }).first('id')).id);
  /** An admin token signed now: the one the test app made at its start has expired on the simulated clock. */
  const setPlanSla = async (sla: Record<string, boolean>) =>
    request(w.t.app)
      .patch(`/api/v1/admin/plans/${await planId()}`)
      .set('Authorization', `Bearer ${w.t.container.adminTokens.sign('test-admin')}`)
      .send({ sla })
      .expect(200);

  beforeAll(async () => {
    w = await startUptimeWorld(kind);
    await tick();
    host = await w.order('6001', '61');
    await tick();
    w.sim.control.advance(3600_000);
    await tick();
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  });

  test('when the host loses contact and the VM is restored to Up on it, then host_contact_lost: not downtime, unless the plan opts in', async () => {
    const failAt = w.sim.control.clock.now();
    w.sim.control.failHost(host, 'vdsm_crash');
    const restored = await w.until(async () => vmEvents(E.VM_STATUS_RESTORED, failAt)[0]);
    const trouble = hostTrouble(host, failAt);
    expect(w.sim.world.events.some((e) => e.code === E.VDS_SOFT_RECOVER && e.host?.name === host && e.time >= failAt)).toBe(true);
    expect(vmEvents(E.VDS_INITIATED_RUN_VM, failAt)).toEqual([]);
    w.sim.control.advance(60_000);
    await tick();

    const res = await uptime('6001');
    const lost = seconds(trouble.time, restored.time);
    expect(lost).toBeGreaterThan(60);
    expect(res.body.incidents[0]).toMatchObject({
      cause: 'host_contact_lost',
      counts_as: 'up',
      counted_seconds: 0,
      started_at: new Date(trouble.time).toISOString(),
      ended_at: new Date(restored.time).toISOString(),
      duration_seconds: lost,
    });
    expect(res.body.incidents[0].summary).toMatch(
      new RegExp(
        /^Your VPS kept running while your provider's monitoring lost contact with the host running your VPS, /.source +
          /from \d\d:\d\d:\d\d to \d\d:\d\d:\d\d \(1 min \d+ s\)$/.source,
      ),
    );
    expect(res.body.incidents[0].steps.map((s: { kind: string }) => s.kind)).toEqual([
      'host_not_responding',
      'vm_unknown',
      'contact_restored',
    ]);
    expect(res.body.windows['24h']).toMatchObject({ down_seconds: 0, unknown_seconds: 0, uptime_percent: 100 });

    // The plan opts in: the same seconds now count as downtime, from the stored incident.
    await setPlanSla({ contact_loss_counts_as_down: true });
    const strict = await uptime('6001');
    expect(strict.body.incidents[0]).toMatchObject({ cause: 'host_contact_lost', counts_as: 'down', counted_seconds: lost });
    expect(strict.body.windows['24h']).toMatchObject({ down_seconds: lost, unknown_seconds: 0 });
    expect(strict.body.plan.contact_loss_counts_as_down).toBe(true);
    await setPlanSla({ contact_loss_counts_as_down: false });
  }, 60_000);

  test('when no host has room for the HA VM, then it is waiting_for_room to the second, the customer is told so and the admin is alerted', async () => {
    // Every host but the VM's has no room left, and the VM's own host will have none when it comes back.
    const reserved = new Map([...w.sim.world.hosts.values()].map((h) => [h, h.reservedMemMib]));
    for (const h of reserved.keys()) h.reservedMemMib = 10_000_000;
    const failAt = w.sim.control.clock.now();
    w.sim.control.failHost(host, 'power_loss');
    await w.until(async () => vmEvents(E.HA_VM_RESTART_FAILED, failAt).length >= 3);
    const trouble = hostTrouble(host, failAt);
    expect(vmEvents(E.VDS_INITIATED_RUN_VM, failAt)).toEqual([]);
    await tick();

    const now = w.sim.control.clock.now();
    const res = await uptime('6001');
    const [incident] = res.body.incidents;
    expect(incident).toMatchObject({
      cause: 'waiting_for_room',
      counts_as: 'down',
      started_at: new Date(trouble.time).toISOString(),
      ended_at: null,
      duration_seconds: seconds(trouble.time, now),
    });
    expect(incident.summary).toMatch(
      /no host has room to restart your VPS yet and your provider has been alerted; down \d+ min \d+ s so far$/,
    );
    const noRoom = incident.steps.filter((s: { kind: string }) => s.kind === 'no_room');
    expect(noRoom).toHaveLength(1);
    expect(noRoom[0].text).toMatch(/\(3 attempts so far\)$/);
    expect(res.body.windows['24h'].down_seconds).toBe(seconds(trouble.time, now));
    expect(res.body.vm_status).toBe('down');

    // The customer reads that it waits for room, not that it restarts by itself.
    const link = await request(w.t.app)
      .post('/api/v1/services/6001/sso')
      .set('Authorization', BILLING_AUTH)
      .send({ client_id: '61' })
      .expect(201);
    const url = new URL(link.body.url);
    const signedIn = await request(w.t.app)
      .get(url.pathname + url.search)
      .expect(303);
    const page = await request(w.t.app).get('/client/services/6001').set('Cookie', String(signedIn.headers['set-cookie'])).expect(200);
    expect(page.text).toContain('Down — waiting for room on another host');
    expect(page.text).not.toMatch(/no action is needed|restarting automatically on another host/i);

    // The admin: the gauge, the overview's banner and the active tile, the cluster's page.
    expect(await gauge()).toBe(1);
    await createAdmin(w.t);
    const { agent: admin } = await signedInAgent(w.t.app);
    const overview = await admin.get('/admin').expect(200);
    expect(overview.text).toContain('N+1 failed in practice: 1 HA VM is down for lack of room.');
    expect(overview.text).toContain('1 down for lack of room');
    expect(overview.text).toContain('/admin/services/6001');
    const cluster = await admin.get('/admin/clusters/Default').expect(200);
    expect(cluster.text).toContain('N+1 failed in practice: 1 HA VM is down for lack of room.');

    // Room is made: the next retry starts it, and the incident is the host failure it was, ended at the second it ran.
    for (const [h, mib] of reserved) h.reservedMemMib = mib;
    const roomAt = w.sim.control.clock.now();
    await w.until(async () => {
      const vm = [...w.sim.world.vms.values()].find((v) => v.name === 'vps-6001');
      return vm?.status === 'up';
    });
    const up = vmEvents(E.VDS_INITIATED_RUN_VM, roomAt).pop() as EngineEvent;
    w.sim.control.advance(10_000);
    await tick();
    const after = await uptime('6001');
    expect(after.body.incidents[0]).toMatchObject({
      cause: up.host?.name === host ? 'host_failure' : 'ha_restart',
      ended_at: new Date(up.time).toISOString(),
      duration_seconds: seconds(trouble.time, up.time),
    });
    expect(await gauge()).toBe(0);
    expect((await admin.get('/admin').expect(200)).text).not.toContain('N+1 failed in practice');
  }, 90_000);

  test('when an admin stops the VM in the engine inside an announced window, then only the time after the window counts', async () => {
    const vm = [...w.sim.world.vms.values()].find((v) => v.name === 'vps-6001');
    if (!vm) throw new Error('no VM');
    const engine = (action: string) =>
      fetch(`${w.sim.apiUrl}/vms/${vm.id}/${action}`, {
        method: 'POST',
        // An admin at the engine's own API: Basic credentials and no correlation id of the bridge's.
        headers: {
          Authorization: `Basic ${Buffer.from(`${DEFAULT_USERNAME}:${DEFAULT_PASSWORD}`).toString('base64')}`,
          Accept: 'application/json',
          'Content-Type': 'application/json',
        },
        body: '{}',
      });
    const start = w.sim.control.clock.now();
    const windowEnd = start + 20 * MIN;
    const announce = await request(w.t.app)
      .post('/api/v1/admin/maintenance')
      .set('Authorization', `Bearer ${w.t.container.adminTokens.sign('test-admin')}`)
      .send({
        title: 'Kernel updates',
        starts_at: new Date(start).toISOString(),
        ends_at: new Date(windowEnd).toISOString(),
        scope: { clusters: ['Default'] },
        message: 'Hosts reboot one by one.',
      });
    expect(announce.status).toBe(201);

    expect((await engine('shutdown')).status).toBe(200);
    const asked = vmEvents(E.USER_INITIATED_SHUTDOWN_VM, start)[0] as EngineEvent;
    await w.until(async () => vmEvents(E.VM_DOWN, start)[0]);
    w.sim.control.advance(30 * MIN);
    expect((await engine('start')).status).toBe(200);
    await w.until(async () => vmEvents(E.USER_RUN_VM, start)[0]);
    const up = vmEvents(E.USER_RUN_VM, start)[0] as EngineEvent;
    w.sim.control.advance(10_000);
    await tick();

    const res = await uptime('6001');
    const [incident] = res.body.incidents;
    expect(incident).toMatchObject({
      cause: 'admin_stop',
      counts_as: 'down',
      started_at: new Date(asked.time).toISOString(),
      ended_at: new Date(up.time).toISOString(),
      duration_seconds: seconds(asked.time, up.time),
      counted_seconds: seconds(windowEnd, up.time),
      maintenance_window: { title: 'Kernel updates' },
    });
    expect(incident.steps.map((x: { kind: string }) => x.kind)).toEqual(['stopped_by_admin', 'start_requested', 'running']);
    expect(res.body.windows['24h'].excluded_seconds).toBe(seconds(asked.time, windowEnd));

    // The same stop with the window cancelled counts whole; a plan that excludes unannounced stops leaves it out.
    await request(w.t.app)
      .delete(`/api/v1/admin/maintenance/${announce.body.id}`)
      .set('Authorization', `Bearer ${w.t.container.adminTokens.sign('test-admin')}`)
      .expect(204);
    expect((await uptime('6001')).body.incidents[0]).toMatchObject({
      counts_as: 'down',
      counted_seconds: seconds(asked.time, up.time),
      maintenance_window: null,
    });
    await setPlanSla({ unannounced_admin_stops_excluded: true });
    expect((await uptime('6001')).body.incidents[0]).toMatchObject({ counts_as: 'excluded', counted_seconds: 0 });
    await setPlanSla({ unannounced_admin_stops_excluded: false });
  }, 90_000);
});
