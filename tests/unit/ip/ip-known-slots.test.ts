import fc from 'fast-check';
import { KnownSlots } from '../../../server/domain/ip-known-slots';
import { buildPool, type IpPoolInput, slotAt, slotText, spaceContains } from '../../../server/domain/ip-pool';

const v4Pool = (over: Partial<IpPoolInput> = {}): IpPoolInput => ({
  name: 'pub-v4',
  cluster: 'Default',
  network: 'ovirtmgmt',
  cidr: '192.0.2.0/24',
  gateway: '192.0.2.1',
  dns: [],
  dnsSearch: [],
  ranges: [{ from: '192.0.2.10', to: '192.0.2.250' }],
  quarantineMinutes: 60,
  ...over,
});

const spaceOf = (input: IpPoolInput) => {
  const built = buildPool(input);
  if (!built.space) throw new Error('invalid pool');
  return built.space;
};

/** A fixed sequence of "random" numbers, repeated. */
const sequence =
  (...values: number[]) =>
  () => {
    const v = values.shift() ?? 0;
    values.push(v);
    return v;
  };

describe('KnownSlots', () => {
  test('when slots are handed out, then they go on from a random start, one after the other, skipping those known taken', () => {
    const space = spaceOf(v4Pool());
    const known = new KnownSlots(['192.0.2.111'], sequence(100 / 241));
    expect(known.next(space)?.address).toBe('192.0.2.110');
    expect(known.has('192.0.2.110')).toBe(true);
    expect(known.next(space)?.address).toBe('192.0.2.112');
  });

  test('when the cursor reaches the end of the pool, then it wraps to the start', () => {
    const space = spaceOf(v4Pool({ ranges: [{ from: '192.0.2.10', to: '192.0.2.12' }] }));
    const known = new KnownSlots([], sequence(0.99));
    expect([known.next(space)?.address, known.next(space)?.address]).toEqual(['192.0.2.12', '192.0.2.10']);
  });

  test('when scattered after a lost slot, then the next one comes from a new random place', () => {
    const space = spaceOf(v4Pool());
    const known = new KnownSlots([], sequence(0, 0.5));
    expect(known.next(space)?.address).toBe('192.0.2.10');
    known.scatter();
    expect(known.next(space)?.address).toBe(slotText(space, slotAt(space, 120n)!));
  });

  test('when every slot is known taken, then none is handed out', () => {
    const space = spaceOf(v4Pool({ ranges: [{ from: '192.0.2.10', to: '192.0.2.13' }] }));
    const known = new KnownSlots(['192.0.2.10', '192.0.2.11', '192.0.2.12', '192.0.2.13'], Math.random);
    expect(known.next(space)).toBeUndefined();
  });

  test('property: a slot handed out is in the pool and not known taken, and the same slot is not handed out twice', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 40 }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 8 }),
        (count, takenIndexes, randoms) => {
          const space = spaceOf(v4Pool({ ranges: [{ from: '192.0.2.10', to: `192.0.2.${10 + count - 1}` }] }));
          const taken = takenIndexes.filter((i) => i < count).map((i) => slotText(space, slotAt(space, BigInt(i))!));
          const known = new KnownSlots(taken, sequence(...randoms));
          const handed = new Set<string>();
          for (let i = 0; i < count; i++) {
            const next = known.next(space);
            if (!next) break;
            expect(spaceContains(space, next.slot)).toBe(true);
            expect(taken).not.toContain(next.address);
            expect(handed.has(next.address)).toBe(false);
            handed.add(next.address);
          }
          // Small pools are scanned whole from the cursor: every free slot is found.
          expect(handed.size).toBe(count - taken.length);
        },
      ),
    );
  });
});
