/**
 * GET /api/v1/services?actual_state=…&cursor=…&limit=…: a page of services in the given states, with when the work
 * each waits for was asked: what the WHMCS module's cron reads to tell the admins about orders that are stuck or
 * failed. No engine and no worker here: the services stay where the webhooks and the test put them.
 */
import request from 'supertest';
import { sendWebhook } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

const AUTH = `Bearer ${TEST_SECRETS.BILLING_API_KEY}`;

interface Listed {
  service_id: string;
  client_id: string;
  product_id: string | null;
  desired_state: string;
  actual_state: string;
  last_error: string | null;
  waiting_since: string | null;
  created_at: string;
  updated_at: string;
}

describe.each(databaseKinds)('GET /api/v1/services on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
    await request(t.app)
      .post('/api/v1/admin/plans')
      .set('Authorization', t.adminAuth)
      .send(planBody({ product_id: '7' }))
      .expect(201);
    for (const id of ['801', '802', '803', '804']) {
      await sendWebhook(t.app, { type: 'service.create', data: { service_id: id, client_id: '55', product_id: '7' } }).expect(202);
    }
    // 802 is being built, 803 failed (its job died), 804 runs.
    const knex = t.db.knex;
    await knex('services')
      .where({ billing_service_id: '802' })
      .update({ actual_state: 'provisioning', last_error: 'retrying: the engine answered 500' });
    const failed = (await knex('services').where({ billing_service_id: '803' }).first('id')) as { id: number };
    await knex('services')
      .where({ id: failed.id })
      .update({ actual_state: 'failed', last_error: 'The engine does not know template "debian-12"' });
    await knex('jobs').where({ service_row_id: failed.id }).update({ state: 'dead' });
    await knex('services').where({ billing_service_id: '804' }).update({ actual_state: 'active' });
  });
  afterAll(async () => {
    await t.close();
  });

  const list = (query: string, auth = AUTH) => request(t.app).get(`/api/v1/services${query}`).set('Authorization', auth);

  test('services in the given states, in order, with the last error and since when their work waits', async () => {
    const res = await list('?actual_state=pending,provisioning,failed').expect(200);
    const services = res.body.services as Listed[];
    expect(services.map((s) => [s.service_id, s.actual_state])).toEqual([
      ['801', 'pending'],
      ['802', 'provisioning'],
      ['803', 'failed'],
    ]);
    expect(res.body.next_cursor).toBeNull();
    expect(Object.keys(services[1] as Listed).sort()).toEqual(
      [
        'service_id',
        'client_id',
        'product_id',
        'desired_state',
        'actual_state',
        'last_error',
        'waiting_since',
        'created_at',
        'updated_at',
      ].sort(),
    );
    expect(services[1]).toMatchObject({
      client_id: '55',
      product_id: '7',
      desired_state: 'active',
      last_error: 'retrying: the engine answered 500',
    });

    // waiting_since is when its reconcile job was queued; a failed service has none waiting.
    const jobs = (await t.db
      .knex('jobs')
      .join('services', 'jobs.service_row_id', 'services.id')
      .select('services.billing_service_id', 'jobs.created_at')) as Array<{
      billing_service_id: string;
      created_at: unknown;
    }>;
    const queued = jobs.find((j) => j.billing_service_id === '802');
    const at = queued?.created_at instanceof Date ? queued.created_at : new Date(Number(queued?.created_at));
    expect(services[1]?.waiting_since).toBe(at.toISOString());
    expect(services[2]).toMatchObject({ waiting_since: null, last_error: 'The engine does not know template "debian-12"' });

    const everything = await list('').expect(200);
    expect((everything.body.services as Listed[]).map((s) => s.service_id)).toEqual(['801', '802', '803', '804']);
  });

  test('a page at a time: next_cursor until the last page', async () => {
    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const query: string = `?actual_state=pending,provisioning,failed&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await list(query).expect(200);
      seen.push(...(res.body.services as Listed[]).map((s) => s.service_id));
      cursor = res.body.next_cursor as string | null;
      pages += 1;
    }
    expect(seen).toEqual(['801', '802', '803']);
    expect(pages).toBe(2);
  });

  test('bad query parameters are refused with 400 naming each; without the key 401', async () => {
    const bad = await list('?actual_state=provisioning,stuck&cursor=abc&limit=0&colour=red').expect(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect((bad.body.error.details as Array<{ field: string }>).map((d) => d.field).sort()).toEqual([
      'actual_state',
      'colour',
      'cursor',
      'limit',
    ]);
    expect((await list('?limit=1001').expect(400)).body.error.details[0]).toEqual({ field: 'limit', message: 'must be 1-1000' });
    await list('?actual_state=failed', 'Bearer wrong').expect(401);
  });
});
