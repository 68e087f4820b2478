import fc from 'fast-check';
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { eventually, sendWebhook, signedHeaders } from '../helpers/billing';
import { databaseKinds, holdEveryConnection } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

const ALLOWED = new Set([202, 400, 401, 409, 413, 415, 422]);

describe.each(databaseKinds)('billing webhooks: refusals on %s', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    // No engine and no worker: these tests are about what the endpoint accepts and records.
    t = await createTestApp(kind);
    await request(t.app)
      .post('/api/v1/admin/plans')
      .set('Authorization', t.adminAuth)
      .send(planBody({ product_id: '7' }))
      .expect(201);
    await request(t.app)
      .post('/api/v1/admin/plans')
      .set('Authorization', t.adminAuth)
      .send(planBody({ product_id: '99', cluster: 'Other' }))
      .expect(201);
  });
  afterEach(async () => {
    await t.close();
  });

  const counts = async () => ({
    services: Number((await t.db.knex('services').count({ n: '*' }).first())?.n),
    deliveries: Number((await t.db.knex('webhook_deliveries').count({ n: '*' }).first())?.n),
    jobs: Number((await t.db.knex('jobs').count({ n: '*' }).first())?.n),
  });
  const createBody = JSON.stringify({ type: 'service.create', data: { service_id: '501', client_id: '55', product_id: '7' } });
  const post = (body: string, headers: Record<string, string>) => request(t.app).post('/webhooks/billing').set(headers).send(body);

  test('when a create is accepted, then the delivery, the service and one reconcile job are written together', async () => {
    const res = await post(createBody, signedHeaders(createBody, 'msg_ok_1'));
    expect(res.status).toBe(202);
    expect(await counts()).toEqual({ services: 1, deliveries: 1, jobs: 1 });
    const again = await post(createBody, signedHeaders(createBody, 'msg_ok_1'));
    expect(again.status).toBe(202);
    expect(again.body).toEqual(res.body);
    expect(await counts()).toEqual({ services: 1, deliveries: 1, jobs: 1 });
  });

  const tampered: Array<[string, () => [string, Record<string, string>]]> = [
    ['a tampered body', () => [createBody.replace('"501"', '"502"'), signedHeaders(createBody, 'msg_t1')]],
    ['a tampered id', () => [createBody, { ...signedHeaders(createBody, 'msg_t2'), 'webhook-id': 'msg_t3' }]],
    [
      'a tampered timestamp',
      () => [createBody, { ...signedHeaders(createBody, 'msg_t4'), 'webhook-timestamp': String(Math.floor(Date.now() / 1000) - 10) }],
    ],
    [
      'a signature by another secret',
      () => [createBody, signedHeaders(createBody, 'msg_t5', new Date(), `whsec_${Buffer.alloc(32, 9).toString('base64')}`)],
    ],
    ['a replay older than five minutes', () => [createBody, signedHeaders(createBody, 'msg_t6', new Date(Date.now() - 6 * 60_000))]],
    ['a timestamp in the future', () => [createBody, signedHeaders(createBody, 'msg_t7', new Date(Date.now() + 6 * 60_000))]],
    ['a garbage signature', () => [createBody, { ...signedHeaders(createBody, 'msg_t8'), 'webhook-signature': 'v1,AAAA' }]],
  ];
  test.each(tampered)('when it has %s, then 401 and nothing changes', async (_label, make) => {
    const [body, headers] = make();
    const res = await post(body, headers);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(await counts()).toEqual({ services: 0, deliveries: 0, jobs: 0 });
  });

  test('when headers are missing or malformed, then 400 names them', async () => {
    const res = await post(createBody, { 'content-type': 'application/json', 'webhook-id': 'has.dot', 'webhook-timestamp': 'soon' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'header.webhook-id',
      'header.webhook-timestamp',
      'header.webhook-signature',
    ]);
  });

  test('when the signed body is not JSON, then 400 malformed_json', async () => {
    const body = '{"type": "service.create",';
    const res = await post(body, signedHeaders(body, 'msg_bad_json'));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_json');
  });

  test('when the body is over the limit, then 413', async () => {
    const body = JSON.stringify({
      type: 'service.create',
      data: { service_id: '1', client_id: '1', product_id: '7', pad: 'x'.repeat(70 * 1024) },
    });
    const res = await post(body, signedHeaders(body, 'msg_big'));
    expect(res.status).toBe(413);
    expect(await counts()).toEqual({ services: 0, deliveries: 0, jobs: 0 });
  });

  test.each([
    ['an unknown type', { type: 'service.explode', data: { service_id: '1' } }, 'type'],
    ['a missing product', { type: 'service.create', data: { service_id: '1', client_id: '2' } }, 'data.product_id'],
    ['a bad service id', { type: 'service.create', data: { service_id: 'a b', client_id: '2', product_id: '7' } }, 'data.service_id'],
    [
      'a bad host name',
      { type: 'service.create', data: { service_id: '1', client_id: '2', product_id: '7', hostname: 'not a host' } },
      'data.hostname',
    ],
    ['an unknown top-level field', { type: 'service.terminate', data: { service_id: '1' }, extra: 1 }, 'extra'],
    [
      'a bad cancellation type',
      { type: 'service.cancellation_requested', data: { service_id: '1', cancellation_type: 'someday' } },
      'data.cancellation_type',
    ],
  ])('when the body has %s, then 400 names the field', async (_label, payload, field) => {
    const body = JSON.stringify(payload);
    const res = await post(body, signedHeaders(body, `msg_f_${Math.random().toString(36).slice(2)}`));
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(await counts()).toEqual({ services: 0, deliveries: 0, jobs: 0 });
  });

  test('when the product has no plan, then 422 explains it and nothing is created', async () => {
    const res = await sendWebhook(t.app, { type: 'service.create', data: { service_id: '601', client_id: '55', product_id: '404' } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: 'unknown_product',
      message: expect.stringMatching(/No plan is mapped to billing product 404/),
    });
    expect(await counts()).toEqual({ services: 0, deliveries: 0, jobs: 0 });
  });

  test('when a transition makes no sense, then 422 and the service is unchanged', async () => {
    await sendWebhook(t.app, { type: 'service.create', data: { service_id: '602', client_id: '55', product_id: '7' } }).expect(202);
    await sendWebhook(t.app, { type: 'service.terminate', data: { service_id: '602' } }).expect(202);
    const before = await counts();
    for (const type of ['service.unsuspend', 'service.suspend']) {
      const res = await sendWebhook(t.app, { type, data: { service_id: '602' } });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('service_terminated');
    }
    const unknown = await sendWebhook(t.app, { type: 'service.suspend', data: { service_id: '777' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('unknown_service');
    expect(await counts()).toEqual(before);
    expect((await t.db.knex('services').where({ billing_service_id: '602' }).first()).desired_state).toBe('terminated');
  });

  test('when a failed service is ordered again, then provisioning is queued once more', async () => {
    await sendWebhook(t.app, { type: 'service.create', data: { service_id: '607', client_id: '55', product_id: '7' } }).expect(202);
    await t.db.knex('services').where({ billing_service_id: '607' }).update({ actual_state: 'failed', last_error: 'template missing' });
    await t.db.knex('jobs').update({ state: 'dead', dedupe_key: null });
    const again = await sendWebhook(t.app, { type: 'service.create', data: { service_id: '607', client_id: '55', product_id: '7' } });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ applied: true, note: expect.stringMatching(/tried again/) });
    expect(await t.db.knex('jobs').where({ state: 'queued' }).count({ n: '*' }).first()).toMatchObject({ n: 1 });
    const twice = await sendWebhook(t.app, { type: 'service.create', data: { service_id: '607', client_id: '55', product_id: '7' } });
    expect(twice.body).toMatchObject({ applied: true });
    expect(Number((await t.db.knex('jobs').where({ state: 'queued' }).count({ n: '*' }).first())?.n)).toBe(1);
  });

  test('when a plan change moves to another cluster, then 422 plan_cluster_mismatch', async () => {
    await sendWebhook(t.app, { type: 'service.create', data: { service_id: '603', client_id: '55', product_id: '7' } }).expect(202);
    const res = await sendWebhook(t.app, { type: 'service.change_plan', data: { service_id: '603', product_id: '99' } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('plan_cluster_mismatch');
  });

  test('when a webhook id comes back with another body, then 422 and the first stays', async () => {
    await sendWebhook(t.app, {
      id: 'msg_reuse',
      type: 'service.create',
      data: { service_id: '604', client_id: '55', product_id: '7' },
    }).expect(202);
    const res = await sendWebhook(t.app, { id: 'msg_reuse', type: 'service.terminate', data: { service_id: '604' } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('webhook_id_reused');
    expect((await t.db.knex('services').where({ billing_service_id: '604' }).first()).desired_state).toBe('active');
  });

  test('when an event older than the last applied one arrives, then it is recorded and ignored', async () => {
    await sendWebhook(t.app, {
      type: 'service.create',
      timestamp: '2026-11-26T10:00:00Z',
      data: { service_id: '605', client_id: '55', product_id: '7' },
    }).expect(202);
    await sendWebhook(t.app, { type: 'service.suspend', timestamp: '2026-11-26T10:05:00Z', data: { service_id: '605' } }).expect(202);
    const late = await sendWebhook(t.app, { type: 'service.unsuspend', timestamp: '2026-11-26T10:01:00Z', data: { service_id: '605' } });
    expect(late.status).toBe(202);
    expect(late.body).toMatchObject({ applied: false, desired_state: 'suspended' });
  });

  test.each(['service.suspend', 'service.unsuspend', 'service.terminate', 'service.change_plan'])(
    'when %s names another client than the service has, then 422 client_mismatch and nothing changes',
    async (type) => {
      await sendWebhook(t.app, { type: 'service.create', data: { service_id: '610', client_id: '55', product_id: '7' } }).expect(202);
      if (type === 'service.unsuspend')
        await sendWebhook(t.app, { type: 'service.suspend', data: { service_id: '610', client_id: '55' } }).expect(202);
      const before = { counts: await counts(), row: await t.db.knex('services').where({ billing_service_id: '610' }).first() };
      const data = { service_id: '610', client_id: '56', ...(type === 'service.change_plan' ? { product_id: '7' } : {}) };
      const res = await sendWebhook(t.app, { type, data });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'client_mismatch', details: { service_id: '610', client_id: '56' } });
      expect(await counts()).toEqual(before.counts);
      expect(await t.db.knex('services').where({ billing_service_id: '610' }).first()).toEqual(before.row);
      // The same event with the service's own client (or with none) goes through.
      expect((await sendWebhook(t.app, { type, data: { ...data, client_id: 55 } })).status).toBe(202);
    },
  );

  test('when a body timestamp lies far in the future, then 400 and later events still apply', async () => {
    await sendWebhook(t.app, { type: 'service.create', data: { service_id: '611', client_id: '55', product_id: '7' } }).expect(202);
    const before = await counts();
    const future = await sendWebhook(t.app, { type: 'service.suspend', timestamp: '2099-01-01T00:00:00Z', data: { service_id: '611' } });
    expect(future.status).toBe(400);
    expect(future.body.error.details).toEqual([{ field: 'timestamp', message: expect.stringMatching(/5 minutes/) }]);
    expect(await counts()).toEqual(before);
    // A panel clock a little ahead of ours is fine.
    const skewed = new Date(Date.now() + 60_000).toISOString();
    expect((await sendWebhook(t.app, { type: 'service.suspend', timestamp: skewed, data: { service_id: '611' } })).body).toMatchObject({
      applied: true,
      desired_state: 'suspended',
    });
    const later = await sendWebhook(t.app, {
      type: 'service.unsuspend',
      timestamp: new Date(Date.now() + 120_000).toISOString(),
      data: { service_id: '611' },
    });
    expect(later.body).toMatchObject({ applied: true, desired_state: 'active' });
  });

  test('when cancellation is requested, then end of period is recorded and immediate terminates', async () => {
    await sendWebhook(t.app, { type: 'service.create', data: { service_id: '606', client_id: '55', product_id: '7' } }).expect(202);
    const later = await sendWebhook(t.app, {
      type: 'service.cancellation_requested',
      data: { service_id: '606', cancellation_type: 'end_of_period' },
    });
    expect(later.body).toMatchObject({ applied: false, desired_state: 'active' });
    const now = await sendWebhook(t.app, {
      type: 'service.cancellation_requested',
      data: { service_id: '606', cancellation_type: 'immediate' },
    });
    expect(now.body).toMatchObject({ applied: true, desired_state: 'terminated' });
    const read = await request(t.app).get('/api/v1/services/606').set('Authorization', `Bearer ${TEST_SECRETS.BILLING_API_KEY}`);
    expect(read.body.cancellation).toMatchObject({ type: 'immediate' });
  });

  test('when a burst of mixed deliveries arrives at once, then they are written in batches and each is answered as if alone', async () => {
    await sendWebhook(t.app, { type: 'service.create', data: { service_id: '650', client_id: '55', product_id: '7' } }).expect(202);
    await t.db.knex('jobs').update({ state: 'succeeded', dedupe_key: null });
    const create = (billingServiceId: string, productId = '7') => ({
      type: 'service.create',
      data: { service_id: billingServiceId, client_id: '55', product_id: productId },
    });
    const burst: Array<{ id?: string; type: string; data: Record<string, unknown>; expect: number; code?: string }> = [
      ...Array.from({ length: 20 }, (_, i) => ({ ...create(String(700 + i)), expect: 202 })),
      ...['800', '801', '802'].map((s) => ({ ...create(s, 'no-such-product'), expect: 422, code: 'unknown_product' })),
      { type: 'service.suspend', data: { service_id: '650' }, expect: 202 },
      { type: 'service.renew', data: { service_id: '650' }, expect: 202 },
      { type: 'service.suspend', data: { service_id: '900' }, expect: 422, code: 'unknown_service' },
      // The same delivery twice (a panel retry racing the first): both get the one answer.
      { id: 'msg_burst_twice', ...create('720'), expect: 202 },
      { id: 'msg_burst_twice', ...create('720'), expect: 202 },
    ];
    // With the pool held, the first deliveries' batches wait for a connection and the rest of the burst queues behind
    // them: they must be batched, however the requests interleave.
    const release = await holdEveryConnection(t.db.knex);
    const sending = Promise.all(burst.map((d) => sendWebhook(t.app, d)));
    // At most two batches (MySQL's concurrency) are taken before the pool frees up; the rest wait.
    await eventually(async () => t.container.billingEvents.waiting >= burst.length - 2);
    await release();
    const answers = await sending;
    answers.forEach((res, i) => {
      expect({ i, status: res.status }).toEqual({ i, status: burst[i]!.expect });
      if (burst[i]!.code) expect(res.body.error.code).toBe(burst[i]!.code);
    });
    for (const i of [0, 19]) expect(answers[i]!.body).toMatchObject({ applied: true, desired_state: 'active', actual_state: 'pending' });
    expect(answers[burst.length - 1]!.body).toEqual(answers[burst.length - 2]!.body);
    // Deliveries that waited for an open transaction were written together.
    expect(t.container.billingEvents.batchStats.largest).toBeGreaterThan(1);

    expect(await counts()).toEqual({ services: 22, deliveries: 1 + 20 + 2 + 1, jobs: 1 + 22 });
    expect((await t.db.knex('services').where({ billing_service_id: '650' }).first()).desired_state).toBe('suspended');
    const queued = await t.db.knex('jobs').where({ state: 'queued' }).select('service_row_id');
    const serviceRows = await t.db.knex('services').select('id');
    expect(new Set(queued.map((j) => Number(j.service_row_id)))).toEqual(new Set(serviceRows.map((s) => Number(s.id))));
  });

  test(
    'when more deliveries wait for the database than WEBHOOK_MAX_WAITING, then the extra ones get 503 with Retry-After at once and ' +
      'change nothing',
    async () => {
      const small = await createTestApp(kind, { env: { WEBHOOK_MAX_WAITING: '3' } });
      try {
        await request(small.app)
          .post('/api/v1/admin/plans')
          .set('Authorization', small.adminAuth)
          .send(planBody({ product_id: '7' }))
          .expect(201);
        const release = await holdEveryConnection(small.db.knex);
        const orders = Array.from({ length: 8 }, (_, i) => ({
          type: 'service.create',
          data: { service_id: String(600 + i), client_id: '55', product_id: '7' },
        }));
        const answered: request.Response[] = [];
        const sending = orders.map((o) => sendWebhook(small.app, o).then((res) => (answered.push(res), res)));
        // One batch per slot starts and waits for a connection (MySQL/MariaDB writes two at once, SQLite one), three
        // deliveries wait for the next batch, and the rest are answered at once while the database is still held.
        const inFlight = kind === 'mysql' ? 2 : 1;
        await eventually(async () => answered.length === orders.length - inFlight - 3);
        expect(small.container.billingEvents.waiting).toBe(3);
        const busy = [...answered];
        for (const res of busy) {
          expect(res.status).toBe(503);
          expect(res.headers['retry-after']).toBe('5');
          expect(res.body.error).toMatchObject({ code: 'service_unavailable', details: { waiting: 3 } });
        }
        await release();
        const answers = await Promise.all(sending);
        const accepted = answers.filter((r) => r.status === 202);
        expect(accepted).toHaveLength(inFlight + 3);
        const count = async (table: string) => Number((await small.db.knex(table).count({ n: '*' }).first())?.n);
        expect({ services: await count('services'), deliveries: await count('webhook_deliveries') }).toEqual({
          services: accepted.length,
          deliveries: accepted.length,
        });
      } finally {
        await small.close();
      }
    },
  );

  test('when the read API is called without the billing key, then 401; for an unknown service 404', async () => {
    expect((await request(t.app).get('/api/v1/services/1')).status).toBe(401);
    expect((await request(t.app).get('/api/v1/services/1').set('Authorization', 'Bearer wrong')).status).toBe(401);
    expect((await request(t.app).get('/api/v1/services/1').set('Authorization', t.adminAuth)).status).toBe(401);
    const missing = await request(t.app).get('/api/v1/services/1').set('Authorization', `Bearer ${TEST_SECRETS.BILLING_API_KEY}`);
    expect(missing.status).toBe(404);
  });

  test('when random bodies and headers are thrown at it, then no answer is a 5xx', async () => {
    const signer = new Webhook(TEST_SECRETS.WEBHOOK_SECRET);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc
            .record({
              type: fc.constantFrom(
                'service.create',
                'service.suspend',
                'service.unsuspend',
                'service.terminate',
                'service.change_plan',
                'service.cancellation_requested',
                'service.renew',
                'x',
              ),
              data: fc.record(
                {
                  service_id: fc.oneof(fc.constantFrom('1', '2', '501'), fc.string()),
                  client_id: fc.oneof(fc.constant('55'), fc.string()),
                  product_id: fc.oneof(fc.constantFrom('7', '99', '0'), fc.integer()),
                  cancellation_type: fc.constantFrom('immediate', 'end_of_period', 'x'),
                },
                { requiredKeys: [] },
              ),
            })
            .map((v) => JSON.stringify(v)),
          fc.string({ maxLength: 100 }),
        ),
        fc.oneof(fc.constant('valid'), fc.constant('none'), fc.string({ maxLength: 30 })),
        fc.string({ minLength: 1, maxLength: 20 }).map((s) => s.replace(/[^A-Za-z0-9_-]/g, '') || 'x'),
        async (body, signature, id) => {
          const at = new Date();
          const headers: Record<string, string> = {
            'content-type': 'application/json',
            'webhook-id': `msg_${id}`,
            'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          };
          if (signature === 'valid') headers['webhook-signature'] = signer.sign(headers['webhook-id']!, at, body);
          else if (signature !== 'none') headers['webhook-signature'] = signature;
          const res = await post(body, headers);
          if (!ALLOWED.has(res.status)) throw new Error(`${res.status} for ${body}: ${res.text}`);
        },
      ),
      { numRuns: kind === 'sqlite' ? 200 : 80 },
    );
  });
});
