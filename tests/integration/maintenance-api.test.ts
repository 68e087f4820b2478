import request from 'supertest';
import { ManualClock } from '../../server/clock';
import { databaseKinds } from '../helpers/databases';
import { seedPlan, seedService, type ServiceSeed } from '../helpers/seed';
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
    const onDefault = (await seedPlan(knex, { productId: 'p-default', cluster: 'Default' }, now)).id;
    const onOther = (await seedPlan(knex, { productId: 'p-other', cluster: 'Other' }, now)).id;
    const service = (
      billingServiceId: string,
      planId: number,
      vmHost: string | null,
      actual: ServiceSeed['actualState'] = 'active',
      desired: ServiceSeed['desiredState'] = 'active',
    ) =>
      seedService(
        knex,
        {
          billingServiceId,
          clientId: `client-${billingServiceId}`,
          planId,
          hostname: `${billingServiceId}.example.net`,
          desiredState: desired,
          actualState: actual,
          vmHost,
        },
        now,
      );
    await service('on-default-h1', onDefault, 'host1');
    await service('on-other-h2', onOther, 'host2');
    await service('on-other-h1', onOther, 'host1', 'suspended', 'suspended');
    await service('gone-default', onDefault, null, 'terminated', 'terminated');
    await service('pending-default', onDefault, null, 'pending');
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
      const plan = await seedPlan(
        t.db.knex,
        { productId: 'p', template: 't', cluster: 'Default', vcpus: 1, memoryMib: 512, ha: { priority: 1 } },
        now,
      );
      await seedService(
        t.db.knex,
        { billingServiceId: 's1', clientId: 'c1', planId: plan.id, actualState: 'active', vmHost: 'secret-host-7' },
        now,
      );

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
