import fc from 'fast-check';
import request from 'supertest';
import { ManualClock } from '../../server/clock';
import { databaseKinds } from '../helpers/databases';
import { insertServices, ipv4PoolBody, ipv6PoolBody } from '../helpers/ip-pools';
import { createTestApp, type TestApp } from '../helpers/test-app';

const BASE = '/api/v1/admin/ip-pools';

describe.each(databaseKinds)('admin IP pools API on %s', (kind) => {
  let t: TestApp;
  const clock = new ManualClock('2026-12-06T10:00:00.000Z');

  beforeEach(async () => {
    clock.set('2026-12-06T10:00:00.000Z');
    t = await createTestApp(kind, { clock });
  });
  afterEach(async () => {
    await t.close();
  });

  const post = (body: unknown) =>
    request(t.app)
      .post(BASE)
      .set('Authorization', t.adminAuth)
      .send(body as object);
  const patch = (name: string, body: unknown) =>
    request(t.app)
      .patch(`${BASE}/${name}`)
      .set('Authorization', t.adminAuth)
      .send(body as object);
  const get = (path = '') => request(t.app).get(`${BASE}${path}`).set('Authorization', t.adminAuth);
  const poolRows = () => t.db.knex('ip_pools').select('name', 'cidr', 'gateway', 'ranges').orderBy('name');

  test('when a valid IPv4 pool is created, then it is stored canonical and answered with its usage', async () => {
    const res = await post(ipv4PoolBody({ dns_search: ['Example.COM.'] }));

    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`http://bridge.test${BASE}/pub-v4`);
    expect(res.body).toEqual({
      name: 'pub-v4',
      cluster: 'Default',
      network: 'ovirtmgmt',
      family: 4,
      cidr: '192.0.2.0/24',
      gateway: '192.0.2.1',
      dns: ['192.0.2.53'],
      dns_search: ['example.com'],
      ranges: [{ from: '192.0.2.10', to: '192.0.2.250' }],
      quarantine_minutes: 60,
      size: 241,
      used: 0,
      free: 241,
      quarantined: 0,
      created_at: '2026-12-06T10:00:00.000Z',
      updated_at: '2026-12-06T10:00:00.000Z',
    });
    expect(await poolRows()).toHaveLength(1);
  });

  test('when an IPv6 pool is created without ranges, then it is the whole cidr in /64s with a link-local gateway', async () => {
    const res = await post(ipv6PoolBody({ cidr: '2001:DB8:1:0::/48' }));

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      family: 6,
      cidr: '2001:db8:1::/48',
      gateway: 'fe80::1',
      prefix_per_service: 64,
      ranges: [],
      size: 65536,
      free: 65536,
    });
    const list = await get();
    expect(list.body.ip_pools.map((p: { name: string }) => p.name)).toEqual(['pub-v6']);
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['a gateway outside the cidr', { gateway: '198.51.100.1' }, 'gateway'],
    ['a range outside the cidr', { ranges: [{ from: '192.0.2.10', to: '192.0.3.10' }] }, 'ranges.0.to'],
    ['a cidr with host bits', { cidr: '192.0.2.7/24' }, 'cidr'],
    ['an address with a leading zero', { gateway: '192.0.2.01' }, 'gateway'],
    ['a dns server that is no address', { dns: ['dns.example'] }, 'dns.0'],
  ])('when a pool has %s, then 400 invalid_ip_pool names the field and nothing is stored', async (_what, over, field) => {
    const res = await post(ipv4PoolBody(over));

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_ip_pool');
    expect(res.body.error.details.map((p: { field: string }) => p.field)).toEqual([field]);
    expect(await poolRows()).toEqual([]);
  });

  test('when the body has an unknown field or a bad name, then 400 names them and nothing is stored', async () => {
    const res = await post(ipv4PoolBody({ name: 'bad name', colour: 'blue' }));
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((p: { field: string }) => p.field).sort()).toEqual(['colour', 'name']);
    expect(await poolRows()).toEqual([]);
  });

  test('when a pool overlaps another (in any cluster) or repeats a name, then 409 and nothing changes', async () => {
    await post(ipv4PoolBody());
    const overlap = await post(
      ipv4PoolBody({ name: 'other', cluster: 'Second', cidr: '192.0.2.128/25', gateway: '192.0.2.129', ranges: [] }),
    );
    expect(overlap.status).toBe(409);
    expect(overlap.body.error).toMatchObject({ code: 'ip_pool_overlap', details: { pool: 'pub-v4', cidr: '192.0.2.0/24' } });

    const again = await post(ipv4PoolBody({ cidr: '198.51.100.0/24', gateway: '198.51.100.1', ranges: [] }));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('duplicate_ip_pool');
    expect((await poolRows()).map((r: { name: string }) => r.name)).toEqual(['pub-v4']);

    await post(ipv4PoolBody({ name: 'second', cidr: '198.51.100.0/24', gateway: '198.51.100.1', ranges: [] }));
    const moved = await patch('second', { cidr: '192.0.2.0/23', gateway: '192.0.2.1' });
    expect(moved.status).toBe(409);
    expect(moved.body.error.code).toBe('ip_pool_overlap');
  });

  test('when a pool is patched, then the change is stored; the name is not patchable', async () => {
    await post(ipv4PoolBody());
    const res = await patch('pub-v4', { ranges: [{ from: '192.0.2.10', to: '192.0.2.19' }], quarantine_minutes: 5 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ size: 10, quarantine_minutes: 5 });

    const renamed = await patch('pub-v4', { name: 'x' });
    expect(renamed.status).toBe(400);
    expect((await get('/nope')).status).toBe(404);
  });

  test('when a change would leave held or quarantined addresses outside the pool, then 409 shrink_below_used and nothing changes', async () => {
    await post(ipv4PoolBody({ ranges: [{ from: '192.0.2.10', to: '192.0.2.12' }] }));
    const [a, b, c] = await insertServices(t.db.knex, 3);
    for (const [i, id] of [a!, b!, c!].entries()) {
      await t.container.ipAllocation.allocateNow({ serviceRowId: id, billingServiceId: `svc-${i + 1}`, cluster: 'Default' });
    }
    await t.db.knex.transaction((trx) => t.container.ipAllocation.release(trx, c!));
    const before = await poolRows();

    const shrink = await patch('pub-v4', { ranges: [{ from: '192.0.2.10', to: '192.0.2.11' }] });
    expect(shrink.status).toBe(409);
    expect(shrink.body.error.code).toBe('ip_pool_shrink_below_used');
    const gatewayOnHeld = await patch('pub-v4', {
      gateway: (await t.db.knex('ip_assignments').whereNotNull('service_row_id').first()).address,
    });
    expect(gatewayOnHeld.status).toBe(409);
    expect(await poolRows()).toEqual(before);

    const detail = await get('/pub-v4');
    expect(detail.body).toMatchObject({ size: 3, used: 2, quarantined: 1, free: 0 });
    expect(detail.body.holders).toHaveLength(3);
    expect(detail.body.holders.find((h: { state: string }) => h.state === 'quarantined')).toEqual({
      address: expect.stringMatching(/^192\.0\.2\.1[0-2]$/),
      state: 'quarantined',
      service_id: 'svc-3',
      since: '2026-12-06T10:00:00.000Z',
      released_at: '2026-12-06T10:00:00.000Z',
      quarantine_until: '2026-12-06T11:00:00.000Z',
    });
  });

  test('when a pool in use is deleted, then 409 ip_pool_in_use; once its addresses are free again it can be', async () => {
    await post(ipv4PoolBody());
    const [a] = await insertServices(t.db.knex, 1);
    await t.container.ipAllocation.allocateNow({ serviceRowId: a!, billingServiceId: 'svc-1', cluster: 'Default' });

    const held = await request(t.app).delete(`${BASE}/pub-v4`).set('Authorization', t.adminAuth);
    expect(held.status).toBe(409);
    expect(held.body.error).toMatchObject({ code: 'ip_pool_in_use', details: { used: 1, quarantined: 0 } });

    await t.container.ipAllocation.release(t.db.knex, a!);
    const quarantined = await request(t.app).delete(`${BASE}/pub-v4`).set('Authorization', t.adminAuth);
    expect(quarantined.status).toBe(409);
    expect(quarantined.body.error.details).toEqual({ used: 0, quarantined: 1 });
    expect(await poolRows()).toHaveLength(1);

    clock.advance(60 * 60_000);
    const gone = await request(t.app).delete(`${BASE}/pub-v4`).set('Authorization', t.adminAuth);
    expect(gone.status).toBe(204);
    expect(await poolRows()).toEqual([]);
    expect(await t.db.knex('ip_assignments').select('id')).toEqual([]);
  });

  test('when no admin token is sent, then 401', async () => {
    expect((await request(t.app).get(BASE)).status).toBe(401);
  });
});

