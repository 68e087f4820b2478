import fc from 'fast-check';
import { breakdown, creditFor, measureMs, type Span, uptimePercent } from '../../../server/domain/availability';
import { uptimeDays, uptimeMonth } from '../../../server/domain/uptime-figures';
import type { TimeClass } from '../../../server/domain/uptime-report';
import { addZonedDays, startOfZonedMonth, zonedMidnight, zonedParts } from '../../../server/domain/zoned-time';

const S = 1000;
const CLASSES: TimeClass[] = ['down', 'unknown', 'excluded'];
const RANK: Record<TimeClass, number> = { unknown: 1, down: 2, excluded: 3 };

/** Second by second, the highest-ranked class covering it: the slow, obviously right reference. */
function reference(spans: Span[], from: number, to: number, activeFrom: number | null, activeTo: number | null) {
  const out = { measured: 0, down: 0, unknown: 0, excluded: 0 };
  for (let t = from; t < to; t += S) {
    if (activeFrom === null || t < activeFrom || (activeTo !== null && t >= activeTo)) continue;
    out.measured += S;
    let top: TimeClass | undefined;
    for (const s of spans) if (s.start <= t && t < s.end && (!top || RANK[s.cls] > RANK[top])) top = s.cls;
    if (top) out[top] += S;
  }
  return out;
}

const spanArb = fc
  .tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 120 }), fc.constantFrom(...CLASSES))
  .map(([start, len, cls]): Span => ({ start: start * S, end: (start + len) * S, cls }));

describe('availability arithmetic', () => {
  test('overlapping spans count once, excluded over down over unknown, only inside the active window (property)', () => {
    fc.assert(
      fc.property(
        fc.array(spanArb, { maxLength: 12 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 250 }),
        fc.option(fc.integer({ min: 0, max: 300 }), { nil: null }),
        fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }),
        (spans, a, len, activeFrom, activeTo) => {
          const from = a * S;
          const to = (a + len) * S;
          const active = { from: activeFrom === null ? null : activeFrom * S, to: activeTo === null ? null : activeTo * S };
          expect(measureMs(spans, from, to, active)).toEqual(reference(spans, from, to, active.from, active.to));
        },
      ),
      { numRuns: 400 },
    );
  });

  test('two adjacent periods add up to the period that holds both (property)', () => {
    fc.assert(
      fc.property(
        fc.array(spanArb, { maxLength: 10 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        (spans, a, l1, l2) => {
          const active = { from: 0, to: null };
          const x = measureMs(spans, a * S, (a + l1) * S, active);
          const y = measureMs(spans, (a + l1) * S, (a + l1 + l2) * S, active);
          const whole = measureMs(spans, a * S, (a + l1 + l2) * S, active);
          expect({
            measured: x.measured + y.measured,
            down: x.down + y.down,
            unknown: x.unknown + y.unknown,
            excluded: x.excluded + y.excluded,
          }).toEqual(whole);
        },
      ),
    );
  });

  test('uptime stays within 0-100 and unknown lowers it only when it counts as down (property)', () => {
    fc.assert(
      fc.property(fc.array(spanArb, { maxLength: 10 }), (spans) => {
        const ms = measureMs(spans, 0, 500 * S, { from: 0, to: null });
        for (const counts of [true, false]) {
          const p = uptimePercent(ms, counts);
          if (p !== null) {
            expect(p).toBeGreaterThanOrEqual(0);
            expect(p).toBeLessThanOrEqual(100);
          }
        }
        const withUnknown = uptimePercent(ms, true);
        const without = uptimePercent(ms, false);
        if (withUnknown !== null && without !== null) expect(withUnknown).toBeLessThanOrEqual(without + 1e-9);
      }),
    );
  });

  test('when a 2 min 33 s outage falls in a 24 h window, then uptime is 1 - 153/86400', () => {
    const now = Date.UTC(2026, 10, 3, 12);
    const spans: Span[] = [{ start: now - 3600 * S, end: now - 3600 * S + 153 * S, cls: 'down' }];
    const b = breakdown(spans, now - 86_400 * S, now, { from: 0, to: null }, true);
    expect(b.downSeconds).toBe(153);
    expect(b.uptimePercent).toBeCloseTo(100 * (1 - 153 / 86_400), 10);
  });

  test('when planned time is excluded, then it neither counts as down nor as measured for the SLA', () => {
    const spans: Span[] = [{ start: 0, end: 3600 * S, cls: 'excluded' }];
    const b = breakdown(spans, 0, 7200 * S, { from: 0, to: null }, true);
    expect(b).toMatchObject({ measuredSeconds: 7200, excludedSeconds: 3600, downSeconds: 0, uptimePercent: 100 });
  });

  test('credit is the largest tier the uptime falls below, 0 when met or unmeasured', () => {
    const tiers = [
      { belowPercent: 99.9, creditPercent: 5 },
      { belowPercent: 99, creditPercent: 10 },
      { belowPercent: 95, creditPercent: 25 },
    ];
    expect([99.95, 99.9, 99.5, 98, 90].map((u) => creditFor(u, tiers))).toEqual([0, 0, 5, 10, 25]);
    expect(creditFor(null, tiers)).toBe(0);
  });
});

