import { ManualClock } from '../../server/clock';
import { createKnex, type Knex } from '../../server/db/knex';
import { migrateLatest } from '../../server/db/migrate';
import { IpAssignmentsRepository } from '../../server/repositories/ip-assignments';
import { IpPoolsRepository } from '../../server/repositories/ip-pools';
import { IpAllocation } from '../../server/use-cases/ip-allocation';
import { IpPools } from '../../server/use-cases/ip-pools';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { insertServices } from '../helpers/ip-pools';

const v4 = (over: Partial<Parameters<IpPools['create']>[0]> = {}): Parameters<IpPools['create']>[0] => ({
  name: 'pub-v4',
  cluster: 'Default',
  network: 'ovirtmgmt',
  cidr: '192.0.2.0/24',
  gateway: '192.0.2.1',
  dns: ['192.0.2.53'],
  dnsSearch: ['example.com'],
  ranges: [{ from: '192.0.2.10', to: '192.0.2.250' }],
  quarantineMinutes: 60,
  ...over,
});

/** The same use cases as an instance builds them, over a given knex pool (one per simulated instance). */
function instance(knex: Knex, clock: ManualClock) {
  const pools = new IpPoolsRepository(knex);
  const assignments = new IpAssignmentsRepository(knex);
  return { allocation: new IpAllocation({ knex, pools, assignments, clock }), pools: new IpPools({ knex, pools, assignments, clock }) };
}

const errorCode = (err: unknown) => (err as { code?: string }).code;

