/**
 * CLIENT_HOST_NAMES=hide, the default: after a real host failure on the simulator, customers (the panel's uptime API, the client
 * area) are told what happened without the engine's host names; the admin's report keeps them.
 */
import request from 'supertest';
import type { EngineEvent } from '../../ovirt-simulator';
import { databaseKinds } from '../helpers/databases';
import { BILLING_AUTH, startUptimeWorld, type UptimeWorld } from '../helpers/uptime-world';

describe.each(databaseKinds)('host names kept from customers on %s', (kind) => {
  let w: UptimeWorld;
  let failedHost: string;
  let backUp: EngineEvent;

  beforeAll(async () => {
    // No CLIENT_HOST_NAMES: hiding is the default.
    w = await startUptimeWorld(kind);
    // Host names are the engine's to choose: spaces, punctuation and unicode must stay hidden too.
    for (const h of w.sim.world.hosts.values()) h.name = `rack 7 / ${h.name} (ünï)`;
    const sync = w.t.container.eventSync;
    if (!sync) throw new Error('no event sync');
    await sync.tick();
    failedHost = await w.order('3001', '77');
    await sync.tick();
    w.sim.control.advance(3600_000);
    await sync.tick();
    ({ backUp } = await w.failOver(failedHost, 'vps-3001'));
    w.sim.control.advance(60_000);
    await sync.tick();
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  });

  const hostNames = () => [...w.sim.world.hosts.values()].map((h) => h.name);

  test('when the panel reads the uptime, then the incident says what happened with no host named anywhere', async () => {
    const res = await request(w.t.app).get('/api/v1/services/3001/uptime').set('Authorization', BILLING_AUTH).expect(200);
    const [incident] = res.body.incidents;
    expect(incident).toMatchObject({ cause: 'ha_restart', failed_host: null, restart_host: null });
    expect(incident.summary).toMatch(
      /^The host running your VPS failed at \d\d:\d\d:\d\d; your VPS was restarted on another host at \d\d:\d\d:\d\d; down \d+ min \d+ s$/,
    );
    expect(incident.steps.map((s: { text: string }) => s.text)).toContain('The host running your VPS stopped responding to the engine');
    // Steps are facts whose hosts are left out for customers; the words come from the kind alone.
    expect(incident.steps.map((s: { kind: string }) => s.kind)).toEqual(
      expect.arrayContaining(['host_not_responding', 'host_fenced', 'running_again']),
    );
    for (const step of incident.steps) expect(step.hosts).toEqual([]);
    for (const name of hostNames()) expect(res.text).not.toContain(name);
  });

  test('when the customer opens the client area, then the page names no host', async () => {
    const link = await request(w.t.app)
      .post('/api/v1/services/3001/sso')
      .set('Authorization', BILLING_AUTH)
      .send({ client_id: '77' })
      .expect(201);
    const url = new URL(link.body.url);
    const signedIn = await request(w.t.app)
      .get(url.pathname + url.search)
      .expect(303);
    const page = await request(w.t.app).get('/client/services/3001').set('Cookie', String(signedIn.headers['set-cookie'])).expect(200);
    expect(page.text).toContain('restarted on another host');
    for (const name of hostNames()) expect(page.text).not.toContain(name);
  });

  test('when an admin reads the same service, then the host names are there', async () => {
    const service = await w.t.container.repos.services.findByBillingServiceId('3001');
    const report = await w.t.container.uptime.forService(service!);
    expect(report.incidents[0]).toMatchObject({ failedHost, restartHost: backUp.host?.name });
    expect(report.incidents[0]?.summary).toContain(`Host ${failedHost} failed`);
  });
});
