import fc from 'fast-check';
import { assignmentState, quarantineEnd } from '../../../server/domain/ip-assignment';
import {
  buildPool,
  canonicalPool,
  hostAddress,
  type IpPoolInput,
  pickFreeSlot,
  slotAt,
  slotIndex,
  slotOf,
  slotText,
  spaceContains,
} from '../../../server/domain/ip-pool';

const v4Pool = (over: Partial<IpPoolInput> = {}): IpPoolInput => ({
  name: 'pub-v4',
  cluster: 'Default',
  network: 'ovirtmgmt',
  cidr: '192.0.2.0/24',
  gateway: '192.0.2.1',
  dns: ['192.0.2.53'],
  dnsSearch: [],
  ranges: [{ from: '192.0.2.10', to: '192.0.2.250' }],
  quarantineMinutes: 60,
  ...over,
});
const v6Pool = (over: Partial<IpPoolInput> = {}): IpPoolInput =>
  v4Pool({ name: 'pub-v6', cidr: '2001:db8:1::/48', gateway: 'fe80::1', dns: ['2001:db8::53'], ranges: [], ...over });

const fields = (input: IpPoolInput) => (buildPool(input).problems ?? []).map((p) => p.field);

describe('IP pools', () => {
  test('when a v4 pool is valid, then its size is its ranges less network, broadcast and gateway inside them', () => {
    expect(buildPool(v4Pool()).space?.size).toBe(241n);
    expect(buildPool(v4Pool({ ranges: [] })).space?.size).toBe(253n);
    expect(buildPool(v4Pool({ ranges: [{ from: '192.0.2.0', to: '192.0.2.9' }] })).space?.size).toBe(8n);
  });

  test('when a v6 pool has no ranges, then it is the whole cidr split into /64s, less the gateway\u2019s when inside', () => {
    expect(buildPool(v6Pool()).space?.size).toBe(65536n);
    expect(buildPool(v6Pool({ gateway: '2001:db8:1::1' })).space?.size).toBe(65535n);
    expect(buildPool(v6Pool({ prefixPerService: 56 })).space?.size).toBe(256n);
  });

  test.each<[string, Partial<IpPoolInput>, string[]]>([
    ['a cidr that is junk', { cidr: 'nope' }, ['cidr']],
    ['a cidr with host bits', { cidr: '192.0.2.1/24' }, ['cidr']],
    ['a gateway outside the cidr', { gateway: '198.51.100.1' }, ['gateway']],
    ['a gateway of the other family', { gateway: '2001:db8::1' }, ['gateway']],
    ['a range outside the cidr', { ranges: [{ from: '192.0.2.10', to: '192.0.3.5' }] }, ['ranges.0.to']],
    ['a range backwards', { ranges: [{ from: '192.0.2.20', to: '192.0.2.10' }] }, ['ranges.0.to']],
    [
      'overlapping ranges',
      {
        ranges: [
          { from: '192.0.2.10', to: '192.0.2.20' },
          { from: '192.0.2.15', to: '192.0.2.30' },
        ],
      },
      ['ranges.1'],
    ],
    ['a bad dns server and search domain', { dns: ['192.0.2.053'], dnsSearch: ['bad domain'] }, ['dns.0', 'dns_search.0']],
    ['a prefix per service on a v4 pool', { prefixPerService: 64 }, ['prefix_per_service']],
    ['a range of only reserved addresses', { ranges: [{ from: '192.0.2.1', to: '192.0.2.1' }] }, ['ranges']],
  ])('when a v4 pool has %s, then the field is named', (_what, over, expected) => {
    expect(fields(v4Pool(over))).toEqual(expected);
  });

  test.each<[string, Partial<IpPoolInput>, string[]]>([
    ['a gateway that is neither inside nor link-local', { gateway: '2001:db8:2::1' }, ['gateway']],
    ['a prefix per service shorter than the cidr', { prefixPerService: 40 }, ['prefix_per_service']],
    ['a range of unaligned prefixes', { ranges: [{ from: '2001:db8:1:5::1', to: '2001:db8:1:9::' }] }, ['ranges.0.from']],
    ['a range with another prefix length', { ranges: [{ from: '2001:db8:1:5::/56', to: '2001:db8:1:9::/64' }] }, ['ranges.0.from']],
    ['too many prefixes', { cidr: '2001:db8::/32', prefixPerService: 96 }, ['prefix_per_service']],
  ])('when a v6 pool has %s, then the field is named', (_what, over, expected) => {
    expect(fields(v6Pool(over))).toEqual(expected);
  });

  test('a v6 range is of prefixes, given as prefixes or their first addresses, stored canonical', () => {
    const input = v6Pool({ ranges: [{ from: '2001:DB8:1:5::', to: '2001:db8:1:0009::/64' }] });
    const space = buildPool(input).space!;
    expect(space.size).toBe(5n);
    expect(canonicalPool(input, space).ranges).toEqual([{ from: '2001:db8:1:5::/64', to: '2001:db8:1:9::/64' }]);
    expect(slotText(space, slotAt(space, 0n)!)).toBe('2001:db8:1:5::/64');
    expect(hostAddress(space, slotAt(space, 4n)!)).toBe('2001:db8:1:9::1/64');
  });

  test('reserved addresses are never handed out and slotAt/slotIndex are inverse', () => {
    const space = buildPool(
      v4Pool({
        ranges: [
          { from: '192.0.2.0', to: '192.0.2.3' },
          { from: '192.0.2.250', to: '192.0.2.255' },
        ],
      }),
    ).space!;
    const all = Array.from({ length: Number(space.size) }, (_, i) => slotText(space, slotAt(space, BigInt(i))!));
    expect(all).toEqual(['192.0.2.2', '192.0.2.3', '192.0.2.250', '192.0.2.251', '192.0.2.252', '192.0.2.253', '192.0.2.254']);
    expect(slotAt(space, space.size)).toBeUndefined();
    all.forEach((a, i) => expect(slotIndex(space, slotOf(space, a)!)).toBe(BigInt(i)));
    expect(slotIndex(space, slotOf(space, '192.0.2.1')!)).toBeUndefined();
  });

  const anyV4Space = fc
    .record({
      base: fc.integer({ min: 0, max: 200 }),
      len: fc.integer({ min: 0, max: 50 }),
      gw: fc.integer({ min: 1, max: 254 }),
    })
    .map(
      ({ base, len, gw }) =>
        buildPool(v4Pool({ gateway: `192.0.2.${gw}`, ranges: [{ from: `192.0.2.${base}`, to: `192.0.2.${Math.min(255, base + len)}` }] }))
          .space,
    )
    .filter((s) => s !== undefined);

  test('property: every index maps to a handed-out slot and back; indexes past the size map to nothing', () => {
    fc.assert(
      fc.property(anyV4Space, (space) => {
        const seen = new Set<bigint>();
        for (let i = 0n; i < space!.size; i++) {
          const slot = slotAt(space!, i)!;
          expect(spaceContains(space!, slot)).toBe(true);
          expect(slotIndex(space!, slot)).toBe(i);
          seen.add(slot);
        }
        expect(seen.size).toBe(Number(space!.size));
        expect(slotAt(space!, space!.size)).toBeUndefined();
      }),
    );
  });

  test('property: picking until exhausted hands out every slot exactly once, then nothing', () => {
    fc.assert(
      fc.property(anyV4Space, fc.integer(), (space, seed) => {
        let s = seed >>> 0;
        const random = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
        const taken: bigint[] = [];
        for (let i = 0n; i < space!.size; i++) {
          const slot = pickFreeSlot(space!, taken, random);
          expect(slot).toBeDefined();
          const index = slotIndex(space!, slot!)!;
          expect(taken).not.toContain(index);
          taken.push(index);
        }
        expect(pickFreeSlot(space!, taken, random)).toBeUndefined();
      }),
      { numRuns: 50 },
    );
  });

  test('property: a released address is quarantined strictly before its quarantine end and free from it on', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: -10_000_000, max: 10_000_000 }),
        (released, minutes, offset) => {
          const until = quarantineEnd(released, minutes);
          const now = new Date(until.getTime() + offset);
          const state = assignmentState({ serviceRowId: null, quarantineUntil: until }, now);
          expect(state).toBe(offset < 0 ? 'quarantined' : 'free');
          expect(assignmentState({ serviceRowId: 7, quarantineUntil: null }, now)).toBe('held');
        },
      ),
    );
  });
});
