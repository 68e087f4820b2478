import request from 'supertest';
import { ManualClock } from '../../server/clock';
import { databaseKinds } from '../helpers/databases';
import { createTestApp, type TestApp } from '../helpers/test-app';

const BASE = '/api/v1/admin/maintenance';
const NOW = '2026-12-06T10:00:00.000Z';

/** The announcement tests vary one field at a time from. */
function body(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Storage firmware',
    starts_at: '2026-12-10T02:00:00Z',
    ends_at: '2026-12-10T04:00:00Z',
    scope: { clusters: ['Default'] },
    message: 'The storage controllers get new firmware.\nVPS may restart once.',
    ...overrides,
  };
}

describe.each(databaseKinds)('admin maintenance API on %s', (kind) => {
  let t: TestApp;
  const clock = new ManualClock(NOW);

  async function seed(): Promise<void> {
    const knex = t.db.knex;
    const now = new Date(NOW);
    const plan = (productId: string, cluster: string) => ({
      product_id: productId,
      name: productId,
      template: 'debian-12',
      cluster,
      vcpus: 1,
      memory_mib: 1024,
      ha_enabled: true,
      ha_priority: 50,
      sla_target_percent: 99.9,
      sla_credit_tiers: '[]',
      created_at: now,
      updated_at: now,
    });
    await knex('plans').insert([plan('p-default', 'Default'), plan('p-other', 'Other')]);
    const ids = Object.fromEntries(
      ((await knex('plans').select('id', 'product_id')) as Array<{ id: number; product_id: string }>).map((p) => [
        p.product_id,
        Number(p.id),
      ]),
    );
    const service = (billingServiceId: string, planId: number, vmHost: string | null, actual = 'active', desired = 'active') => ({
      billing_service_id: billingServiceId,
      client_id: `client-${billingServiceId}`,
      plan_id: planId,
      hostname: `${billingServiceId}.example.net`,
      desired_state: desired,
      actual_state: actual,
      vm_host: vmHost,
      created_at: now,
      updated_at: now,
    });
    await knex('services').insert([
      service('on-default-h1', ids['p-default']!, 'host1'),
      service('on-other-h2', ids['p-other']!, 'host2'),
      service('on-other-h1', ids['p-other']!, 'host1', 'suspended', 'suspended'),
      service('gone-default', ids['p-default']!, null, 'terminated', 'terminated'),
      service('pending-default', ids['p-default']!, null, 'pending'),
    ]);
  }

  beforeEach(async () => {
    clock.set(NOW);
    t = await createTestApp(kind, { clock, env: { BILLING_CALLBACK_URL: 'http://panel.test/callback', CLIENT_HOST_NAMES: 'show' } });
    await seed();
  });
  afterEach(async () => {
    await t.close();
  });

  const post = (b: unknown) =>
    request(t.app)
      .post(BASE)
      .set('Authorization', t.adminAuth)
      .send(b as object);
  const get = (path = '') => request(t.app).get(`${BASE}${path}`).set('Authorization', t.adminAuth);
  const del = (path: string) => request(t.app).delete(`${BASE}${path}`).set('Authorization', t.adminAuth);
  const notices = async () =>
    ((await t.db.knex('jobs').where({ kind: 'callback' }).orderBy('id').select('payload')) as Array<{ payload: string }>)
      .map((r) => JSON.parse(r.payload) as { type: string; data: { service_id: string; window: Record<string, unknown> } })
      .filter((p) => p.type === 'service.maintenance_announced');

  test('when a cluster window is announced, then it is stored and every live service of that cluster is told at once', async () => {
    const res = await post(body());

    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`http://bridge.test${BASE}/${res.body.id}`);
    expect(res.body).toEqual({
      id: expect.any(Number),
      title: 'Storage firmware',
      starts_at: '2026-12-10T02:00:00.000Z',
      ends_at: '2026-12-10T04:00:00.000Z',
      scope: { clusters: ['Default'] },
      message: 'The storage controllers get new firmware.\nVPS may restart once.',
      created_by: 'test-admin',
      created_at: NOW,
      cancelled_at: null,
      status: 'upcoming',
      services_notified: 2,
    });
    const sent = await notices();
    expect(sent.map((n) => n.data.service_id).sort()).toEqual(['on-default-h1', 'pending-default']);
    expect(sent[0]!.data).toEqual({
      service_id: 'on-default-h1',
      client_id: 'client-on-default-h1',
      hostname: 'on-default-h1.example.net',
      window: {
        id: res.body.id,
        title: 'Storage firmware',
        starts_at: '2026-12-10T02:00:00.000Z',
        ends_at: '2026-12-10T04:00:00.000Z',
        message: 'The storage controllers get new firmware.\nVPS may restart once.',
        clusters: ['Default'],
      },
    });
  });

  test('when a host window is announced, then the services whose VM is on that host are told, with the host names (CLIENT_HOST_NAMES=show)', async () => {
    const res = await post(body({ scope: { hosts: ['host1'] } }));

    expect(res.status).toBe(201);
    expect(res.body.services_notified).toBe(2);
    const sent = await notices();
    expect(sent.map((n) => n.data.service_id).sort()).toEqual(['on-default-h1', 'on-other-h1']);
    expect(sent[0]!.data.window.hosts).toEqual(['host1']);
  });

  test('when the window is cancelled, then it stays listed as cancelled, a second cancel is 204 too, and an unknown id is 404', async () => {
    const { body: w } = await post(body());

    expect((await del(`/${w.id}`)).status).toBe(204);
    expect((await del(`/${w.id}`)).status).toBe(204);
    const unknown = await del('/9999');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    expect((await get('/9999')).status).toBe(404);

    const all = await get();
    expect(all.body.maintenance_windows).toEqual([expect.objectContaining({ id: w.id, status: 'cancelled', cancelled_at: NOW })]);
    expect((await get('?include=upcoming')).body.maintenance_windows).toEqual([]);
    expect((await get(`/${w.id}`)).body.status).toBe('cancelled');
  });

  test.each<[string, Record<string, unknown>, string[]]>([
    ['an end before the start', { ends_at: '2026-12-10T01:00:00Z' }, ['ends_at']],
    ['an end equal to the start', { ends_at: '2026-12-10T02:00:00Z' }, ['ends_at']],
    ['a start an hour ago', { starts_at: '2026-12-06T09:00:00Z', ends_at: '2026-12-06T11:00:00Z' }, ['starts_at']],
    ['a window of 20 days', { ends_at: '2026-12-30T02:00:00Z' }, ['ends_at']],
    ['a date without a zone', { starts_at: '2026-12-10T02:00:00' }, ['starts_at']],
    ['an empty scope list', { scope: { clusters: [] } }, ['scope.clusters']],
    ['51 clusters', { scope: { clusters: Array.from({ length: 51 }, (_, i) => `c${i}`) } }, ['scope.clusters']],
    ['a cluster named twice', { scope: { clusters: ['Default', 'Default'] } }, ['scope.clusters']],
    ['both clusters and hosts', { scope: { clusters: ['Default'], hosts: ['host1'] } }, ['scope']],
    ['neither clusters nor hosts', { scope: {} }, ['scope']],
    ['an unknown scope key', { scope: { racks: ['r1'] } }, ['scope.racks', 'scope']],
    ['an empty title', { title: '   ' }, ['title']],
    ['a title of 201 characters', { title: 'x'.repeat(201) }, ['title']],
    ['a title with a line break', { title: 'a\nb' }, ['title']],
    ['a message of 2001 characters', { message: 'x'.repeat(2001) }, ['message']],
    ['an unknown field', { colour: 'red' }, ['colour']],
  ])('when the announcement has %s, then 400 names the fields and nothing is stored or sent', async (_what, over, fields) => {
    const res = await post(body(over));

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((p: { field: string }) => p.field).sort()).toEqual([...fields].sort());
    expect(Number(((await t.db.knex('maintenance_windows').count({ n: '*' }).first()) as { n: unknown }).n)).toBe(0);
    expect(await notices()).toEqual([]);
  });

  test('when a window started ten minutes ago, then it is accepted (the grace) and is in progress', async () => {
    const res = await post(body({ starts_at: '2026-12-06T09:50:00Z', ends_at: '2026-12-06T11:00:00Z' }));
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('in_progress');
  });

  test('when there is no admin token, then 401 and nothing is stored', async () => {
    const res = await request(t.app).post(BASE).send(body());
    expect(res.status).toBe(401);
    expect((await request(t.app).get(BASE)).status).toBe(401);
  });
});