describe.each(databaseKinds)('IP allocation on %s', (kind) => {
  let db: TestDatabase;
  let clock: ManualClock;
  let one: ReturnType<typeof instance>;

  beforeEach(async () => {
    db = await createTestDatabase(kind);
    await migrateLatest(db.knex);
    clock = new ManualClock('2026-12-06T10:00:00.000Z');
    one = instance(db.knex, clock);
  });
  afterEach(async () => {
    await db.drop();
  });

  const allocate = (a: IpAllocation, serviceRowId: number, n: number, poolNames?: string[]) =>
    a.allocateNow({ serviceRowId, billingServiceId: `svc-${n}`, cluster: 'Default', poolNames });

  test('when a service allocates, then it gets one v4 address and one v6 /64, and the network view to configure', async () => {
    await one.pools.create(v4());
    await one.pools.create(
      v4({
        name: 'pub-v6',
        cidr: '2001:db8:1::/48',
        gateway: 'fe80::1',
        dns: ['2001:db8::53'],
        dnsSearch: [],
        ranges: [{ from: '2001:db8:1:5::/64', to: '2001:db8:1:5::/64' }],
      }),
    );
    const [s] = await insertServices(db.knex, 1);

    const got = await allocate(one.allocation, s!, 1);

    expect(got.ipv4?.address).toMatch(/^192\.0\.2\.(\d+)$/);
    expect(got.ipv6?.address).toBe('2001:db8:1:5::/64');
    expect(await one.allocation.heldBy(s!)).toEqual({
      ipv4: [got.ipv4!.address],
      ipv6: ['2001:db8:1:5::1/64'],
      ipv6Prefixes: ['2001:db8:1:5::/64'],
      gatewayV4: '192.0.2.1',
      netmaskV4: '255.255.255.0',
      prefixLengthV4: 24,
      gatewayV6: 'fe80::1',
      dns: ['192.0.2.53', '2001:db8::53'],
      dnsSearch: ['example.com'],
      network: 'ovirtmgmt',
      pools: ['pub-v4', 'pub-v6'],
    });
    const counts = await one.allocation.freeCounts('Default');
    expect(counts).toMatchObject({ ipv4: { size: 241, used: 1, free: 240 }, ipv6: { size: 1, used: 1, free: 0 }, orders: 0 });
    // v6 is exhausted now: the next order is refused, and its v4 address goes with the rolled-back transaction.
    const [s2] = await insertServices(db.knex, 1, 'other');
    await expect(allocate(one.allocation, s2!, 2)).rejects.toMatchObject({
      code: 'ip_pool_exhausted',
      status: 422,
      details: { family: 6 },
    });
    expect(await db.knex('ip_assignments').count({ n: '*' })).toEqual([{ n: 2 }]);
  });

  test('when the cluster has no pool, then nothing is allocated; when a plan names a pool that is not there, the order is refused', async () => {
    const [s] = await insertServices(db.knex, 1);
    expect(await allocate(one.allocation, s!, 1)).toEqual({ ipv4: undefined, ipv6: undefined });
    expect(await one.allocation.freeCounts('Default')).toEqual({ ipv4: null, ipv6: null, orders: null });
    await expect(allocate(one.allocation, s!, 1, ['missing'])).rejects.toMatchObject({ code: 'ip_pool_exhausted' });
    expect((await one.allocation.freeCounts('Default', ['missing'])).orders).toBe(0);
  });

  test('when a plan names pools, then only those are used', async () => {
    await one.pools.create(v4());
    await one.pools.create(v4({ name: 'small', cidr: '198.51.100.0/29', gateway: '198.51.100.1', ranges: [] }));
    const ids = await insertServices(db.knex, 5);
    for (const [i, id] of ids.entries()) await allocate(one.allocation, id, i + 1, ['small']);
    const addresses = (await db.knex('ip_assignments').select('address')).map((r: { address: string }) => r.address).sort();
    expect(addresses).toEqual(['198.51.100.2', '198.51.100.3', '198.51.100.4', '198.51.100.5', '198.51.100.6']);
    await expect(allocate(one.allocation, (await insertServices(db.knex, 1, 'x'))[0]!, 9, ['small'])).rejects.toMatchObject({
      code: 'ip_pool_exhausted',
    });
  });

  test('when released, then the address stays in quarantine until quarantine_until and is reused from then on', async () => {
    await one.pools.create(v4({ ranges: [{ from: '192.0.2.10', to: '192.0.2.10' }], quarantineMinutes: 30 }));
    const [a, b] = await insertServices(db.knex, 2);
    const first = await allocate(one.allocation, a!, 1);
    expect(first.ipv4?.address).toBe('192.0.2.10');

    await one.allocation.release(db.knex, a!);
    expect(await one.allocation.heldBy(a!)).toBeUndefined();
    expect(await one.allocation.release(db.knex, a!)).toEqual([]);
    clock.advance(30 * 60_000 - 1);
    await expect(allocate(one.allocation, b!, 2)).rejects.toMatchObject({ code: 'ip_pool_exhausted' });
    expect((await one.allocation.freeCounts('Default')).ipv4).toMatchObject({ used: 0, quarantined: 1, free: 0 });

    clock.advance(1);
    const second = await allocate(one.allocation, b!, 2);
    expect(second.ipv4).toMatchObject({
      address: '192.0.2.10',
      billingServiceId: 'svc-2',
      serviceRowId: b,
      releasedAt: null,
      quarantineUntil: null,
    });
    expect(await db.knex('ip_assignments').count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  test('when the same service allocates 50 times at once, then it holds one address', async () => {
    await one.pools.create(v4());
    const [s] = await insertServices(db.knex, 1);
    const results = await Promise.all(Array.from({ length: 50 }, () => allocate(one.allocation, s!, 1)));
    expect(new Set(results.map((r) => r.ipv4?.address)).size).toBe(1);
    expect(await db.knex('ip_assignments').count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  test(
    'when 200 services allocate at once from a 150-address pool on three instances, then exactly 150 hold distinct addresses and 50 ' +
      'are refused',
    async () => {
      await one.pools.create(v4({ cidr: '10.0.0.0/24', gateway: '10.0.0.1', dns: [], ranges: [{ from: '10.0.0.10', to: '10.0.0.159' }] }));
      const ids = await insertServices(db.knex, 200);
      // SQLite has one writer: its instances share the one connection, as they would share the file.
      const knexes = kind === 'mysql' ? [createKnex(db.target), createKnex(db.target), createKnex(db.target)] : [db.knex];
      try {
        const instances = knexes.map((k) => instance(k, clock));
        const outcomes = await Promise.allSettled(ids.map((id, i) => allocate(instances[i % instances.length]!.allocation, id, i + 1)));

        const refused = outcomes.filter((o) => o.status === 'rejected');
        expect(refused.map((o) => errorCode((o as PromiseRejectedResult).reason))).toEqual(Array(50).fill('ip_pool_exhausted'));
        const rows = await db.knex('ip_assignments').select('address', 'service_row_id');
        expect(rows).toHaveLength(150);
        expect(new Set(rows.map((r: { address: string }) => r.address)).size).toBe(150);
        expect(new Set(rows.map((r: { service_row_id: number }) => r.service_row_id)).size).toBe(150);
      } finally {
        if (kind === 'mysql') await Promise.all(knexes.map((k) => k.destroy()));
      }
    },
  );

  test('when the same 40 services allocate five times each on three instances at once, then each holds one address and none is shared', async () => {
    await one.pools.create(v4());
    const ids = await insertServices(db.knex, 40);
    const knexes = kind === 'mysql' ? [createKnex(db.target), createKnex(db.target), createKnex(db.target)] : [db.knex];
    try {
      const instances = knexes.map((k) => instance(k, clock));
      const calls = ids.flatMap((id, i) =>
        Array.from({ length: 5 }, (_, j) => allocate(instances[(i + j) % instances.length]!.allocation, id, i + 1)),
      );
      const results = await Promise.all(calls);
      const byService = new Map<number, Set<string>>();
      results.forEach((r) =>
        byService.set(r.ipv4!.serviceRowId!, (byService.get(r.ipv4!.serviceRowId!) ?? new Set()).add(r.ipv4!.address)),
      );
      expect([...byService.values()].every((s) => s.size === 1)).toBe(true);
      const rows = await db.knex('ip_assignments').select('address');
      expect(rows).toHaveLength(40);
      expect(new Set(rows.map((r: { address: string }) => r.address)).size).toBe(40);
    } finally {
      if (kind === 'mysql') await Promise.all(knexes.map((k) => k.destroy()));
    }
  });

  test('when a pool is shrunk while an allocation from it is still in its transaction, then the change waits for it and is refused', async () => {
    await one.pools.create(v4({ ranges: [{ from: '192.0.2.10', to: '192.0.2.12' }] }));
    const [s] = await insertServices(db.knex, 1);
    const trx = await db.knex.transaction();
    const got = await one.allocation.allocate(trx, { serviceRowId: s!, billingServiceId: 'svc-1', cluster: 'Default' });
    // Another instance's admin request, on its own connection (SQLite: it waits for the one connection).
    const other = kind === 'mysql' ? createKnex(db.target) : db.knex;
    try {
      const shrinking = instance(other, clock).pools.patch('pub-v4', { ranges: [{ from: '192.0.2.200', to: '192.0.2.210' }] });
      const early = await Promise.race([
        shrinking.then(
          () => 'done',
          () => 'done',
        ),
        new Promise((r) => setTimeout(() => r('waiting'), 300)),
      ]);
      expect(early).toBe('waiting');
      await trx.commit();
      await expect(shrinking).rejects.toMatchObject({ code: 'ip_pool_shrink_below_used', details: { addresses: [got.ipv4!.address] } });
    } finally {
      if (other !== db.knex) await other.destroy();
    }
  });

  // An instance that has allocated once remembers the pools and writes both families in one statement that checks
  // the pools are still as it remembers them: the tests below allocate once first, so the next allocation is that one.
  describe('an instance that knows the pools already', () => {
    const v6 = () => v4({ name: 'pub-v6', cidr: '2001:db8:1::/48', gateway: 'fe80::1', dns: [], dnsSearch: [], ranges: [] });

    test("when another instance moves a pool's range, then the next address comes from the range as moved", async () => {
      await one.pools.create(v4({ ranges: [{ from: '192.0.2.10', to: '192.0.2.20' }] }));
      const [a, b, c] = await insertServices(db.knex, 3);
      const first = await allocate(one.allocation, a!, 1);
      const held = first.ipv4!.address;
      const other = kind === 'mysql' ? createKnex(db.target) : db.knex;
      try {
        await instance(other, clock).pools.patch('pub-v4', {
          ranges: [
            { from: held, to: held },
            { from: '192.0.2.200', to: '192.0.2.201' },
          ],
        });
      } finally {
        if (other !== db.knex) await other.destroy();
      }
      const next = [(await allocate(one.allocation, b!, 2)).ipv4?.address, (await allocate(one.allocation, c!, 3)).ipv4?.address];
      expect(next.sort()).toEqual(['192.0.2.200', '192.0.2.201']);
    });

    test('when another instance adds a v6 pool to the cluster, then the next order gets a prefix from it', async () => {
      await one.pools.create(v4());
      const [a, b] = await insertServices(db.knex, 2);
      expect((await allocate(one.allocation, a!, 1)).ipv6).toBeUndefined();
      const other = kind === 'mysql' ? createKnex(db.target) : db.knex;
      try {
        await instance(other, clock).pools.create(v6());
      } finally {
        if (other !== db.knex) await other.destroy();
      }
      expect((await allocate(one.allocation, b!, 2)).ipv6?.address).toMatch(/^2001:db8:1:[0-9a-f:]*\/64$/);
    });

    test('when a pool the plan could use is deleted, then the next order is served from the others', async () => {
      await one.pools.create(v4());
      await one.pools.create(v4({ name: 'spare', cidr: '198.51.100.0/29', gateway: '198.51.100.1', ranges: [] }));
      const ids = await insertServices(db.knex, 2);
      await allocate(one.allocation, ids[0]!, 1, ['pub-v4']);
      expect((await allocate(one.allocation, ids[0]!, 1)).ipv4?.address).toMatch(/^192\.0\.2\./);
      await one.pools.delete('spare');
      expect((await allocate(one.allocation, ids[1]!, 2)).ipv4?.address).toMatch(/^192\.0\.2\./);
    });

    test('when the same service allocates 50 times at once, then it holds one address of each family', async () => {
      await one.pools.create(v4());
      await one.pools.create(v6());
      const [warm, s] = await insertServices(db.knex, 2);
      await allocate(one.allocation, warm!, 1);
      const results = await Promise.all(Array.from({ length: 50 }, () => allocate(one.allocation, s!, 2)));
      expect(new Set(results.map((r) => `${r.ipv4?.address} ${r.ipv6?.address}`)).size).toBe(1);
      expect(await db.knex('ip_assignments').where({ service_row_id: s }).count({ n: '*' })).toEqual([{ n: 2 }]);
    });

    test('when a pool is shrunk while an allocation from it is still in its transaction, then the change waits for it and is refused', async () => {
      await one.pools.create(v4({ ranges: [{ from: '192.0.2.10', to: '192.0.2.12' }] }));
      const [warm, s] = await insertServices(db.knex, 2);
      const before = await allocate(one.allocation, warm!, 1);
      const trx = await db.knex.transaction();
      const got = await one.allocation.allocate(trx, { serviceRowId: s!, billingServiceId: 'svc-2', cluster: 'Default' });
      const other = kind === 'mysql' ? createKnex(db.target) : db.knex;
      try {
        const shrinking = instance(other, clock).pools.patch('pub-v4', {
          ranges: [{ from: before.ipv4!.address, to: before.ipv4!.address }],
        });
        const early = await Promise.race([
          shrinking.then(
            () => 'done',
            () => 'done',
          ),
          new Promise((r) => setTimeout(() => r('waiting'), 300)),
        ]);
        expect(early).toBe('waiting');
        await trx.commit();
        await expect(shrinking).rejects.toMatchObject({ code: 'ip_pool_shrink_below_used', details: { addresses: [got.ipv4!.address] } });
      } finally {
        if (other !== db.knex) await other.destroy();
      }
    });
  });

  test('when the allocation runs inside a transaction that rolls back, then the address is not held', async () => {
    await one.pools.create(v4());
    const [s] = await insertServices(db.knex, 1);
    await expect(
      db.knex.transaction(async (trx) => {
        await one.allocation.allocate(trx, { serviceRowId: s!, billingServiceId: 'svc-1', cluster: 'Default' });
        throw new Error('order refused later in the intake');
      }),
    ).rejects.toThrow('order refused');
    expect(await db.knex('ip_assignments').count({ n: '*' })).toEqual([{ n: 0 }]);
  });
});
