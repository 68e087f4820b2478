import { seedDemoPools } from '../../server/demo-engine';
import { databaseKinds } from '../helpers/databases';
import { createTestApp, type TestApp } from '../helpers/test-app';

describe.each(databaseKinds)("the demo's address pools on %s", (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind);
  });
  afterEach(async () => {
    await t.close();
  });

  test('when the demo starts with no pool, then an IPv4 and an IPv6 pool are made on vm-public, once', async () => {
    expect(await seedDemoPools(t.container.ipPools, 'demo')).toEqual(['demo-v4', 'demo-v6']);
    const pools = await t.container.ipPools.list();
    expect(pools.map((p) => [p.pool.name, p.pool.network, p.pool.cluster])).toEqual([
      ['demo-v4', 'vm-public', 'Default'],
      ['demo-v6', 'vm-public', 'Default'],
    ]);
    expect(await seedDemoPools(t.container.ipPools, 'demo')).toEqual([]);
    expect(await t.container.ipPools.list()).toHaveLength(2);
  });

  test('when another scenario runs, or an admin has a pool already, then nothing is added', async () => {
    expect(await seedDemoPools(t.container.ipPools, 'ha-drill')).toEqual([]);
    await t.container.ipPools.create({
      name: 'mine',
      cluster: 'Default',
      network: 'ovirtmgmt',
      cidr: '198.51.100.0/24',
      gateway: '198.51.100.1',
      dns: [],
      dnsSearch: [],
      ranges: [],
      quarantineMinutes: 60,
    });
    expect(await seedDemoPools(t.container.ipPools, 'demo')).toEqual([]);
    expect((await t.container.ipPools.list()).map((p) => p.pool.name)).toEqual(['mine']);
  });
});
