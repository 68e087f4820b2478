/**
 * Another client's service in the client area: it must not be told apart from a missing one, not
 * even by how long the answer takes. Rather than time answers, this checks the cause: the owner is decided from the
 * service row before any report is built, so no incident, timeline or plan is read for a service that is not yours.
 */
import request from 'supertest';
import { sendWebhook } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

describe.each(databaseKinds)('the client area and services of other clients on %s', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind);
    await request(t.app)
      .post('/api/v1/admin/plans')
      .set('Authorization', t.adminAuth)
      .send(planBody({ product_id: '7' }))
      .expect(201);
    await sendWebhook(t.app, { type: 'service.create', data: { service_id: '5001', client_id: '55', product_id: '7' } }).expect(202);
    await sendWebhook(t.app, { type: 'service.create', data: { service_id: '5002', client_id: '66', product_id: '7' } }).expect(202);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await t.close();
  });

  /** Signs client 55 in through a one-time link for its own service; returns the session cookie. */
  async function signIn(): Promise<string> {
    const link = await request(t.app)
      .post('/api/v1/services/5001/sso')
      .set('Authorization', `Bearer ${TEST_SECRETS.BILLING_API_KEY}`)
      .send({ client_id: '55' })
      .expect(201);
    const url = new URL(link.body.url);
    const signedIn = await request(t.app)
      .get(url.pathname + url.search)
      .expect(303);
    return String(signedIn.headers['set-cookie']);
  }

  test("when a customer asks for another client's service, then 404 like a missing one, and no report is built for it", async () => {
    const cookie = await signIn();
    const build = jest.spyOn(t.container.uptime, 'forService');
    const incidents = jest.spyOn(t.container.repos.incidents, 'listForService');

    const foreign = await request(t.app).get('/client/services/5002').set('Cookie', cookie).set('Accept', 'text/html');
    const missing = await request(t.app).get('/client/services/5999').set('Cookie', cookie).set('Accept', 'text/html');

    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(build).not.toHaveBeenCalled();
    expect(incidents).not.toHaveBeenCalled();
    // The two answers differ only in the id the page repeats back.
    const page = (res: request.Response, id: string) => res.text.replaceAll(id, 'ID').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'REQ');
    expect(page(foreign, '5002')).toBe(page(missing, '5999'));

    // The spies do see a report being built: for the customer's own service.
    await request(t.app).get('/client/services/5001').set('Cookie', cookie).expect(200);
    expect(build).toHaveBeenCalledTimes(1);
    expect(incidents).toHaveBeenCalledTimes(1);
  });
});
