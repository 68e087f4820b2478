/**
 * POST /webhooks/billing/verify: the panel's connection test of its webhook secret (the WHMCS module's Test
 * Connection). 204 for a good signature, 401 for a bad or stale one, 400 without the headers; nothing is recorded,
 * it is not counted in webhooks_received_total, and refused signatures count towards the same abuse limit as on
 * /webhooks/billing.
 */
import request from 'supertest';
import { signedHeaders } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { parseExposition, samplesOf } from '../helpers/prometheus';
import { createTestApp, type TestApp } from '../helpers/test-app';

const otherSecret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const body = '{"type":"connection_test"}';

describe.each(databaseKinds)('POST /webhooks/billing/verify on %s', (kind) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const verify = (app: TestApp, headers: Record<string, string>, from = '198.51.100.7') =>
    request(app.app).post('/webhooks/billing/verify').set(headers).set('X-Forwarded-For', from).send(body);
  const counts = async (app: TestApp) => ({
    services: Number((await app.db.knex('services').count({ n: '*' }).first())?.n),
    deliveries: Number((await app.db.knex('webhook_deliveries').count({ n: '*' }).first())?.n),
    jobs: Number((await app.db.knex('jobs').count({ n: '*' }).first())?.n),
  });

  test('a good signature gets 204, a wrong, stale or missing one 401 or 400; nothing is recorded or counted as a webhook', async () => {
    t = await createTestApp(kind);
    const good = await verify(t, signedHeaders(body, 'whmcs_connection_test_1'));
    expect(good.status).toBe(204);
    expect(good.text).toBe('');

    const wrong = await verify(t, signedHeaders(body, 'whmcs_connection_test_2', new Date(), otherSecret));
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({ code: 'unauthorized', message: 'The webhook signature does not match.' });
    const stale = await verify(t, signedHeaders(body, 'whmcs_connection_test_3', new Date(Date.now() - 6 * 60_000)));
    expect(stale.status).toBe(401);
    expect(stale.body.error.message).toMatch(/five-minute/);
    const bare = await request(t.app).post('/webhooks/billing/verify').set('content-type', 'application/json').send(body);
    expect(bare.status).toBe(400);
    expect(bare.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'header.webhook-id',
      'header.webhook-timestamp',
      'header.webhook-signature',
    ]);

    expect(await counts(t)).toEqual({ services: 0, deliveries: 0, jobs: 0 });
    const metrics = await request(t.app).get('/metrics').expect(200);
    expect(samplesOf(parseExposition(metrics.text), 'ovirt_ha_bridge_webhooks_received_total')).toEqual([]);
  });

  test('refused signatures count towards RATE_LIMIT_AUTH_FAILURES with the webhooks: past it the address gets 429 with Retry-After', async () => {
    t = await createTestApp(kind, { env: { TRUST_PROXY: '1', RATE_LIMIT_AUTH_FAILURES: '3', RATE_LIMIT_AUTH_WINDOW_SECONDS: '600' } });
    for (let i = 0; i < 3; i++) expect((await verify(t, signedHeaders(body, `bad_${i}`, new Date(), otherSecret))).status).toBe(401);
    const held = await verify(t, signedHeaders(body, 'good_after'));
    expect(held.status).toBe(429);
    expect(Number(held.headers['retry-after'])).toBeGreaterThan(500);
    // The same address is held back on the webhooks themselves, another address is not.
    const webhook = await request(t.app)
      .post('/webhooks/billing')
      .set(signedHeaders(body, 'msg_after'))
      .set('X-Forwarded-For', '198.51.100.7')
      .send(body);
    expect(webhook.status).toBe(429);
    expect((await verify(t, signedHeaders(body, 'good_elsewhere'), '198.51.100.8')).status).toBe(204);
  });
});
