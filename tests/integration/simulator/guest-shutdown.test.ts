import { json, startHarness, type Harness } from './support';

type Json = Record<string, unknown>;

describe('simulator guest shutdown over the control API', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ scenario: 'ha-drill' });
  });
  afterEach(async () => {
    await h.sim.close();
  });

  const ctl = () => ({ Authorization: `Bearer ${h.sim.controlToken}` });
  const vmStatus = async (id: string) => ((await h.http.get(`/ovirt-engine/api/vms/${id}`).set(json(h))).body as Json).status;

  it('when the guest of an HA VM powers off, then a client sees powering_down, down, event 61 on its host, and no restart', async () => {
    // Arrange
    const web01 = h.sim.world.findVm('web01');
    const host1 = h.sim.world.findHost('host1');
    const from = h.sim.world.peekNextEventIndex() - 1;

    // Act
    const res = await h.http.post('/__sim/vms/web01/guest-shutdown').set(ctl());

    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    expect(await vmStatus(web01?.id ?? '')).toBe('powering_down');
    await h.http.post('/__sim/clock/advance').set(ctl()).send({ seconds: 5 }).expect(200);
    expect(await vmStatus(web01?.id ?? '')).toBe('down');
    const listed = await h.http.get(`/ovirt-engine/api/events?from=${from}`).set(json(h));
    const events = (listed.body as { event: Json[] }).event;
    expect(events).toHaveLength(1);
    expect(events[0]).toEqual(
      expect.objectContaining({
        index: String(from + 1),
        code: '61',
        severity: 'normal',
        description: 'VM web01 is down. Exit message: User shut down from within the guest',
        vm: expect.objectContaining({ id: web01?.id, name: 'web01' }),
        host: expect.objectContaining({ id: host1?.id, name: 'host1' }),
      }),
    );
    expect(events[0]?.user).toBeUndefined();

    await h.http.post('/__sim/clock/advance').set(ctl()).send({ seconds: 600 }).expect(200);
    expect(await vmStatus(web01?.id ?? '')).toBe('down');
    const later = await h.http.get(`/ovirt-engine/api/events?from=${from + 1}`).set(json(h));
    expect(later.body).toEqual({});
  });

  it('when the VM is not running or unknown, then 409 or 404 with the control API error', async () => {
    h.sim.control.crashVm('dev01');
    const down = await h.http.post('/__sim/vms/dev01/guest-shutdown').set(ctl());
    expect(down.status).toBe(409);
    expect(down.body).toEqual({ error: 'VM dev01 is not running on a healthy host (status down)' });
    expect((await h.http.post('/__sim/vms/nope/guest-shutdown').set(ctl())).status).toBe(404);
    expect((await h.http.post('/__sim/vms/web01/guest-shutdown')).status).toBe(401);
  });
});