describe('admin IP pools API under random input', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
  });
  afterAll(async () => {
    await t.close();
  });

  // Near-valid bodies with one field replaced by anything: the service's own rules see odd but well-typed input.
  const address = fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.ipV4Extended(),
    fc.string({ maxLength: 50 }),
    fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 200 })).map(([a, n]) => `${a}/${n}`),
    fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 40 })).map(([a, n]) => `${a}/${n}`),
  );
  const odd = fc.record({
    name: fc.string({ maxLength: 70 }),
    cluster: fc.constantFrom('Default', 'B', '', 5),
    cidr: address,
    gateway: address,
    dns: fc.array(address, { maxLength: 5 }),
    dns_search: fc.array(fc.oneof(fc.domain(), fc.string()), { maxLength: 3 }),
    ranges: fc.array(fc.record({ from: address, to: address }), { maxLength: 3 }),
    prefix_per_service: fc.oneof(fc.integer({ min: -5, max: 140 }), fc.double()),
    quarantine_minutes: fc.integer({ min: -5, max: 600_000 }),
  });
  const valid = fc.record({
    name: fc.constantFrom('p1', 'p2', 'p3'),
    cluster: fc.constantFrom('Default', 'B'),
    network: fc.constant('ovirtmgmt'),
    cidr: fc.constantFrom('10.0.0.0/24', '10.0.0.0/16', '10.0.1.0/24', '10.9.0.0/24'),
    gateway: fc.constantFrom('10.0.0.1', '10.0.1.1', '10.9.0.1'),
    ranges: fc.constantFrom([], [{ from: '10.0.0.5', to: '10.0.0.50' }], [{ from: '10.0.1.5', to: '10.0.1.250' }]),
  });
  const v6 = fc.record({
    name: fc.constantFrom('p4', 'p5'),
    cluster: fc.constant('Default'),
    network: fc.constant('ovirtmgmt'),
    cidr: fc.constantFrom('2001:db8::/48', '2001:db8::/32', '2001:db9::/56'),
    gateway: fc.constantFrom('fe80::1', '2001:db8::1'),
    prefix_per_service: fc.constantFrom(64, 56, 60),
  });
  // A near-valid pool (v4 or v6) with up to two of its fields replaced by odd values.
  const body = fc
    .tuple(
      fc.oneof(valid, v6),
      odd,
      fc.subarray(
        ['name', 'cluster', 'cidr', 'gateway', 'dns', 'dns_search', 'ranges', 'prefix_per_service', 'quarantine_minutes'] as const,
        { maxLength: 2 },
      ),
    )
    .map(([base, o, keys]) => ({ ...base, ...Object.fromEntries(keys.map((k) => [k, o[k]])) }) as Record<string, unknown>);

  test('when random pools are posted, patched and deleted, then the answer is never a 5xx', async () => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('post', 'patch', 'delete'), async (b, verb) => {
        const name = typeof b.name === 'string' && /^[A-Za-z0-9]/.test(b.name) ? encodeURIComponent(b.name) : 'p1';
        const res =
          verb === 'post'
            ? await request(t.app).post(BASE).set('Authorization', t.adminAuth).send(b)
            : verb === 'patch'
              ? await request(t.app)
                  .patch(`${BASE}/${name}`)
                  .set('Authorization', t.adminAuth)
                  .send({ ...b, name: undefined })
              : await request(t.app).delete(`${BASE}/${name}`).set('Authorization', t.adminAuth);
        expect(res.status).toBeLessThan(500);
        seen.add(res.status);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
    // The runs reached the service's own rules and writes, not only the schema.
    expect([...seen]).toEqual(expect.arrayContaining([201, 400, 409]));
  }, 120_000);
});
