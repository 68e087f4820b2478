/**
 * The whole customer path on the simulator's clock: a VPS is ordered and runs, its host loses power, the engine
 * fences the host and restarts the VM elsewhere; the event sync turns the engine's events into an incident; the panel
 * reads uptime and credit, mints a one-time link, and the customer sees the incident in the client area.
 */
import request from 'supertest';
import type { EngineEvent } from '../../ovirt-simulator';
import { databaseKinds } from '../helpers/databases';
import { BILLING_AUTH, startUptimeWorld, type UptimeWorld } from '../helpers/uptime-world';

describe.each(databaseKinds)('uptime after a host failure on %s', (kind) => {
  let w: UptimeWorld;
  let failedHost: string;
  let trouble: EngineEvent;
  let backUp: EngineEvent;
  let activatedAt: number;

  beforeAll(async () => {
    // This provider shows its host names to customers (CLIENT_HOST_NAMES defaults to hide: uptime-host-names.test.ts).
    w = await startUptimeWorld(kind, { env: { CLIENT_HOST_NAMES: 'show' } });
    const sync = w.t.container.eventSync;
    if (!sync) throw new Error('no event sync');
    await sync.tick();
    failedHost = await w.order('2001', '55');
    await w.order('2002', '56');
    await sync.tick();
    activatedAt = (await w.t.db.knex('services').where({ billing_service_id: '2001' }).first('activated_at')).activated_at;

    // A quiet day, then the host loses power.
    w.sim.control.advance(25 * 3600_000);
    await sync.tick();
    ({ trouble, backUp } = await w.failOver(failedHost, 'vps-2001'));
    w.sim.control.advance(60_000);
    await sync.tick();
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  });

  const uptime = (billingServiceId: string) =>
    request(w.t.app).get(`/api/v1/services/${billingServiceId}/uptime`).set('Authorization', BILLING_AUTH);
  const mint = (billingServiceId: string, clientId: unknown) =>
    request(w.t.app).post(`/api/v1/services/${billingServiceId}/sso`).set('Authorization', BILLING_AUTH).send({ client_id: clientId });
  const signIn = async (billingServiceId: string, clientId: string) => {
    const link = await mint(billingServiceId, clientId).expect(201);
    const res = await request(w.t.app)
      .get(new URL(link.body.url).pathname + new URL(link.body.url).search)
      .expect(303);
    return { cookie: String(res.headers['set-cookie']), location: res.headers.location, url: link.body.url as string };
  };

  test('when the host failed, then the panel reads one ha_restart incident with both hosts and the downtime to the second', async () => {
    const expectedDown = Math.round((backUp.time - trouble.time) / 1000);
    expect(expectedDown).toBeGreaterThan(60);
    const res = await uptime('2001').expect(200);
    expect(res.body.incidents).toHaveLength(1);
    const [incident] = res.body.incidents;
    expect(incident).toMatchObject({
      cause: 'ha_restart',
      counts_as: 'down',
      failed_host: failedHost,
      restart_host: backUp.host?.name,
      started_at: new Date(trouble.time).toISOString(),
      ended_at: new Date(backUp.time).toISOString(),
      duration_seconds: expectedDown,
    });
    expect(backUp.host?.name).not.toBe(failedHost);
    expect(incident.summary).toMatch(
      new RegExp(
        `^Host ${failedHost} failed at \\d\\d:\\d\\d:\\d\\d; your VPS was restarted on ${backUp.host?.name} at \\d\\d:\\d\\d:\\d\\d; down \\d+ min \\d+ s$`,
      ),
    );
    expect(incident.steps.map((s: { text: string }) => s.text)).toEqual(
      expect.arrayContaining([
        `Host ${failedHost} stopped responding to the engine`,
        expect.stringMatching(/fenced/),
        `Your VPS is running again on host ${backUp.host?.name}`,
      ]),
    );
  });

  test('when the 24 h window holds the outage, then uptime, the month and the credit follow from the seconds', async () => {
    const down = Math.round((backUp.time - trouble.time) / 1000);
    const res = await uptime('2001').expect(200);
    const w24 = res.body.windows['24h'];
    expect(w24).toMatchObject({ measured_seconds: 86_400, down_seconds: down, unknown_seconds: 0, excluded_seconds: 0 });
    // Floored to 3 decimals, as the client area shows it.
    expect(w24.uptime_percent).toBe(Math.floor(100_000 * (1 - (backUp.time - trouble.time) / 86_400_000)) / 1000);

    const measured = Math.round((w.sim.control.clock.now() - new Date(activatedAt).getTime()) / 1000);
    const monthUptime = 100 * (1 - (backUp.time - trouble.time) / 1000 / measured);
    expect(res.body.sla).toMatchObject({
      month: '2026-11',
      measured_seconds: measured,
      down_seconds: down,
      sla: { target_percent: 99.99, met: false, complete: false },
    });
    expect(res.body.sla.uptime_percent).toBe(Math.floor(monthUptime * 1000) / 1000);
    const credit = monthUptime < 99 ? 25 : monthUptime < 99.9 ? 10 : 5;
    expect(res.body.sla.sla.credit_percent).toBe(credit);
    expect(res.body.months[0].month).toBe('2026-11');
  });

  test('when another service on a healthy host is read, then it shows no incident and 100 %', async () => {
    const res = await uptime('2002').expect(200);
    const other = res.body.incidents;
    // 2002 may have been on the failed host too; then it has its own incident. Either way it is only its own.
    for (const i of other) expect(i.failed_host).toBe(failedHost);
    if (other.length === 0) expect(res.body.windows['24h'].uptime_percent).toBe(100);
  });

  test('when the panel mints a link, then the customer lands on the service page and sees the failover with host names', async () => {
    const { cookie, location, url } = await signIn('2001', '55');
    expect(url).toMatch(/^http:\/\/bridge\.test\/client\/sso\?token=[A-Za-z0-9_-]{43}$/);
    expect(location).toBe('/client/services/2001');
    expect(cookie).toMatch(/ohb_client=[^;]+; Max-Age=\d+; Path=\/client; Expires=[^;]+; HttpOnly; SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const page = await request(w.t.app).get('/client/services/2001').set('Cookie', cookie).expect(200);
    expect(page.headers['cache-control']).toBe('private, no-store');
    expect(page.text).toContain('vps2001.example.net');
    expect(page.text).toContain(failedHost);
    expect(page.text).toContain(String(backUp.host?.name));
    const list = await request(w.t.app).get('/client/services').set('Cookie', cookie).expect(200);
    expect(list.text).toContain('/client/services/2001');
    expect(list.text).not.toContain('/client/services/2002');
  });

  test("when a client asks for another client's service, then it is a 404, as for one that does not exist", async () => {
    const { cookie } = await signIn('2001', '55');
    const other = await request(w.t.app).get('/client/services/2002').set('Cookie', cookie).set('Accept', 'text/html').expect(404);
    const missing = await request(w.t.app).get('/client/services/9999').set('Cookie', cookie).set('Accept', 'text/html').expect(404);
    // The same page but for the id and the request reference: nothing tells an existing service from a missing one.
    const norm = (html: string, id: string) => html.replace(new RegExp(id, 'g'), 'X').replace(/<code>[^<]*<\/code>/g, '');
    expect(norm(other.text, '2002')).toBe(norm(missing.text, '9999'));
    expect(other.text).not.toContain('vps2002.example.net');
  });

  test(
    'when a link is used twice or after its minute, or the session is missing or forged, then the customer is told to open it again ' +
      'from the panel',
    async () => {
      const { url } = await signIn('2001', '55');
      const again = await request(w.t.app)
        .get(new URL(url).pathname + new URL(url).search)
        .expect(410);
      expect(again.text).toMatch(/open your VPS again from the client area of your billing panel/i);
      expect(again.headers['set-cookie']).toBeUndefined();

      const late = await mint('2001', '55').expect(201);
      w.sim.control.advance(61_000);
      await request(w.t.app)
        .get(new URL(late.body.url).pathname + new URL(late.body.url).search)
        .expect(410);

      await request(w.t.app).get('/client/services/2001').expect(401);
      await request(w.t.app).get('/client/services/2001').set('Cookie', 'ohb_client=not-a-token').expect(401);
      const adminToken = w.t.adminAuth.slice('Bearer '.length);
      await request(w.t.app).get('/client/services/2001').set('Cookie', `ohb_client=${adminToken}`).expect(401);
      await request(w.t.app).get('/client/sso?token=').expect(410);
    },
  );

  test('when the panel asks for a link with a wrong client, an unknown service or a bad body, then it is refused and nothing is minted', async () => {
    const before = await w.t.db.knex('sso_tokens').count({ n: '*' }).first();
    const mismatch = await mint('2001', '56').expect(422);
    expect(mismatch.body.error.code).toBe('client_mismatch');
    await mint('9999', '55').expect(404);
    const bad = await request(w.t.app)
      .post('/api/v1/services/2001/sso')
      .set('Authorization', BILLING_AUTH)
      .send({ client_id: 'a b', extra: 1 })
      .expect(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['client_id', 'extra']);
    await request(w.t.app).post('/api/v1/services/2001/sso').send({ client_id: '55' }).expect(401);
    await request(w.t.app).get('/api/v1/services/2001/uptime').expect(401);
    await uptime('9999').expect(404);
    const after = await w.t.db.knex('sso_tokens').count({ n: '*' }).first();
    expect(Number(after?.n)).toBe(Number(before?.n));
  });

  test('when the panel runs its monthly credit report, then every service that ran is listed with its month', async () => {
    const res = await request(w.t.app).get('/api/v1/uptime?month=2026-11').set('Authorization', BILLING_AUTH).expect(200);
    expect(res.body.services.map((s: { service_id: string }) => s.service_id).sort()).toEqual(['2001', '2002']);
    const single = await uptime('2001');
    expect(res.body.services.find((s: { service_id: string }) => s.service_id === '2001')).toMatchObject({
      month: '2026-11',
      down_seconds: single.body.sla.down_seconds,
    });
    await request(w.t.app).get('/api/v1/uptime?month=2026-13').set('Authorization', BILLING_AUTH).expect(400);
    await request(w.t.app).get('/api/v1/uptime?limit=0').set('Authorization', BILLING_AUTH).expect(400);
  });
});
