/**
 * The client area's VPS forms on the simulator: the customer's buttons post with the session's
 * CSRF token and are recorded as the customer; without the token nothing is done (403); another client's service is
 * a 404; power off needs its confirmation page; the engine's refusal and the per-service limit come back as pages with
 * their status and words; the reinstall page never echoes a password and needs the "disk is erased" tick.
 */
import request from 'supertest';
import type { RunningSimulator } from '../../ovirt-simulator';
import { csrfOf } from '../helpers/admin-console';
import { eventually, sendWebhook } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { FAST_JOBS, engineTarget, startTestSimulator } from '../helpers/simulator';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

const PANEL = `Bearer ${TEST_SECRETS.BILLING_API_KEY}`;
const OS_OPTIONS = [
  { key: 'debian-12', label: 'Debian 12', template: 'debian-12' },
  { key: 'ubuntu-24.04', label: 'Ubuntu 24.04', template: 'ubuntu-24.04' },
];

describe.each(databaseKinds)('client-area VPS forms, on %s', (kind) => {
  let sim: RunningSimulator;
  let t: TestApp;

  beforeEach(async () => {
    sim = await startTestSimulator({ scenario: 'demo' });
    t = await createTestApp(kind, {
      engine: engineTarget(sim),
      env: { ...FAST_JOBS, ACTION_LIMIT_PER_SERVICE: '3', ACTION_LIMIT_WINDOW_SECONDS: '600' },
    });
    await request(t.app)
      .post('/api/v1/admin/plans')
      .set('Authorization', t.adminAuth)
      .send(planBody({ os_options: OS_OPTIONS }))
      .expect(201);
    t.container.worker.start();
    for (const [id, client] of [
      ['3001', '55'],
      ['3002', '66'],
    ] as const) {
      await sendWebhook(t.app, {
        type: 'service.create',
        data: { service_id: id, client_id: client, product_id: '7', hostname: `vps${id}.example.net`, os: 'debian-12' },
      }).expect(202);
    }
    for (const id of ['3001', '3002']) {
      await eventually(
        async () => (await request(t.app).get(`/api/v1/services/${id}`).set('Authorization', PANEL)).body.actual_state === 'active',
        30_000,
      );
    }
  });
  afterEach(async () => {
    await t.close();
    await sim.close();
  });

  /** Client 55 signed in through the panel's one-time link: an agent holding the session cookie, and the page's CSRF token. */
  async function customer() {
    const link = await request(t.app).post('/api/v1/services/3001/sso').set('Authorization', PANEL).send({ client_id: '55' }).expect(201);
    const url = new URL(link.body.url as string);
    const agent = request.agent(t.app);
    await agent.get(url.pathname + url.search).expect(303);
    const page = await agent.get('/client/services/3001').set('Accept', 'text/html').expect(200);
    return { agent, csrf: csrfOf(page.text), page: page.text };
  }
  const rows = () => t.db.knex('service_actions').orderBy('id').select('action', 'actor_kind', 'actor', 'outcome', 'error');
  const finished = (id: number) =>
    eventually(async () => {
      const r = await t.db.knex('service_actions').where({ id }).first('outcome');
      return r && (r.outcome === 'succeeded' || r.outcome === 'failed') ? r : undefined;
    }, 30_000);
  const lastId = async () => Number((await t.db.knex('service_actions').max({ id: 'id' }).first())?.id);

  test("when the customer uses the buttons, then each is recorded as them; no CSRF is 403 and another client's VPS is 404, with nothing done", async () => {
    const { agent, csrf, page } = await customer();
    expect(page).toContain('Manage your VPS');
    expect(page).toContain('Your recent actions');
    expect(page).toMatch(/data-usage="cpu"/);

    // Without the token, or with another: nothing is done.
    await agent.post('/client/services/3001/power').type('form').send({ action: 'reboot' }).set('Accept', 'text/html').expect(403);
    await agent
      .post('/client/services/3001/power')
      .type('form')
      .send({ action: 'reboot', _csrf: 'x'.repeat(43) })
      .expect(403);
    // The token of one session does not pass for a request without that session.
    await request(t.app).post('/client/services/3001/power').type('form').send({ action: 'reboot', _csrf: csrf }).expect(401);
    // Another client's service, with a valid token: as missing as a service that does not exist.
    const foreign = await agent
      .post('/client/services/3002/power')
      .type('form')
      .send({ action: 'reboot', _csrf: csrf })
      .set('Accept', 'text/html')
      .expect(404);
    const missing = await agent
      .post('/client/services/3999/power')
      .type('form')
      .send({ action: 'reboot', _csrf: csrf })
      .set('Accept', 'text/html')
      .expect(404);
    expect(foreign.text.replaceAll('3002', 'ID').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'REQ')).toBe(
      missing.text.replaceAll('3999', 'ID').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'REQ'),
    );
    await agent.get('/client/services/3002/reinstall').set('Accept', 'text/html').expect(404);
    // An unknown action is a 400.
    await agent
      .post('/client/services/3001/power')
      .type('form')
      .send({ action: 'hibernate', _csrf: csrf })
      .set('Accept', 'text/html')
      .expect(400);
    // Power off without the confirmation page's own form goes to that page first.
    const unconfirmed = await agent.post('/client/services/3001/power').type('form').send({ action: 'stop', _csrf: csrf }).expect(303);
    expect(unconfirmed.headers.location).toBe('/client/services/3001/power/stop');
    expect(await rows()).toEqual([]);

    const confirm = await agent.get('/client/services/3001/power/stop').expect(200);
    expect(confirm.text).toContain('like pulling the plug');
    const stopped = await agent
      .post('/client/services/3001/power')
      .type('form')
      .send({ action: 'stop', confirm: 'yes', _csrf: csrfOf(confirm.text) })
      .expect(303);
    expect(stopped.headers.location).toBe('/client/services/3001?done=stop#vps-actions-title');
    await finished(await lastId());
    const after = await agent.get('/client/services/3001?done=stop').expect(200);
    expect(after.text).toContain('Power off requested');
    expect(after.text).toMatch(/<th scope="row">Power off<\/th>/);
    expect(await rows()).toEqual([{ action: 'stop', actor_kind: 'customer', actor: '55', outcome: 'succeeded', error: null }]);
    expect([...sim.world.vms.values()].find((v) => v.name === 'vps-3001')?.status).toBe('down');
  });

  test('when the engine refuses or the limit is reached, then the page says so with 409 or 429, and a console file downloads', async () => {
    const { agent, csrf } = await customer();
    const lock = (locked: boolean) =>
      request(sim.controlUrl).post('/vms/vps-3001/lock').set('Authorization', 'Bearer simulator').send({ locked });
    await lock(true).expect((res) => expect(res.status).toBeLessThan(300));
    const refused = await agent.post('/client/services/3001/power').type('form').send({ action: 'reboot', _csrf: csrf }).expect(409);
    expect(refused.text).toContain('Reboot: not done');
    expect(refused.text).toContain('Related operation is currently in progress');
    await lock(false);

    const console = await agent.post('/client/services/3001/console').type('form').send({ _csrf: csrf }).expect(200);
    expect(console.headers['content-type']).toContain('application/x-virt-viewer');
    expect(console.headers['content-disposition']).toContain('vps3001.example.net.vv');
    expect(console.headers['cache-control']).toBe('no-store');
    expect(console.text).toContain('[virt-viewer]');

    const reboot = await agent.post('/client/services/3001/power').type('form').send({ action: 'reboot', _csrf: csrf }).expect(303);
    expect(reboot.headers.location).toContain('done=reboot');
    await finished(await lastId());
    // The fourth within the window: over the limit of 3.
    const limited = await agent.post('/client/services/3001/power').type('form').send({ action: 'start', _csrf: csrf }).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(500);
    expect(limited.text).toContain('Too many actions on this VPS');
    expect(limited.text).toMatch(/At most 3 actions per VPS in 10 minutes; try again in \d+ s\./);
    expect((await rows()).map((r) => [r.action, r.actor_kind, r.outcome])).toEqual([
      ['reboot', 'customer', 'failed'],
      ['console', 'customer', 'succeeded'],
      ['reboot', 'customer', 'succeeded'],
    ]);
    // The log on the page: the customer's own actions, the refusal in the engine's words.
    const page = await agent.get('/client/services/3001').expect(200);
    expect(page.text).toContain('Related operation is currently in progress');
    expect(page.text.match(/<th scope="row">(Reboot|Console)<\/th>/g)).toHaveLength(3);
  });

  test('when the VPS is suspended, then the page says why instead of showing buttons, and a posted action is a 409 page', async () => {
    const { agent, csrf } = await customer();
    await sendWebhook(t.app, { type: 'service.suspend', data: { service_id: '3001' } }).expect(202);
    await eventually(
      async () => (await request(t.app).get('/api/v1/services/3001').set('Authorization', PANEL)).body.actual_state === 'suspended',
      30_000,
    );
    const page = await agent.get('/client/services/3001').expect(200);
    expect(page.text).toContain('This VPS is suspended; it takes no actions until it is unsuspended.');
    expect(page.text).not.toContain('value="reboot"');
    const refused = await agent.post('/client/services/3001/power').type('form').send({ action: 'start', _csrf: csrf }).expect(409);
    expect(refused.text).toContain('Your VPS cannot do this right now');
    expect(await rows()).toEqual([]);
  });

  test(
    "when the customer reinstalls, then the page offers the plan's systems, needs the erase tick, never echoes the password, and the " +
      'reinstall runs as theirs',
    async () => {
      const { agent } = await customer();
      const form = await agent.get('/client/services/3001/reinstall').expect(200);
      expect(form.text).toContain('Everything on the disk of this VPS is erased');
      expect(form.text).toContain('<option value="debian-12" selected>Debian 12</option>');
      expect(form.text).toContain('<option value="ubuntu-24.04">Ubuntu 24.04</option>');
      const csrf = csrfOf(form.text);

      const unticked = await agent
        .post('/client/services/3001/reinstall')
        .type('form')
        .send({ _csrf: csrf, os: 'ubuntu-24.04', password: 'Secret-Password-1' })
        .expect(400);
      expect(unticked.text).toContain('Tick the box');
      expect(unticked.text).not.toContain('Secret-Password-1');
      expect(unticked.text).toContain('<option value="ubuntu-24.04" selected>');
      const badKey = await agent
        .post('/client/services/3001/reinstall')
        .type('form')
        .send({ _csrf: csrf, os: 'ubuntu-24.04', password: 'Secret-Password-1', ssh_keys: 'not a key', confirm: 'yes' })
        .expect(400);
      expect(badKey.text).toContain('SSH key:');
      expect(badKey.text).not.toContain('Secret-Password-1');
      await agent.post('/client/services/3001/reinstall').type('form').send({ os: 'ubuntu-24.04', confirm: 'yes' }).expect(403);
      expect(await rows()).toEqual([]);

      const done = await agent
        .post('/client/services/3001/reinstall')
        .type('form')
        .send({ _csrf: csrf, os: 'ubuntu-24.04', password: 'Secret-Password-1', confirm: 'yes' })
        .expect(303);
      expect(done.headers.location).toContain('done=reinstall');
      await finished(await lastId());
      expect(await rows()).toEqual([{ action: 'reinstall', actor_kind: 'customer', actor: '55', outcome: 'succeeded', error: null }]);
      expect((await t.db.knex('services').where({ billing_service_id: '3001' }).first()).os_key).toBe('ubuntu-24.04');
    },
    60_000,
  );
});
