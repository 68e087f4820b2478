import { json, startHarness, type Harness } from './support';

type Json = Record<string, unknown>;
type Ref = { id: string; name: string };

describe('simulator host maintenance as a client sees it', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ scenario: 'ha-drill' });
  });
  afterEach(async () => {
    await h.sim.close();
  });

  const get = async (path: string) => (await h.http.get(`/ovirt-engine/api${path}`).set(json(h))).body as Json;

  it('when host1 is deactivated, then its VMs live-migrate without downtime: 67 and 63 per VM, then 620', async () => {
    // Arrange
    const host1 = h.sim.world.findHost('host1');
    const hostId = host1?.id ?? '';
    const listedOnHost1 = (await get('/vms?search=host%3Dhost1')).vm as Json[];
    const onHost1 = listedOnHost1.map((v) => ({ id: String(v.id), name: String(v.name), start: v.start_time }));
    expect(onHost1.map((v) => v.name).sort()).toEqual(['db01', 'dev01', 'mail01', 'web01', 'web02']);
    const from = h.sim.world.peekNextEventIndex() - 1;

    // Act
    const res = await h.http
      .post(`/ovirt-engine/api/hosts/${hostId}/deactivate`)
      .set({ ...json(h), 'Content-Type': 'application/xml' })
      .send('<action/>');
    expect(res.status).toBe(200);

    // Assert: every poll sees each VM running (migrating, then up), never down
    expect((await get(`/hosts/${hostId}`)).status).toBe('preparing_for_maintenance');
    for (let second = 0; second <= 8; second++) {
      for (const vm of onHost1) {
        const seen = await get(`/vms/${vm.id}`);
        expect(seen.status).toBe(second < 8 ? 'migrating' : 'up');
        expect(seen.start_time).toEqual(expect.any(Number));
        expect(seen.start_time).toBe(vm.start);
      }
      if (second < 8) h.sim.control.advance(1_000);
    }
    expect((await get(`/hosts/${hostId}`)).status).toBe('maintenance');

    // Assert: the events, oldest first
    const listed = ((await get(`/events?from=${from}`)).event as Json[]).reverse();
    expect(listed.map((e) => e.code)).toEqual(['67', '67', '67', '67', '67', '63', '63', '63', '63', '63', '620']);
    expect(listed.map((e) => Number(e.index))).toEqual(listed.map((_e, i) => from + 1 + i));
    for (const vm of onHost1) {
      const dest = (await get(`/vms/${vm.id}`)).host as Ref;
      const destName = String((await get(`/hosts/${dest.id}`)).name);
      expect(destName).not.toBe('host1');
      const started = listed.find((e) => e.code === '67' && (e.vm as Ref).id === vm.id);
      expect(started?.description).toBe(
        `Migration initiated by system (VM: ${vm.name}, Source: host1, Destination: ${destName}, Reason: Host preparing for maintenance).`,
      );
      expect(started?.host).toEqual(expect.objectContaining({ id: hostId, name: 'host1' }));
      const done = listed.find((e) => e.code === '63' && (e.vm as Ref).id === vm.id);
      expect(done?.description).toBe(
        `Migration completed (VM: ${vm.name}, Source: host1, Destination: ${destName}, Duration: 8 seconds, Total: 8 seconds, Actual downtime: (N/A))`,
      );
      expect(done?.vm).toEqual(expect.objectContaining({ id: vm.id, name: vm.name }));
      expect(done?.host).toEqual(expect.objectContaining({ id: dest.id, name: destName }));
    }
    const last = listed.at(-1);
    expect(last?.description).toBe('Host host1 was switched to Maintenance mode by admin@internal-authz.');
    expect(last?.host).toEqual(expect.objectContaining({ id: hostId, name: 'host1' }));
    expect(last?.vm).toBeUndefined();
  });

  it('when maintenance is asked with a reason, then event 600 names it', async () => {
    const host3 = h.sim.world.findHost('host3');
    const from = h.sim.world.peekNextEventIndex() - 1;

    await h.http
      .post(`/ovirt-engine/api/hosts/${host3?.id ?? ''}/deactivate`)
      .set({ ...json(h), 'Content-Type': 'application/xml' })
      .send('<action><reason>kernel update</reason></action>')
      .expect(200);
    h.sim.control.advance(8_000);

    const newest = ((await get(`/events?from=${from}&max=1`)).event as Json[])[0];
    expect(newest).toEqual(
      expect.objectContaining({
        code: '600',
        description: 'Host host3 was switched to Maintenance mode by admin@internal-authz (Reason: kernel update).',
      }),
    );
  });
});
