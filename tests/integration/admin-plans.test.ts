import request from 'supertest';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { seedService } from '../helpers/seed';
import { createTestApp, type TestApp } from '../helpers/test-app';

const BASE = '/api/v1/admin/plans';

describe.each(databaseKinds)('admin plans API on %s', (kind) => {
  let t: TestApp;

  beforeEach(async () => {
    t = await createTestApp(kind);
  });
  afterEach(async () => {
    await t.close();
  });

  const post = (body: unknown) =>
    request(t.app)
      .post(BASE)
      .set('Authorization', t.adminAuth)
      .send(body as object);

  test('when a valid plan is created, then it is stored and answered in the documented shape', async () => {
    const res = await post(planBody());

    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`http://bridge.test${BASE}/${res.body.id}`);
    expect(res.body).toEqual({
      id: expect.any(Number),
      product_id: '7',
      name: 'VPS HA M',
      template: 'debian-12',
      cluster: 'Default',
      vcpus: 2,
      memory_mib: 4096,
      ha: { enabled: true, priority: 50, priority_label: 'medium' },
      sla: {
        target_percent: 99.9,
        credit_tiers: [
          { below_percent: 99.9, credit_percent: 5 },
          { below_percent: 99.5, credit_percent: 10 },
        ],
        unknown_counts_as_down: true,
        contact_loss_counts_as_down: false,
        unannounced_admin_stops_excluded: false,
        time_zone: 'UTC',
      },
      failover_gate: 'enforce',
      disk_gib: null,
      os_options: [],
      ip_pools: [],
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updated_at: expect.stringMatching(/Z$/),
    });
    const rows = await t.db.knex('plans').select('product_id', 'ha_priority');
    expect(rows).toEqual([{ product_id: '7', ha_priority: 50 }]);
  });

  test('when a plan names OS options, a disk size and IP pools, then they are stored, answered and patched', async () => {
    const os = [
      { key: 'debian-12', label: 'Debian 12', template: 'debian-12' },
      { key: 'alma-9', label: 'AlmaLinux 9', template: 'alma-9-tpl' },
    ];
    const res = await post(planBody({ os_options: os, disk_gib: 40, ip_pools: ['pub-v4', 'pub-v6'] }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ os_options: os, disk_gib: 40, ip_pools: ['pub-v4', 'pub-v6'] });

    const patched = await request(t.app)
      .patch(`${BASE}/${res.body.id}`)
      .set('Authorization', t.adminAuth)
      .send({ disk_gib: null, ip_pools: [] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ os_options: os, disk_gib: null, ip_pools: [] });
  });

  test('when OS options, disk size or pools are malformed, then 400 names each field and nothing is stored', async () => {
    const res = await post(
      planBody({
        os_options: [
          { key: 'Debian 12', label: 'Debian', template: 'debian-12' },
          { key: 'alma', label: '', template: 'alma' },
          { key: 'x', label: 'X' },
        ],
        disk_gib: 0,
        ip_pools: ['bad name'],
      }),
    );
    expect(res.status).toBe(400);
    const fields = (res.body.error.details as Array<{ field: string }>).map((d) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining(['os_options.0.key', 'os_options.1.label', 'os_options.2.template', 'disk_gib', 'ip_pools.0']),
    );
    expect(await t.db.knex('plans').count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  test('when an OS key or a pool appears twice, then 400 names the second one', async () => {
    const res = await post(
      planBody({
        os_options: [
          { key: 'debian-12', label: 'Debian 12', template: 'debian-12' },
          { key: 'debian-12', label: 'Debian 12 again', template: 'other' },
        ],
        ip_pools: ['a', 'a'],
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'os_options.1.key' }), expect.objectContaining({ field: 'ip_pools.1' })]),
    );
  });

  test('when the priority is given as low/medium/high and the product id as a number, then they are normalised', async () => {
    const res = await post(planBody({ product_id: 12, ha: { enabled: true, priority: 'High' } }));
    expect(res.status).toBe(201);
    expect(res.body.product_id).toBe('12');
    expect(res.body.ha).toEqual({ enabled: true, priority: 100, priority_label: 'high' });

    const low = await post(planBody({ product_id: '13', ha: { enabled: false, priority: 'low' } }));
    expect(low.body.ha).toEqual({ enabled: false, priority: 1, priority_label: 'low' });
  });

  test('when sla is left out, then the 99.9 % default without credits applies; tiers are kept highest first', async () => {
    const res = await post(planBody({ sla: undefined }));
    expect(res.status).toBe(201);
    expect(res.body.sla).toEqual({
      target_percent: 99.9,
      credit_tiers: [],
      unknown_counts_as_down: true,
      contact_loss_counts_as_down: false,
      unannounced_admin_stops_excluded: false,
      time_zone: 'UTC',
    });

    const unordered = await post(
      planBody({
        product_id: '8',
        sla: {
          target_percent: 99.95,
          credit_tiers: [
            { below_percent: 99, credit_percent: 25 },
            { below_percent: 99.95, credit_percent: 5 },
          ],
        },
      }),
    );
    expect(unordered.body.sla.credit_tiers.map((x: { below_percent: number }) => x.below_percent)).toEqual([99.95, 99]);
  });

  test('when plans exist, then list, filter by product and get answer them', async () => {
    const a = await post(planBody());
    await post(planBody({ product_id: '9', name: 'VPS HA L' }));

    const list = await request(t.app).get(BASE).set('Authorization', t.adminAuth);
    expect(list.status).toBe(200);
    expect(list.body.plans.map((p: { product_id: string }) => p.product_id)).toEqual(['7', '9']);

    const filtered = await request(t.app).get(`${BASE}?product_id=9`).set('Authorization', t.adminAuth);
    expect(filtered.body.plans).toHaveLength(1);
    expect(filtered.body.plans[0].name).toBe('VPS HA L');

    const one = await request(t.app).get(`${BASE}/${a.body.id}`).set('Authorization', t.adminAuth);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(a.body);
  });

  test('when a plan is replaced or patched, then the changes are stored and updated_at moves', async () => {
    const created = (await post(planBody())).body;

    const put = await request(t.app)
      .put(`${BASE}/${created.id}`)
      .set('Authorization', t.adminAuth)
      .send(planBody({ name: 'VPS HA M2', vcpus: 4 }));
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: created.id, name: 'VPS HA M2', vcpus: 4, created_at: created.created_at });

    const patch = await request(t.app)
      .patch(`${BASE}/${created.id}`)
      .set('Authorization', t.adminAuth)
      .send({ ha: { priority: 'high' }, sla: { target_percent: 99.95 } });
    expect(patch.status).toBe(200);
    expect(patch.body.ha).toEqual({ enabled: true, priority: 100, priority_label: 'high' });
    expect(patch.body.sla.target_percent).toBe(99.95);
    expect(patch.body.name).toBe('VPS HA M2');
    expect(Date.parse(patch.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(created.updated_at));

    const stored = await t.db.knex('plans').where({ id: created.id }).first();
    expect(Number(stored.ha_priority)).toBe(100);
    expect(Number(stored.sla_target_percent)).toBeCloseTo(99.95);
  });

  test('when a plan is deleted, then it is gone and a second delete is 404', async () => {
    const created = (await post(planBody())).body;
    const del = await request(t.app).delete(`${BASE}/${created.id}`).set('Authorization', t.adminAuth);
    expect(del.status).toBe(204);
    expect(await t.db.knex('plans').count({ n: '*' }).first()).toEqual({ n: 0 });
    const again = await request(t.app).delete(`${BASE}/${created.id}`).set('Authorization', t.adminAuth);
    expect(again.status).toBe(404);
  });

  test('when services still use a plan, then deleting it is refused with 409 and nothing changes', async () => {
    const created = (await post(planBody())).body;
    await seedService(t.db.knex, { billingServiceId: '1001', clientId: '55', planId: created.id, actualState: 'active' });

    const res = await request(t.app).delete(`${BASE}/${created.id}`).set('Authorization', t.adminAuth);

    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('plan_in_use');
    expect(res.body.error.message).toMatch(/used by 1 service/);
    expect(await t.db.knex('plans').where({ id: created.id }).first()).toBeDefined();
  });

  test('when the product id is taken, then create, replace and patch answer 409 and change nothing', async () => {
    const first = (await post(planBody())).body;
    const second = (await post(planBody({ product_id: '8' }))).body;

    const dup = await post(planBody({ name: 'Another' }));
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'duplicate_product_id', details: { product_id: '7' } });

    const put = await request(t.app).put(`${BASE}/${second.id}`).set('Authorization', t.adminAuth).send(planBody());
    expect(put.status).toBe(409);
    const patch = await request(t.app).patch(`${BASE}/${second.id}`).set('Authorization', t.adminAuth).send({ product_id: '7' });
    expect(patch.status).toBe(409);

    const rows = await t.db.knex('plans').orderBy('id').select('id', 'product_id', 'name');
    expect(rows).toEqual([
      { id: first.id, product_id: '7', name: 'VPS HA M' },
      { id: second.id, product_id: '8', name: 'VPS HA M' },
    ]);
  });

  test('when the plan does not exist, then get, put, patch and delete answer 404', async () => {
    for (const [method, body] of [['get'], ['put', planBody()], ['patch', { name: 'x' }], ['delete']] as const) {
      const res = await request(t.app)[method](`${BASE}/4242`).set('Authorization', t.adminAuth).send(body);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });

  describe('bad input', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['missing name', planBody({ name: undefined }), 'name'],
      ['missing ha', planBody({ ha: undefined }), 'ha'],
      ['vcpus as a string', planBody({ vcpus: '2' }), 'vcpus'],
      ['vcpus fractional', planBody({ vcpus: 1.5 }), 'vcpus'],
      ['vcpus zero', planBody({ vcpus: 0 }), 'vcpus'],
      ['vcpus too many', planBody({ vcpus: 1000 }), 'vcpus'],
      ['memory too small', planBody({ memory_mib: 64 }), 'memory_mib'],
      ['memory too large', planBody({ memory_mib: 10_000_000 }), 'memory_mib'],
      ['priority above 100', planBody({ ha: { enabled: true, priority: 101 } }), 'ha.priority'],
      ['priority negative', planBody({ ha: { enabled: true, priority: -1 } }), 'ha.priority'],
      ['priority unknown word', planBody({ ha: { enabled: true, priority: 'urgent' } }), 'ha.priority'],
      ['ha.enabled as string', planBody({ ha: { enabled: 'yes', priority: 50 } }), 'ha.enabled'],
      ['sla target above 100', planBody({ sla: { target_percent: 100.5, credit_tiers: [] } }), 'sla.target_percent'],
      ['sla target zero', planBody({ sla: { target_percent: 0, credit_tiers: [] } }), 'sla.target_percent'],
      ['sla target 4 decimals', planBody({ sla: { target_percent: 99.9999, credit_tiers: [] } }), 'sla.target_percent'],
      [
        'tier credit above 100',
        planBody({ sla: { target_percent: 99.9, credit_tiers: [{ below_percent: 99, credit_percent: 150 }] } }),
        'sla.credit_tiers.0.credit_percent',
      ],
      [
        'tier above target',
        planBody({ sla: { target_percent: 99.5, credit_tiers: [{ below_percent: 99.9, credit_percent: 5 }] } }),
        'sla.credit_tiers.0.below_percent',
      ],
      [
        'tier repeated',
        planBody({
          sla: {
            target_percent: 99.9,
            credit_tiers: [
              { below_percent: 99, credit_percent: 5 },
              { below_percent: 99, credit_percent: 10 },
            ],
          },
        }),
        'sla.credit_tiers.1.below_percent',
      ],
      [
        'credit shrinking as uptime drops',
        planBody({
          sla: {
            target_percent: 99.9,
            credit_tiers: [
              { below_percent: 99.9, credit_percent: 10 },
              { below_percent: 99, credit_percent: 5 },
            ],
          },
        }),
        'sla.credit_tiers',
      ],
      ['unknown field', planBody({ colour: 'blue' }), 'colour'],
      ['unknown nested field', planBody({ ha: { enabled: true, priority: 1, lease: true } }), 'ha.lease'],
      ['product id with spaces', planBody({ product_id: 'a b' }), 'product_id'],
      ['product id too long', planBody({ product_id: 'x'.repeat(65) }), 'product_id'],
      ['empty template', planBody({ template: '   ' }), 'template'],
      ['name with control character', planBody({ name: 'VPS\u0000' }), 'name'],
      ['name too long', planBody({ name: 'n'.repeat(101) }), 'name'],
      ['body is an array', [] as unknown as Record<string, unknown>, ''],
    ];

    test.each(cases)('when %s, then 400 names the field and nothing is stored', async (_label, body, field) => {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await t.db.knex('plans').count({ n: '*' }).first()).toEqual({ n: 0 });
    });

    test('when several fields fail, then every one of them is listed', async () => {
      const res = await post({ product_id: '7', vcpus: 'x', memory_mib: -1 });
      const fields = res.body.error.details.map((d: { field: string }) => d.field).sort();
      expect(fields).toEqual(['cluster', 'ha', 'memory_mib', 'name', 'template', 'vcpus']);
    });

    test('when a patch is invalid, then 400 and the plan is unchanged', async () => {
      const created = (await post(planBody())).body;
      const res = await request(t.app)
        .patch(`${BASE}/${created.id}`)
        .set('Authorization', t.adminAuth)
        .send({ sla: { target_percent: 99 } });
      // The stored tiers (99.9, 99.5) would now sit above the lowered target.
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain('sla.credit_tiers.0.below_percent');
      const again = await request(t.app).get(`${BASE}/${created.id}`).set('Authorization', t.adminAuth);
      expect(again.body).toEqual(created);
    });

    test('when the id is not a number, then 400 names it', async () => {
      const res = await request(t.app).get(`${BASE}/abc`).set('Authorization', t.adminAuth);
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].field).toBe('id');
    });

    test('when the JSON is malformed, then 400 malformed_json', async () => {
      const res = await request(t.app)
        .post(BASE)
        .set('Authorization', t.adminAuth)
        .set('Content-Type', 'application/json')
        .send('{"product_id": "7",');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('malformed_json');
    });

    test('when the body is over the limit, then 413 and nothing is stored', async () => {
      const res = await post(planBody({ name: 'x'.repeat(40 * 1024) }));
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('payload_too_large');
      expect(await t.db.knex('plans').count({ n: '*' }).first()).toEqual({ n: 0 });
    });

    test('when the body is not JSON, then 415', async () => {
      const res = await request(t.app).post(BASE).set('Authorization', t.adminAuth).set('Content-Type', 'text/plain').send('product_id=7');
      expect(res.status).toBe(415);
    });
  });

  describe('authentication', () => {
    test('when no token is sent, then 401 with a Bearer challenge', async () => {
      const res = await request(t.app).get(BASE);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.body.error.code).toBe('unauthorized');
    });

    test('when the token is garbage or uses another scheme, then 401 and nothing is created', async () => {
      for (const header of ['Bearer not-a-jwt', 'Basic YWRtaW46cGFzcw==', 'Bearer ', t.adminAuth.replace('Bearer ', '')]) {
        const res = await request(t.app).post(BASE).set('Authorization', header).send(planBody());
        expect(res.status).toBe(401);
      }
      expect(await t.db.knex('plans').count({ n: '*' }).first()).toEqual({ n: 0 });
    });
  });
});
