/** Issue 21: client sessions end at sign-out (server-side, like the admin's). */
import request from 'supertest';
import { ManualClock } from '../../server/clock';
import { createAdmin } from '../helpers/admin-console';
import { sendWebhook } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

const BILLING_AUTH = `Bearer ${TEST_SECRETS.BILLING_API_KEY}`;

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
    const link = await request(t.app).post('/api/v1/services/1001/sso').set('Authorization', BILLING_AUTH).send({ client_id: '55' }).expect(201);
    const url = new URL(link.body.url as string);
    const res = await request(t.app).get(url.pathname + url.search).expect(303);
    return String(res.headers['set-cookie']).split(';')[0] as string;
  };
  const sessions = async () => Number((await t.db.knex('client_sessions').count({ n: '*' }).first())?.n);

  test('when a client signs out, then the old cookie no longer opens any page and the session is gone from the database', async () => {
    const cookie = await clientCookie();
    await request(t.app).get('/client/services/1001').set('Cookie', cookie).expect(200);
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
});
