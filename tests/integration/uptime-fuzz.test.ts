/**
 * Bad input on the uptime, SSO and client-area routes: a clear 4xx, never a 5xx, no stack or SQL in the answer, and
 * nothing minted by a refused request.
 */
import fc from 'fast-check';
import request from 'supertest';
import { sendWebhook } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

const AUTH = `Bearer ${TEST_SECRETS.BILLING_API_KEY}`;
// Case matters: a random service id such as `er_` is echoed in a 404 and is no driver code.
const LEAK = /\bat [\w.<>]+ \(|node_modules|\bSELECT\b|\bINSERT INTO\b|\bER_[A-Z_]+|SQLITE_|sqlite3|mysql2/;

describe.each(databaseKinds)('uptime and SSO input on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
    await request(t.app).post('/api/v1/admin/plans').set('Authorization', t.adminAuth).send(planBody()).expect(201);
    await sendWebhook(t.app, { type: 'service.create', data: { service_id: '1001', client_id: '55', product_id: '7' } }).expect(202);
  });
  afterAll(async () => {
    await t.close();
  });

  const tokens = async () => Number((await t.db.knex('sso_tokens').count({ n: '*' }).first())?.n);

  test('when an SSO request carries any JSON body, then it is 201 for the right client and a named 4xx otherwise (property)', async () => {
    const before = await tokens();
    let minted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.jsonValue(), fc.record({ client_id: fc.oneof(fc.string(), fc.integer(), fc.constant('55'), fc.constant(55)) })),
        async (body) => {
          const res = await request(t.app)
            .post('/api/v1/services/1001/sso')
            .set('Authorization', AUTH)
            .send(body === null ? 'null' : (body as object))
            .set('Content-Type', 'application/json');
          expect([201, 400, 422]).toContain(res.status);
          expect(res.text).not.toMatch(LEAK);
          if (res.status === 201) minted += 1;
          else expect(res.body.error.code).toMatch(/^(validation_failed|client_mismatch|malformed_json)$/);
        },
      ),
      { numRuns: 120, seed: 20261201 },
    );
    expect((await tokens()) - before).toBe(minted);
  });

  test('when the uptime endpoints get any service id or query, then they answer 200, 400 or 404 and nothing leaks (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 60 }),
        fc.dictionary(fc.constantFrom('month', 'cursor', 'limit', 'x'), fc.string({ maxLength: 20 })),
        async (id, query) => {
          const one = await request(t.app)
            .get(`/api/v1/services/${encodeURIComponent(id)}/uptime`)
            .set('Authorization', AUTH);
          expect([200, 400, 404]).toContain(one.status);
          expect(one.text).not.toMatch(LEAK);
          const all = await request(t.app).get('/api/v1/uptime').query(query).set('Authorization', AUTH);
          expect([200, 400]).toContain(all.status);
          expect(all.text).not.toMatch(LEAK);
        },
      ),
      { numRuns: 120, seed: 20261201 },
    );
  });

  test('when the client area gets any token or cookie, then it refuses with a page and grants nothing (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 120 }), fc.string({ maxLength: 200 }), async (token, cookie) => {
        const sso = await request(t.app).get('/client/sso').query({ token });
        expect(sso.status).toBe(410);
        expect(sso.headers['set-cookie']).toBeUndefined();
        const page = await request(t.app)
          .get('/client/services/1001')
          .set('Cookie', `ohb_client=${encodeURIComponent(cookie)}`);
        expect(page.status).toBe(401);
        expect(page.text).not.toMatch(LEAK);
      }),
      { numRuns: 80, seed: 20261201 },
    );
  });

  test('when a service has never run, then its uptime is unmeasured rather than 100 %', async () => {
    const res = await request(t.app).get('/api/v1/services/1001/uptime').set('Authorization', AUTH).expect(200);
    expect(res.body.active_since).toBeNull();
    expect(res.body.windows['24h']).toMatchObject({ measured_seconds: 0, uptime_percent: null });
    expect(res.body.sla.sla).toMatchObject({ met: null, credit_percent: 0 });
  });

  test('when a plan names a time zone that does not exist, then the field is named and nothing is stored', async () => {
    const res = await request(t.app)
      .post('/api/v1/admin/plans')
      .set('Authorization', t.adminAuth)
      .send(planBody({ product_id: '99', sla: { target_percent: 99.9, credit_tiers: [], time_zone: 'Mars/Olympus' } }))
      .expect(400);
    expect(res.body.error.details).toEqual([{ field: 'sla.time_zone', message: expect.stringMatching(/IANA time zone/) }]);
    const amsterdam = await request(t.app)
      .post('/api/v1/admin/plans')
      .set('Authorization', t.adminAuth)
      .send(
        planBody({
          product_id: '98',
          sla: { target_percent: 99.9, credit_tiers: [], time_zone: 'Europe/Amsterdam', unknown_counts_as_down: false },
        }),
      )
      .expect(201);
    expect(amsterdam.body.sla).toMatchObject({ time_zone: 'Europe/Amsterdam', unknown_counts_as_down: false });
  });
});
