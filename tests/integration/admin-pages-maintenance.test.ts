import { ManualClock } from '../../server/clock';
import { createAdmin, signedInAgent } from '../helpers/admin-console';
import { databaseKinds } from '../helpers/databases';
import { createTestApp, type TestApp } from '../helpers/test-app';

const form = {
  title: 'Kernel updates',
  starts_at: '2026-12-10T02:00',
  ends_at: '2026-12-10T04:00',
  scope_kind: 'hosts',
  scope_names: 'host1,\nhost2',
  message: 'Hosts reboot one by one.',
};

describe.each(databaseKinds)('admin console maintenance page on %s', (kind) => {
  let t: TestApp;
  const clock = new ManualClock('2026-12-06T10:00:00.000Z');

  beforeEach(async () => {
    clock.set('2026-12-06T10:00:00.000Z');
    t = await createTestApp(kind, { clock, env: { BILLING_CALLBACK_URL: 'http://panel.test/callback' } });
    await createAdmin(t);
  });
  afterEach(async () => {
    await t.close();
  });

  test('when an admin announces a window with the form, then it is listed in UTC and can be cancelled, and stays listed', async () => {
    const { agent, csrf } = await signedInAgent(t.app);
    const empty = await agent.get('/admin/maintenance').expect(200);
    expect(empty.text).toContain('No window announced yet.');
    expect(empty.text).toContain('href="/admin/maintenance" aria-current="page"');

    const posted = await agent
      .post('/admin/maintenance')
      .type('form')
      .send({ ...form, _csrf: csrf });
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe('/admin/maintenance?done=announced&told=0');
    const [row] = await t.db.knex('maintenance_windows').select('*');
    expect(row).toMatchObject({
      title: 'Kernel updates',
      scope_kind: 'hosts',
      scope_names: '["host1","host2"]',
      created_by: 'alice@example.net',
    });

    const list = await agent.get('/admin/maintenance?done=announced&told=0').expect(200);
    expect(list.text).toContain('Announced; the panels of 0 services were told.');
    expect(list.text).toContain('<time datetime="2026-12-10T02:00:00.000Z">2026-12-10 02:00</time>');
    expect(list.text).toContain('Hosts: host1, host2');
    expect(list.text).toContain('Upcoming');

    const cancelled = await agent.post(`/admin/maintenance/${row.id}/cancel`).type('form').send({ _csrf: csrf });
    expect(cancelled.status).toBe(303);
    const after = await agent.get('/admin/maintenance').expect(200);
    expect(after.text).toContain('Cancelled');
    expect(after.text).not.toContain('aria-label="Cancel window Kernel updates"');
  });

  test('when the form has an end before the start and no names, then it is shown again with both reasons and nothing is stored', async () => {
    const { agent, csrf } = await signedInAgent(t.app);
    const res = await agent
      .post('/admin/maintenance')
      .type('form')
      .send({ ...form, ends_at: '2026-12-10T01:00', scope_names: ' ', _csrf: csrf });
    expect(res.status).toBe(400);
    expect(res.text).toContain('The window was not announced');
    expect(res.text).toContain('id="ends_at-error"');
    expect(res.text).toContain('id="scope_names-error"');
    expect(res.text).toContain('value="Kernel updates"');
    expect(await t.db.knex('maintenance_windows').select('id')).toEqual([]);
  });

  test('when the form is posted without the CSRF token, then it is refused', async () => {
    const { agent } = await signedInAgent(t.app);
    const res = await agent.post('/admin/maintenance').type('form').send(form);
    expect(res.status).toBe(403);
    expect(await t.db.knex('maintenance_windows').select('id')).toEqual([]);
  });
});
