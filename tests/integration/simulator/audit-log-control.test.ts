import { auth, json, startHarness, type Harness } from './support';

type Json = Record<string, unknown>;

describe('simulator audit-log purge and id restart over the control API', () => {
  let h: Harness;
  let t0: number;
  beforeEach(async () => {
    h = await startHarness({ scenario: 'ha-drill' });
    // Events 1, 2, 3 (119 each; the dev VMs are not HA) a minute apart.
    t0 = h.sim.control.clock.now();
    h.sim.control.crashVm('dev01');
    h.sim.control.advance(60_000);
    h.sim.control.crashVm('dev02');
    h.sim.control.advance(60_000);
    h.sim.control.crashVm('dev03');
  });
  afterEach(async () => {
    await h.sim.close();
  });

  const ctl = () => ({ Authorization: `Bearer ${h.sim.controlToken}` });
  const events = async (q = '') => {
    const res = await h.http.get(`/ovirt-engine/api/events${q}`).set(json(h));
    expect(res.status).toBe(200);
    return (res.body as { event?: Json[] }).event ?? [];
  };
  const indexes = async (q = '') => (await events(q)).map((e) => Number(e.index));

  it('when events up to an index are purged, then a client no longer sees them and new events continue the sequence', async () => {
    const purged = await h.http.post('/__sim/events/purge').set(ctl()).send({ upToIndex: 2 });
    expect(purged.status).toBe(200);
    expect(purged.body).toEqual({ removed: 2 });

    expect(await indexes()).toEqual([3]);
    expect(await indexes('?from=1')).toEqual([3]);
    // Both the fast path and the express app answer 404 for a purged event.
    expect((await h.http.get('/ovirt-engine/api/events/2').set(auth(h))).status).toBe(404);
    expect((await h.http.get('/ovirt-engine/api/events/1').set({ ...auth(h), 'If-None-Match': '"x"' })).status).toBe(404);
    const kept = await h.http.get('/ovirt-engine/api/events/3').set(json(h));
    expect(kept.body).toEqual(expect.objectContaining({ index: '3', code: '119' }));

    h.sim.control.crashVm('web01');
    const after = await events('?from=3');
    expect(after.map((e) => [e.index, e.code])).toEqual([
      ['5', '9602'],
      ['4', '119'],
    ]);
  });

  it('when events before an ISO time are purged, then events at or after it stay', async () => {
    const before = new Date(t0 + 60_000).toISOString();

    const purged = await h.http.post('/__sim/events/purge').set(ctl()).send({ before });

    expect(purged.body).toEqual({ removed: 1 });
    expect(await indexes()).toEqual([3, 2]);
    const again = await h.http
      .post('/__sim/events/purge')
      .set(ctl())
      .send({ before: t0 + 120_001 });
    expect(again.body).toEqual({ removed: 2 });
    expect(await events()).toEqual([]);
  });

  it('when a purge body is wrong or the token is missing, then 400 or 401 and nothing is removed', async () => {
    const bad = [{}, { before: 'yesterday-ish' }, { upToIndex: 'two' }, { upToIndex: 1.5 }, { upToIndex: 2, extra: true }];
    for (const body of bad) {
      const res = await h.http.post('/__sim/events/purge').set(ctl()).send(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: expect.any(String) });
    }
    expect((await h.http.post('/__sim/events/purge').send({ upToIndex: 3 })).status).toBe(401);
    expect(await indexes()).toEqual([3, 2, 1]);
  });

  it('when event ids restart, then the log is empty, new events start at the given index and the world is unchanged', async () => {
    const restarted = await h.http.post('/__sim/events/restart-ids').set(ctl()).send({ next: 1 });
    expect(restarted.status).toBe(200);
    expect(restarted.body).toEqual({ ok: true, next: 1 });

    expect(await events()).toEqual([]);
    const vms = await h.http.get('/ovirt-engine/api/vms?search=name%3Ddev0*%20or%20name%3Dweb01').set(json(h));
    const status = Object.fromEntries((vms.body as { vm: Json[] }).vm.map((v) => [v.name, v.status]));
    expect(status).toEqual({ dev01: 'down', dev02: 'down', dev03: 'down', web01: 'up' });

    h.sim.control.crashVm('web01');
    // A poller that remembers index 3 sees nothing new: the engine's sequence is behind it.
    expect(await events('?from=3')).toEqual([]);
    const fresh = await events();
    expect(fresh.map((e) => [e.index, e.code])).toEqual([
      ['2', '9602'],
      ['1', '119'],
    ]);
    const first = await h.http.get('/ovirt-engine/api/events/1').set(json(h));
    expect(first.body).toEqual(
      expect.objectContaining({
        id: '1',
        index: '1',
        code: '119',
        description: 'VM web01 is down with error. Exit message: Lost connection with qemu process.',
      }),
    );
    const xml = await h.http.get('/ovirt-engine/api/events/2').set(auth(h));
    expect(xml.text).toContain('<code>9602</code>');
  });

  it('when no next index is given, then ids restart at 1; a bad one is refused with 400', async () => {
    const restarted = await h.http.post('/__sim/events/restart-ids').set(ctl());
    expect(restarted.body).toEqual({ ok: true, next: 1 });
    h.sim.control.crashVm('db01');
    expect(await indexes()).toEqual([2, 1]);

    for (const body of [{ next: 0 }, { next: -1 }, { next: 'one' }, { next: 2.5 }]) {
      expect((await h.http.post('/__sim/events/restart-ids').set(ctl()).send(body)).status).toBe(400);
    }
    expect(await indexes()).toEqual([2, 1]);
  });
});
