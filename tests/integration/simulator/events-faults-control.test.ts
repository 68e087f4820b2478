import axios from 'axios';
import { auth, json, settle, startHarness, type Harness } from './support';

type Json = Record<string, unknown>;

describe('simulator events, faults and control API', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ scenario: 'ha-drill' });
    h.sim.control.crashVm('dev01');
    h.sim.control.crashVm('dev02');
    h.sim.control.crashVm('dev03');
  });
  afterEach(async () => {
    await h.sim.close();
  });

  const indexes = async (q: string) => {
    const res = await h.http.get(`/ovirt-engine/api/events${q}`).set(json(h));
    return ((res.body as { event?: Json[] }).event ?? []).map((e) => Number(e.index));
  };

  it('when events are listed, then newest first; from is strictly greater; max applies after the sort', async () => {
    const all = await indexes('');
    expect(all).toEqual([...all].sort((a, b) => b - a));
    expect(all).toHaveLength(3);
    const first = all[2] as number;
    expect(await indexes(`?from=${first}`)).toEqual(all.slice(0, 2));
    expect(await indexes(`;from=${first}`)).toEqual(all.slice(0, 2));
    expect(await indexes(`?from=${first - 1}&max=1`)).toEqual([all[0]]);
    expect(await indexes('?search=sortby%20time%20asc&max=2')).toEqual([first, all[1]]);
    expect(await indexes('?search=severity%3E%3Derror')).toHaveLength(3);
    expect(await indexes('?search=type%3D119%20and%20event_vm%3Ddev02')).toHaveLength(1);
    const res = await h.http.get(`/ovirt-engine/api/events/${first}`).set(auth(h));
    expect(res.text).toContain('<code>119</code>');
    expect(res.text).toContain(`<index>${first}</index>`);
  });

  it('when an error fault is on for a route, then that route answers 503 with Retry-After, others are fine', async () => {
    const rule = h.sim.control.addFault({ kind: 'error', status: 503, retryAfterSeconds: 7, method: 'GET', path: '/api/vms*', times: 1 });
    const failed = await h.http.get('/ovirt-engine/api/vms').set(auth(h));
    expect(failed.status).toBe(503);
    expect(failed.headers['retry-after']).toBe('7');
    expect((await h.http.get('/ovirt-engine/api/hosts').set(auth(h))).status).toBe(200);
    expect((await h.http.get('/ovirt-engine/api/vms').set(auth(h))).status).toBe(200);
    expect(h.sim.control.faults.list().find((r) => r.id === rule.id)).toBeUndefined();
  });

  it('when a reset fault is on, then the connection drops without an answer', async () => {
    h.sim.control.addFault({ kind: 'reset', path: '/api/hosts' });
    await expect(axios.get(`${h.sim.apiUrl}/hosts`, { headers: auth(h) })).rejects.toMatchObject({
      code: expect.stringMatching(/ECONNRESET|socket hang up/),
    });
  });

  it('when a response is lost after a create, then the VM exists although the client saw the connection drop', async () => {
    h.sim.control.addFault({ kind: 'lose_response', method: 'POST', path: '/api/vms' });
    const body = { name: 'ghost', cluster: { name: 'Default' }, template: { name: 'Blank' } };
    await expect(
      axios.post(`${h.sim.apiUrl}/vms`, body, { headers: { ...json(h), 'Content-Type': 'application/json' } }),
    ).rejects.toBeDefined();
    expect(h.sim.world.findVm('ghost')?.status).toBe('down');
  });

  it('when a hang fault is on, then calls stay in flight and the maximum in flight is counted', async () => {
    h.sim.control.metrics.reset();
    h.sim.control.addFault({ kind: 'hang', path: '/api/templates' });
    const controller = new AbortController();
    const calls = [1, 2, 3].map(() =>
      axios.get(`${h.sim.apiUrl}/templates`, { headers: auth(h), signal: controller.signal }).catch(() => 'aborted'),
    );
    await settle(() => h.sim.control.metrics.snapshot().inFlight === 3);
    controller.abort();
    await Promise.all(calls);
    await settle(() => h.sim.control.metrics.snapshot().inFlight === 0);
    expect(h.sim.control.metrics.snapshot().maxInFlight).toBe(3);
    expect(h.sim.control.metrics.snapshot().byRoute['GET /api/templates']).toBe(3);
  });

  it('when latency is on, then the answer comes later but intact', async () => {
    h.sim.control.addFault({ kind: 'latency', latencyMs: 50 });
    const started = Date.now();
    expect((await h.http.get('/ovirt-engine/api/clusters').set(auth(h))).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('when a VM is locked through the control API, then commands on it fail with 409', async () => {
    const vm = h.sim.world.findVm('web01');
    await h.http.post(`/__sim/vms/web01/lock`).set('Authorization', `Bearer ${h.sim.controlToken}`).send({ locked: true }).expect(200);
    const res = await h.http
      .post(`/ovirt-engine/api/vms/${vm?.id ?? ''}/stop`)
      .set(auth(h))
      .send('<action/>')
      .set('Content-Type', 'application/xml');
    expect(res.status).toBe(409);
    expect(res.text).toContain('Cannot stop VM. Related operation is currently in progress. Please try again later.');
  });

  it('when the control API drives a failure drill, then the engine API shows it', async () => {
    const ctl = { Authorization: `Bearer ${h.sim.controlToken}` };
    expect((await h.http.get('/__sim/state')).status).toBe(401);
    await h.http.post('/__sim/hosts/host1/fail').set(ctl).send({ mode: 'network_cut' }).expect(200);
    await h.http.post('/__sim/clock/advance').set(ctl).send({ seconds: 3 }).expect(200);
    const host = await h.http.get(`/ovirt-engine/api/hosts?search=name%3Dhost1`).set(json(h));
    expect(((host.body as { host: Json[] }).host[0] as Json).status).toBe('connecting');
    await h.http.post('/__sim/clock/advance').set(ctl).send({ seconds: 600 }).expect(200);
    const state = await h.http.get('/__sim/world').set(ctl);
    const vms = (state.body as { vms: Json[] }).vms;
    expect(vms.find((v) => v.name === 'db01')?.status).toBe('up');
    const reset = await h.http.post('/__sim/reset').set(ctl).send({ scenario: 'empty' });
    expect(reset.status).toBe(200);
    const after = await h.http.get('/ovirt-engine/api/vms').set(json(h));
    expect(after.body).toEqual({});
    expect((await h.http.post('/__sim/hosts/nope/fail').set(ctl).send({})).status).toBe(404);
  });
});
