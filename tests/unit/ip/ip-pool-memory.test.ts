import type { IpAssignment } from '../../../server/domain/ip-assignment';
import { IpPoolMemory } from '../../../server/domain/ip-pool-memory';
import { buildPool, type IpPool } from '../../../server/domain/ip-pool';

const pool: IpPool = {
  id: 7,
  revision: 0,
  name: 'pub-v4',
  cluster: 'Default',
  network: 'ovirtmgmt',
  family: 4,
  cidr: '192.0.2.0/29',
  gateway: '192.0.2.1',
  dns: [],
  dnsSearch: [],
  ranges: [],
  prefixPerService: 32,
  quarantineMinutes: 60,
  createdAt: new Date(0),
  updatedAt: new Date(0),
};
const space = buildPool(pool).space!;
const row = (id: number, address: string): IpAssignment => ({
  id,
  poolId: 7,
  address,
  family: 4,
  serviceRowId: id,
  lastServiceRowId: id,
  billingServiceId: String(id),
  heldSince: new Date(0),
  releasedAt: null,
  quarantineUntil: null,
});

describe('IpPoolMemory', () => {
  test("when a plan's pools are remembered, then they serve quick allocations only once their rows are read", () => {
    const memory = new IpPoolMemory(() => 0);
    expect(memory.rememberPlan({ cluster: 'Default' }, [{ pool, space }])).toEqual([7]);
    expect(memory.plan({ cluster: 'Default' })).toBeUndefined();
    memory.readWhole([7], [row(1, '192.0.2.2')]);
    expect(memory.plan({ cluster: 'Default', poolNames: [] })?.byFamily[4].map((p) => p.pool.name)).toEqual(['pub-v4']);
    expect(memory.plan({ cluster: 'Default', poolNames: ['pub-v4'] })).toBeUndefined();
    memory.forgetPlan({ cluster: 'Default' });
    expect(memory.plan({ cluster: 'Default' })).toBeUndefined();
  });

  test('when slots are known taken, then they are not handed out; when every one is, then none is', () => {
    const memory = new IpPoolMemory(() => 0);
    memory.rememberPlan({ cluster: 'Default' }, [{ pool, space }]);
    // A /29 less network, broadcast and gateway: .2 to .6.
    memory.readWhole([7], [row(1, '192.0.2.2'), row(2, '192.0.2.3')]);
    const plan = memory.plan({ cluster: 'Default' })!;
    memory.learn([row(9, '192.0.2.4')], plan);
    expect(plan.seenId).toBe(9);
    expect(memory.free(plan.byFamily[4])?.address).toBe('192.0.2.5');
    expect(memory.free(plan.byFamily[4])?.address).toBe('192.0.2.6');
    expect(memory.free(plan.byFamily[4])).toBeUndefined();
    // Read whole again, the slots tried in transactions that rolled back are free again.
    memory.readWhole([7], [row(1, '192.0.2.2'), row(2, '192.0.2.3'), row(9, '192.0.2.4')]);
    expect(memory.free(plan.byFamily[4])?.address).toBe('192.0.2.5');
  });
});
