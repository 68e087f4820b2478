/**
 * VPS actions on the admin service page on the simulator: the console's buttons post with the
 * session's CSRF token and are recorded as the signed-in admin; the page's action log says who asked (admin,
 * customer, panel); no token is 403 with nothing done; the engine's refusal is a 409 page with its words.
 */
import request from 'supertest';
import type { RunningSimulator } from '../../ovirt-simulator';
import { ADMIN_EMAIL, createAdmin, csrfOf, signedInAgent } from '../helpers/admin-console';
import { eventually, sendWebhook } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { FAST_JOBS, engineTarget, startTestSimulator } from '../helpers/simulator';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

const PANEL = `Bearer ${TEST_SECRETS.BILLING_API_KEY}`;

describe.each(databaseKinds)('admin service page VPS actions, on %s', (kind) => {
  let sim: RunningSimulator;
  let t: TestApp;

  beforeEach(async () => {
    sim = await startTestSimulator({ scenario: 'demo' });
    t = await createTestApp(kind, { engine: engineTarget(sim), env: { ...FAST_JOBS } });
    await request(t.app)
      .post('/api/v1/admin/plans')
      .set('Authorization', t.adminAuth)
      .send(planBody({ os_options: [{ key: 'debian-12', label: 'Debian 12', template: 'debian-12' }] }))
      .expect(201);
    await createAdmin(t);
    t.container.worker.start();
    await sendWebhook(t.app, {
      type: 'service.create',
      data: { service_id: '6001', client_id: '55', product_id: '7', hostname: 'vps6001.example.net' },
    }).expect(202);
    await eventually(
      async () => (await request(t.app).get('/api/v1/services/6001').set('Authorization', PANEL)).body.actual_state === 'active',
      30_000,
    );
  });
  afterEach(async () => {
    await t.close();
    await sim.close();
  });

  const finished = () =>
    eventually(async () => {
      const open = await t.db.knex('service_actions').whereIn('outcome', ['queued', 'running']).first('id');
      return open === undefined;
    }, 30_000);

  test('when an admin uses the buttons, then each is recorded as that admin and the log says who asked', async () => {
    const { agent, csrf } = await signedInAgent(t.app);
    // The customer (through the panel) and the panel itself asked first.
    await request(t.app)
      .post('/api/v1/services/6001/power')
      .set('Authorization', PANEL)
      .send({ action: 'reboot', requested_by: 'customer', requester: '55' })
      .expect(202);
    await finished();

    await agent.post('/admin/services/6001/power').type('form').send({ action: 'reboot' }).expect(403);
    expect(await t.db.knex('service_actions').count({ n: '*' }).first()).toMatchObject({ n: 1 });

    const unconfirmed = await agent.post('/admin/services/6001/power').type('form').send({ action: 'stop', _csrf: csrf }).expect(303);
    expect(unconfirmed.headers.location).toBe('/admin/services/6001/power/stop');
    const confirm = await agent.get('/admin/services/6001/power/stop').expect(200);
    expect(confirm.text).toContain('like pulling the plug');
    const stopped = await agent
      .post('/admin/services/6001/power')
      .type('form')
      .send({ action: 'stop', confirm: 'yes', _csrf: csrfOf(confirm.text) })
      .expect(303);
    expect(stopped.headers.location).toContain('done=vps_stop');
    await finished();
    expect([...sim.world.vms.values()].find((v) => v.name === 'vps-6001')?.status).toBe('down');

    // The engine refuses a console for a VM that is down: the error page says so with 409.
    const refused = await agent
      .post('/admin/services/6001/console')
      .type('form')
      .send({ _csrf: csrf })
      .set('Accept', 'text/html')
      .expect(409);
    expect(refused.text).toContain('The engine refused a console for the VPS');

    await agent.post('/admin/services/6001/power').type('form').send({ action: 'start', _csrf: csrf }).expect(303);
    await finished();
    const file = await agent.post('/admin/services/6001/console').type('form').send({ _csrf: csrf }).expect(200);
    expect(file.headers['content-type']).toContain('application/x-virt-viewer');

    const page = await agent.get('/admin/services/6001?done=vps_start').expect(200);
    expect(page.text).toContain('Start sent to the engine');
    const rows = await t.db.knex('service_actions').orderBy('id').select('action', 'actor_kind', 'actor', 'outcome');
    expect(rows.map((r) => [r.action, r.actor_kind, r.actor, r.outcome])).toEqual([
      ['reboot', 'customer', 'panel:55', 'succeeded'],
      ['stop', 'admin', ADMIN_EMAIL, 'succeeded'],
      ['console', 'admin', ADMIN_EMAIL, 'failed'],
      ['start', 'admin', ADMIN_EMAIL, 'succeeded'],
      ['console', 'admin', ADMIN_EMAIL, 'succeeded'],
    ]);
    expect(page.text).toContain(`Admin <span class="muted">${ADMIN_EMAIL}</span>`);
    expect(page.text).toContain('Customer <span class="muted">panel:55</span>');
    // The admin API's log agrees.
    const log = await request(t.app).get('/api/v1/admin/services/6001/actions').set('Authorization', t.adminAuth).expect(200);
    expect(log.body.items[0]).toMatchObject({ action: 'console', requested_by: { kind: 'admin', name: ADMIN_EMAIL } });
  });

  test('when an admin reinstalls, then the page needs the erase tick and the reinstall runs as that admin', async () => {
    const { agent } = await signedInAgent(t.app);
    const form = await agent.get('/admin/services/6001/reinstall').expect(200);
    expect(form.text).toContain('disk is erased');
    const csrf = csrfOf(form.text);
    await agent.post('/admin/services/6001/reinstall').type('form').send({ _csrf: csrf, os: 'debian-12' }).expect(400);
    await agent
      .post('/admin/services/6001/reinstall')
      .type('form')
      .send({ _csrf: csrf, os: 'windows', confirm: 'yes' })
      .set('Accept', 'text/html')
      .expect(422);
    expect(await t.db.knex('service_actions').count({ n: '*' }).first()).toMatchObject({ n: 0 });
    await agent.post('/admin/services/6001/reinstall').type('form').send({ _csrf: csrf, os: 'debian-12', confirm: 'yes' }).expect(303);
    await finished();
    expect(await t.db.knex('service_actions').first('action', 'actor_kind', 'actor', 'outcome')).toEqual({
      action: 'reinstall',
      actor_kind: 'admin',
      actor: ADMIN_EMAIL,
      outcome: 'succeeded',
    });
  }, 60_000);
});