describe.each(databaseKinds)('maintenance notices under CLIENT_HOST_NAMES=hide on %s', (kind) => {
  test('when a host window is announced, then the notice names no host', async () => {
    const clock = new ManualClock(NOW);
    const t = await createTestApp(kind, { clock, env: { BILLING_CALLBACK_URL: 'http://panel.test/callback', CLIENT_HOST_NAMES: 'hide' } });
    try {
      const now = new Date(NOW);
      await t.db.knex('plans').insert({
        product_id: 'p',
        name: 'p',
        template: 't',
        cluster: 'Default',
        vcpus: 1,
        memory_mib: 512,
        ha_enabled: true,
        ha_priority: 1,
        sla_target_percent: 99.9,
        sla_credit_tiers: '[]',
        created_at: now,
        updated_at: now,
      });
      const plan = (await t.db.knex('plans').first('id')) as { id: number };
      await t.db.knex('services').insert({
        billing_service_id: 's1',
        client_id: 'c1',
        plan_id: plan.id,
        desired_state: 'active',
        actual_state: 'active',
        vm_host: 'secret-host-7',
        created_at: now,
        updated_at: now,
      });

      const res = await request(t.app)
        .post(BASE)
        .set('Authorization', t.adminAuth)
        .send(body({ scope: { hosts: ['secret-host-7'] } }));

      expect(res.status).toBe(201);
      const [job] = (await t.db.knex('jobs').where({ kind: 'callback' }).select('payload')) as Array<{ payload: string }>;
      expect(job!.payload).not.toContain('secret-host-7');
      expect(JSON.parse(job!.payload).data.window).toEqual(expect.objectContaining({ title: 'Storage firmware' }));
    } finally {
      await t.close();
    }
  });
});
