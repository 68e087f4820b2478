/**
 * Issue 21: client sessions end at sign-out (server-side, like the admin's), and a malformed session cookie (say one
 * set on the provider's parent domain) is answered as if there were none, on every console and client page and at
 * sign-in, never with a 500.
 */
import request from 'supertest';
import { ManualClock } from '../../server/clock';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createAdmin, csrfOf, signedInAgent } from '../helpers/admin-console';
import { sendWebhook } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

const BILLING_AUTH = `Bearer ${TEST_SECRETS.BILLING_API_KEY}`;
/** Cookie values that do not percent-decode (decodeURIComponent throws on each). */
const MALFORMED = ['%', '%E0%A4%A', '%zz', '%C0%80', '%ED%A0%80'];

describe.each(databaseKinds)('session cookies on %s', (kind) => {
  let t: TestApp;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock('2026-12-01T10:00:00Z');
    t = await createTestApp(kind, { clock });
    await request(t.app).post('/api/v1/admin/plans').set('Authorization', t.adminAuth).send(planBody()).expect(201);
    await sendWebhook(t.app, { type: 'service.create', data: { service_id: '1001', client_id: '55', product_id: '7' } }).expect(202);
    await createAdmin(t);
  });
  afterEach(async () => {
    await t.close();
  });

  /** The `ohb_client=…` pair the customer's browser gets from a one-time link. */
  const clientCookie = async (): Promise<string> => {
    const link = await request(t.app)
      .post('/api/v1/services/1001/sso')
      .set('Authorization', BILLING_AUTH)
      .send({ client_id: '55' })
      .expect(201);
    const url = new URL(link.body.url as string);
    const res = await request(t.app)
      .get(url.pathname + url.search)
      .expect(303);
    return String(res.headers['set-cookie']).split(';')[0] as string;
  };
  const sessions = async () => Number((await t.db.knex('client_sessions').count({ n: '*' }).first())?.n);

  test('when a client signs out, then the old cookie no longer opens any page and the session is gone from the database', async () => {
    const cookie = await clientCookie();
    const page = await request(t.app).get('/client/services/1001').set('Cookie', cookie).expect(200);
    expect(page.text).toMatch(/<form class="client-signout" method="post" action="\/client\/logout">/);
    expect(await sessions()).toBe(1);

    const out = await request(t.app).post('/client/logout').set('Cookie', cookie).expect(200);
    expect(String(out.headers['set-cookie'])).toMatch(/ohb_client=;/);

    await request(t.app).get('/client/services/1001').set('Cookie', cookie).expect(401);
    await request(t.app).get('/client/services').set('Cookie', cookie).expect(401);
    expect(await sessions()).toBe(0);
  });

  test('when one client signs out, then their other session (another browser) stays signed in', async () => {
    const [first, second] = [await clientCookie(), await clientCookie()];
    await request(t.app).post('/client/logout').set('Cookie', first).expect(200);
    await request(t.app).get('/client/services/1001').set('Cookie', first).expect(401);
    await request(t.app).get('/client/services/1001').set('Cookie', second).expect(200);
  });

  test('when a client session passes its end, then it opens nothing and housekeeping removes it', async () => {
    const cookie = await clientCookie();
    clock.advance(t.container.config.client.sessionTtlSeconds * 1000 + 1000);
    await request(t.app).get('/client/services/1001').set('Cookie', cookie).expect(401);
    expect(await t.container.clientSessions.purge()).toBe(1);
  });

  test.each(MALFORMED)('when the client cookie is %p, then the client pages answer as if there were no cookie', async (value) => {
    const none = await request(t.app).get('/client/services/1001').expect(401);
    const res = await request(t.app).get('/client/services/1001').set('Cookie', `ohb_client=${value}`).expect(401);
    expect(res.text).toBe(none.text);
    await request(t.app).get('/client/services').set('Cookie', `ohb_client=${value}`).expect(401);
    await request(t.app).post('/client/logout').set('Cookie', `ohb_client=${value}`).expect(200);
    // The one-time link still signs in, and the new session opens the page despite the bad cookie beside it.
    const cookie = await clientCookie();
    await request(t.app).get('/client/services/1001').set('Cookie', `ohb_client=${value}; ${cookie}`).expect(200);
  });

  test.each(MALFORMED)(
    'when the admin cookies are %p, then the console answers as if there were none, and sign-in works',
    async (value) => {
      const bad = `ohb_admin=${value}; ohb_login=${value}; ohb_client=${value}`;
      const page = await request(t.app).get('/admin/plans').set('Cookie', bad).expect(303);
      expect(page.headers.location).toBe('/admin/login?next=%2Fadmin%2Fplans');
      await request(t.app).get('/admin').set('Cookie', bad).expect(303);
      await request(t.app).post('/admin/logout').set('Cookie', bad).type('form').send({ _csrf: 'x' }).expect(303);

      const form = await request(t.app).get('/admin/login').set('Cookie', bad).expect(200);
      const login = String(form.headers['set-cookie']).split(';')[0] as string;
      // The browser sends the parent domain's cookie beside ours; the form's own token still matches ours.
      const signIn = await request(t.app)
        .post('/admin/login')
        .set('Cookie', `ohb_admin=${value}; ohb_login=${value}; ${login}`)
        .type('form')
        .send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD, _csrf: csrfOf(form.text) })
        .expect(303);
      const session = String(signIn.headers['set-cookie']).match(/ohb_admin=[^;]+/)?.[0] as string;
      await request(t.app).get('/admin/plans').set('Cookie', `ohb_admin=${value}; ${session}`).expect(200);
    },
  );

  test('when a signed-in admin also carries a parent-domain cookie of the same name, then the console still opens', async () => {
    const { agent } = await signedInAgent(t.app);
    const own = (await agent.get('/admin')).request.cookies;
    await request(t.app)
      .get('/admin')
      .set('Cookie', `ohb_admin=${'A'.repeat(43)}; ${own}`)
      .expect(200);
  });
});