describe('calendar edges', () => {
  test('an outage across midnight is split between the two days', () => {
    const midnight = Date.UTC(2026, 10, 4);
    const spans: Span[] = [{ start: midnight - 80 * S, end: midnight + 859 * S, cls: 'down' }];
    const days = uptimeDays(
      {
        spans,
        active: { from: 0, to: null },
        now: midnight + 12 * 3600 * S,
        timeZone: 'UTC',
        unknownCountsAsDown: true,
        sla: { targetPercent: 99.9, creditTiers: [] },
      },
      2,
      [{ start: spans[0]!.start, end: spans[0]!.end }],
    );
    expect(days.map((d) => [d.date, d.downSeconds, d.incidents])).toEqual([
      ['2026-11-03', 80, 1],
      ['2026-11-04', 859, 1],
    ]);
  });

  test('months follow the plan time zone, daylight saving included: the days of a month add up to it (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('UTC', 'Europe/Amsterdam', 'America/New_York', 'Asia/Kolkata'),
        fc.integer({ min: 0, max: 23 }),
        fc.array(spanArb, { maxLength: 6 }),
        (tz, monthOffset, raw) => {
          const monthStart = zonedMidnight(2026, 1 + monthOffset, 1, tz);
          const spans = raw.map((s) => ({ ...s, start: monthStart + s.start * 3000, end: monthStart + s.end * 3000 }));
          const now = monthStart + 40 * 86_400 * S;
          const input = {
            spans,
            active: { from: 0, to: null },
            now,
            timeZone: tz,
            unknownCountsAsDown: true,
            sla: { targetPercent: 99.9, creditTiers: [] },
          };
          const month = uptimeMonth(input, monthStart + 86_400 * S);
          expect(month.from.getTime()).toBe(monthStart);
          expect(startOfZonedMonth(month.to.getTime(), tz)).toBe(month.to.getTime());
          let sum = 0;
          let down = 0;
          for (let d = monthStart; d < month.to.getTime(); d = addZonedDays(d, 1, tz)) {
            const b = measureMs(spans, d, addZonedDays(d, 1, tz), input.active);
            sum += b.measured;
            down += b.down;
          }
          expect(sum).toBe(month.to.getTime() - monthStart);
          expect(Math.round(down / 1000)).toBe(month.downSeconds);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('a month in Amsterdam starts at local midnight, an hour before UTC midnight in winter', () => {
    expect(new Date(zonedMidnight(2026, 11, 1, 'Europe/Amsterdam')).toISOString()).toBe('2026-10-31T23:00:00.000Z');
    expect(new Date(zonedMidnight(2026, 7, 1, 'Europe/Amsterdam')).toISOString()).toBe('2026-06-30T22:00:00.000Z');
  });

  test('when the service started mid-month, then only the time since then is measured', () => {
    const start = Date.UTC(2026, 10, 16);
    const now = Date.UTC(2026, 10, 20);
    const month = uptimeMonth(
      {
        spans: [],
        active: { from: start, to: null },
        now,
        timeZone: 'UTC',
        unknownCountsAsDown: true,
        sla: { targetPercent: 99.9, creditTiers: [] },
      },
      now,
    );
    expect(month.measuredSeconds).toBe(4 * 86_400);
    expect(month.sla).toEqual({ targetPercent: 99.9, met: true, creditPercent: 0, complete: false });
  });
});

describe('zoned readings', () => {
  test('the cached reading agrees with Intl at every instant, across daylight-saving changes (property)', () => {
    const tzs = ['Europe/Amsterdam', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'UTC'];
    fc.assert(
      fc.property(fc.constantFrom(...tzs), fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }), (tz, ms) => {
        const f = new Intl.DateTimeFormat('en-US', {
          timeZone: tz,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
        });
        const parts = Object.fromEntries(
          f
            .formatToParts(new Date(ms))
            .filter((p) => p.type !== 'literal')
            .map((p) => [p.type, Number(p.value)]),
        );
        expect(zonedParts(ms, tz)).toEqual({
          year: parts.year,
          month: parts.month,
          day: parts.day,
          hour: parts.hour,
          minute: parts.minute,
          second: parts.second,
        });
      }),
      { numRuns: 3000 },
    );
  });
});
