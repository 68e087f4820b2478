import type { IpAssignment } from '../../../server/domain/ip-assignment';
import type { IpPool } from '../../../server/domain/ip-pool';
import { serviceNetwork } from '../../../server/domain/service-network';

const at = new Date('2026-12-06T10:00:00Z');
const pool = (over: Partial<IpPool>): IpPool => ({
  id: 1,
  revision: 0,
  name: 'pub-v4',
  cluster: 'Default',
  network: 'ovirtmgmt',
  family: 4,
  cidr: '192.0.2.0/24',
  gateway: '192.0.2.1',
  dns: ['192.0.2.53'],
  dnsSearch: ['example.com'],
  ranges: [],
  prefixPerService: 32,
  quarantineMinutes: 60,
  createdAt: at,
  updatedAt: at,
  ...over,
});
const held = (over: Partial<IpAssignment>): IpAssignment => ({
  id: 1,
  poolId: 1,
  address: '192.0.2.10',
  family: 4,
  serviceRowId: 7,
  lastServiceRowId: 7,
  billingServiceId: 'svc-7',
  heldSince: at,
  releasedAt: null,
  quarantineUntil: null,
  ...over,
});

describe('the network a VPS configures', () => {
  const v4 = pool({});
  const v6 = pool({
    id: 2,
    name: 'pub-v6',
    family: 6,
    network: 'public-v6',
    cidr: '2001:db8:1::/48',
    gateway: 'fe80::1',
    dns: ['2001:db8::53', '192.0.2.53'],
    dnsSearch: ['example.com', 'example.net'],
    prefixPerService: 56,
  });

  test('when a service holds both families, then it uses ::1 of its prefix, the v4 pool\u2019s vNIC profile, and DNS from both without repeats', () => {
    expect(serviceNetwork([held({}), held({ id: 2, poolId: 2, family: 6, address: '2001:db8:1:500::/56' })], [v4, v6])).toEqual({
      ipv4: ['192.0.2.10'],
      ipv6: ['2001:db8:1:500::1/56'],
      ipv6Prefixes: ['2001:db8:1:500::/56'],
      gatewayV4: '192.0.2.1',
      netmaskV4: '255.255.255.0',
      prefixLengthV4: 24,
      gatewayV6: 'fe80::1',
      dns: ['192.0.2.53', '2001:db8::53'],
      dnsSearch: ['example.com', 'example.net'],
      network: 'ovirtmgmt',
      pools: ['pub-v4', 'pub-v6'],
    });
  });

  test('when a service holds only a v6 prefix, then the v6 pool\u2019s profile is used and the v4 fields are empty', () => {
    const n = serviceNetwork([held({ id: 2, poolId: 2, family: 6, address: '2001:db8:1:500::/56' })], [v4, v6])!;
    expect(n).toMatchObject({ ipv4: [], gatewayV4: null, netmaskV4: null, prefixLengthV4: null, network: 'public-v6', pools: ['pub-v6'] });
  });

  test('when nothing is held, then there is no network to configure', () => {
    expect(serviceNetwork([], [v4, v6])).toBeUndefined();
  });
});