describe.each(databaseKinds)('session cookies behind https on %s', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind, { env: { PUBLIC_URL: 'https://bridge.test' } });
    await request(t.app).post('/api/v1/admin/plans').set('Authorization', t.adminAuth).send(planBody()).expect(201);
    await sendWebhook(t.app, { type: 'service.create', data: { service_id: '1001', client_id: '55', product_id: '7' } }).expect(202);
    await createAdmin(t);
  });
  afterEach(async () => {
    await t.close();
  });

  test('when the public URL is https, then the client cookie is __Host-ohb_client on Path=/, and the plain name is not ours', async () => {
    const link = await request(t.app)
      .post('/api/v1/services/1001/sso')
      .set('Authorization', BILLING_AUTH)
      .send({ client_id: '55' })
      .expect(201);
    const url = new URL(link.body.url as string);
    const res = await request(t.app)
      .get(url.pathname + url.search)
      .expect(303);
    const set = String(res.headers['set-cookie']);
    expect(set).toMatch(/^__Host-ohb_client=[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/);
    const cookie = set.split(';')[0] as string;
    const token = cookie.slice(cookie.indexOf('=') + 1);
    await request(t.app).get('/client/services/1001').set('Cookie', cookie).expect(200);
    // A parent domain can set `ohb_client`, never `__Host-ohb_client`: the plain name opens nothing here.
    await request(t.app).get('/client/services/1001').set('Cookie', `ohb_client=${token}`).expect(401);

    const out = await request(t.app).post('/client/logout').set('Cookie', cookie).expect(200);
    expect(String(out.headers['set-cookie'])).toMatch(/^__Host-ohb_client=; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/);
    await request(t.app).get('/client/services/1001').set('Cookie', cookie).expect(401);
  });

  test('when the public URL is https, then the console signs in with __Host- cookies on Path=/, and the plain names are not ours', async () => {
    const form = await request(t.app).get('/admin/login').expect(200);
    const loginSet = String(form.headers['set-cookie']);
    expect(loginSet).toMatch(/^__Host-ohb_login=[A-Za-z0-9_-]+; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    const login = loginSet.split(';')[0] as string;
    const plainLogin = login.replace('__Host-', '');
    const send = (cookie: string) =>
      request(t.app)
        .post('/admin/login')
        .set('Cookie', cookie)
        .type('form')
        .send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD, _csrf: csrfOf(form.text) });
    await send(plainLogin).expect(403);
    const signIn = await send(login).expect(303);
    const sessionSet = (signIn.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('__Host-ohb_admin=')) as string;
    expect(sessionSet).toMatch(/^__Host-ohb_admin=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    const session = sessionSet.split(';')[0] as string;
    const home = await request(t.app).get('/admin').set('Cookie', session).expect(200);
    await request(t.app).get('/admin').set('Cookie', session.replace('__Host-', '')).expect(303);

    const out = await request(t.app)
      .post('/admin/logout')
      .set('Cookie', session)
      .type('form')
      .send({ _csrf: csrfOf(home.text) })
      .expect(303);
    expect(String(out.headers['set-cookie'])).toMatch(/^__Host-ohb_admin=; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Strict$/);
    await request(t.app).get('/admin').set('Cookie', session).expect(303);
  });
});
