/**
 * The uptime record after actions the customer asked for, to the second on the simulator's manual
 * clock: a reboot is a note with no downtime, a power-off until the next start and a reinstall until the new VM runs
 * are cause `customer`, excluded from the SLA, and say what was asked for.
 */
import request from 'supertest';
import { databaseKinds } from '../helpers/databases';
import { BILLING_AUTH, startUptimeWorld, type UptimeWorld } from '../helpers/uptime-world';

describe.each(databaseKinds)('uptime after customer actions on %s', (kind) => {
  let w: UptimeWorld;

  beforeAll(async () => {
    w = await startUptimeWorld(kind);
    await w.t.container.eventSync?.tick();
    await w.order('5001', '55');
    await w.t.container.eventSync?.tick();
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  });

  const api = (path: string, body: object) =>
    request(w.t.app).post(`/api/v1/services/5001${path}`).set('Authorization', BILLING_AUTH).send(body);
  const act = async (path: string, body: object) => {
    const res = await api(path, body).expect(202);
    await w.until(async () => {
      const a = await request(w.t.app).get(`/api/v1/services/5001/actions/${res.body.id}`).set('Authorization', BILLING_AUTH);
      return a.body.state === 'succeeded';
    });
    return res.body.id as number;
  };
  const uptime = async () =>
    (await request(w.t.app).get('/api/v1/services/5001/uptime').set('Authorization', BILLING_AUTH).expect(200)).body;
  const eventOf = (code: number, correlationId?: string) =>
    w.sim.world.events.filter((e) => e.code === code && (correlationId === undefined || e.correlationId === correlationId)).pop();

  test('when the customer reboots, powers off and starts again, then the reboot is a note and the power-off is excluded to the second', async () => {
    w.sim.control.advance(3600_000);
    const reboot = await act('/power', { action: 'reboot', requested_by: 'customer', requester: '55' });
    w.sim.control.advance(600_000);
    const stop = await act('/power', { action: 'stop', requested_by: 'customer', requester: '55' });
    w.sim.control.advance(1_800_000);
    await act('/power', { action: 'start', requested_by: 'customer', requester: '55' });
    w.sim.control.advance(60_000);
    await w.t.container.eventSync?.tick();

    const rebootAt = eventOf(157, `act-${reboot}-reboot`)?.time ?? 0;
    const stopAt = eventOf(33, `act-${stop}-stop`)?.time ?? 0;
    const upAt = eventOf(32)?.time ?? 0;
    expect(rebootAt * stopAt * upAt).toBeGreaterThan(0);
    const report = await uptime();
    const incidents = [...report.incidents].sort((a: { started_at: string }, b: { started_at: string }) =>
      a.started_at.localeCompare(b.started_at),
    );
    expect(incidents).toHaveLength(2);
    expect(incidents[0]).toMatchObject({
      cause: 'customer',
      counts_as: 'excluded',
      started_at: new Date(rebootAt).toISOString(),
      duration_seconds: 0,
    });
    expect(incidents[0].summary).toMatch(/^You asked for a reboot at \d\d:\d\d:\d\d \(not counted against the SLA\)$/);
    expect(incidents[1]).toMatchObject({
      cause: 'customer',
      counts_as: 'excluded',
      started_at: new Date(stopAt).toISOString(),
      ended_at: new Date(upAt).toISOString(),
      duration_seconds: Math.round((upAt - stopAt) / 1000),
    });
    expect(incidents[1].summary).toMatch(
      /^You asked for a power-off at \d\d:\d\d:\d\d; running again at \d\d:\d\d:\d\d \(30 min( \d+ s)?; not counted against the SLA\)$/,
    );
    expect(incidents[1].steps.map((s: { text: string }) => s.text)).toContain('You asked for a power-off');
    expect(report.windows['24h']).toMatchObject({
      down_seconds: 0,
      unknown_seconds: 0,
      excluded_seconds: Math.round((upAt - stopAt) / 1000),
    });
  });

  test(
    'when the customer reinstalls, then the time from the old VM’s shutdown until the new VM runs is excluded, and the old VM’s ' +
      'removal ends nothing',
    async () => {
      const before = (await uptime()).incidents.length;
      const id = await act('/reinstall', { password: 'Reinstall-Password-1234', requested_by: 'customer', requester: '55' });
      w.sim.control.advance(60_000);
      await w.t.container.eventSync?.tick();
      const downAt = eventOf(73, `act-${id}-reinstall`)?.time ?? 0;
      const upAt = w.sim.world.events.filter((e) => e.code === 32 && e.vm?.name === `vps-5001.r${id}`).pop()?.time ?? 0;
      expect(downAt * upAt).toBeGreaterThan(0);
      const report = await uptime();
      expect(report.incidents).toHaveLength(before + 1);
      const reinstall = report.incidents.find((i: { started_at: string }) => i.started_at === new Date(downAt).toISOString());
      expect(reinstall).toMatchObject({
        cause: 'customer',
        counts_as: 'excluded',
        ended_at: new Date(upAt).toISOString(),
        duration_seconds: Math.round((upAt - downAt) / 1000),
      });
      expect(reinstall.summary).toMatch(/^You asked for a reinstall at /);
      expect(report.windows['24h'].down_seconds).toBe(0);
      // Still recorded as running: the old VM's removal (113) did not end the service's timeline.
      w.sim.control.advance(3600_000);
      await w.t.container.eventSync?.tick();
      expect((await uptime()).windows['24h'].down_seconds).toBe(0);
    },
  );

  test('when a reinstall fails and the old VM runs again, then the whole stretch is still the customer’s, never an admin’s stop', async () => {
    const before = (await uptime()).incidents.length;
    w.sim.control.addFault({ kind: 'error', method: 'POST', path: '/api/vms/*/start', status: 409, times: 1 });
    const res = await api('/reinstall', { password: 'Reinstall-Password-5678' }).expect(202);
    await w.until(async () => {
      const a = await request(w.t.app).get(`/api/v1/services/5001/actions/${res.body.id}`).set('Authorization', BILLING_AUTH);
      return a.body.state === 'failed';
    });
    await w.until(async () => [...w.sim.world.vms.values()].some((v) => v.name.startsWith('vps-5001') && v.status === 'up'));
    w.sim.control.advance(60_000);
    await w.t.container.eventSync?.tick();
    const report = await uptime();
    const added = report.incidents.slice(0, report.incidents.length - before);
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((i: { cause: string; ended_at: string | null }) => i.cause === 'customer' && i.ended_at !== null)).toBe(true);
    expect(report.windows['24h']).toMatchObject({ down_seconds: 0, unknown_seconds: 0 });
  });
});
