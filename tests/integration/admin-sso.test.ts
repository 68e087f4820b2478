/**
 * The billing panel's one-time links into the admin console (WHMCS's AdminSingleSignOn): minted
 * with the billing API key for a staff user name, valid once and for a minute, stored only as a hash, and landing in
 * the console as `whmcs:<username>`, an account nobody can sign in to with a password.
 */
import request from 'supertest';
import { ManualClock } from '../../server/clock';
import { csrfOf } from '../helpers/admin-console';
import { databaseKinds } from '../helpers/databases';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

const PANEL = `Bearer ${TEST_SECRETS.BILLING_API_KEY}`;

describe.each(databaseKinds)('admin console links for the billing panel, on %s', (kind) => {
  let t: TestApp;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock(new Date('2026-12-06T04:00:00Z'));
    t = await createTestApp(kind, { clock });
  });
  afterEach(async () => {
    await t.close();
  });

  const mint = (body: object, auth = PANEL) => request(t.app).post('/api/v1/admin-sso').set('Authorization', auth).send(body);
  const pathOf = (url: string) => {
    const u = new URL(url);
    return u.pathname + u.search;
  };

  test('when the panel mints a link, then it signs the staff user in once as whmcs:<username>, and only its hash is stored', async () => {
    await mint({ username: 'alice' }, 'Bearer wrong').expect(401);
    await request(t.app).post('/api/v1/admin-sso').set('Authorization', t.adminAuth).send({ username: 'alice' }).expect(401);
    expect((await mint({ username: 'alice@example.net' }).expect(400)).body.error.details[0]).toMatchObject({ field: 'username' });
    await mint({ username: 'alice', role: 'root' }).expect(400);

    const link = await mint({ username: 'Alice' }).expect(201);
    expect(link.body).toMatchObject({ admin: 'whmcs:alice', expires_at: '2026-12-06T04:01:00.000Z' });
    expect(link.headers['cache-control']).toBe('no-store');
    const token = new URL(link.body.url as string).searchParams.get('token') ?? '';
    expect(JSON.stringify(await t.db.knex('admin_sso_tokens').select())).not.toContain(token);

    const agent = request.agent(t.app);
    const landing = await agent.get(pathOf(link.body.url as string)).expect(200);
    expect(landing.text).toContain('Signed in as whmcs:alice');
    expect(landing.text).toContain('http-equiv="refresh" content="0;url=/admin"');
    expect(String(landing.headers['set-cookie'])).toMatch(/ohb_admin=.*HttpOnly.*SameSite=Strict/i);
    const console = await agent.get('/admin').expect(200);
    expect(console.text).toContain('whmcs:alice');
    // The session acts like any other: it has a CSRF token for the console's forms.
    expect(csrfOf(console.text)).toMatch(/^[A-Za-z0-9_-]{20,}$/);

    // Once only.
    await request(t.app)
      .get(pathOf(link.body.url as string))
      .expect(410);
    // The account has no password anyone knows: the sign-in form refuses it.
    const form = request.agent(t.app);
    const page = await form.get('/admin/login').expect(200);
    await form
      .post('/admin/login')
      .type('form')
      .send({ email: 'whmcs:alice', password: 'anything at all', _csrf: csrfOf(page.text) })
      .expect(401);

    // A second link for the same user reuses the account.
    const again = await mint({ username: 'alice' }).expect(201);
    await request(t.app)
      .get(pathOf(again.body.url as string))
      .expect(200);
    expect(await t.db.knex('admin_users').where({ email: 'whmcs:alice' }).count({ n: '*' }).first()).toMatchObject({ n: 1 });

    // Removing the account (npm run admin -- delete whmcs:alice) ends its sessions at once.
    await t.container.adminAccounts.remove('whmcs:alice');
    await agent.get('/admin').expect(303);
  });

  test('when a link is opened after its minute, then it is refused and no session starts', async () => {
    const link = await mint({ username: 'bob' }).expect(201);
    clock.advance(61_000);
    const res = await request(t.app)
      .get(pathOf(link.body.url as string))
      .expect(410);
    expect(res.text).toContain('already used or has expired');
    expect(res.headers['set-cookie'] ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/^ohb_admin=/)]));
    expect(await t.db.knex('admin_sessions').count({ n: '*' }).first()).toMatchObject({ n: 0 });
  });
});
