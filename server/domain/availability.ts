/**
 * Seconds-based availability arithmetic, pure. A service's record is a set of classified spans (down, unknown,
 * excluded) that may overlap; a period is measured only where the service was active. Where spans overlap, the
 * seconds count once, by precedence: excluded (planned or customer-caused: we know why) over down over unknown.
 *
 *   measured  = the part of the period inside the active window
 *   SLA base  = measured − excluded − (unknown, when unknown does not count as down)
 *   SLA up    = SLA base − down − (unknown, when it counts as down)
 *   uptime %  = 100 × SLA up / SLA base (null when the base is empty)
 */
import type { CreditTier } from './plan';
import type { SecondsBreakdown, TimeClass } from './uptime-report';

export interface Span {
  /** Epoch ms, inclusive. */
  start: number;
  /** Epoch ms, exclusive; a span still open is passed with its end at "now". */
  end: number;
  cls: TimeClass;
}

export interface ActiveWindow {
  /** First moment that counts (the VPS first ran); null when it never ran. */
  from: number | null;
  /** Last moment that counts (termination); null while the service lives. */
  to: number | null;
}

const RANK: Readonly<Record<TimeClass, number>> = { unknown: 1, down: 2, excluded: 3 };
const BY_RANK: readonly TimeClass[] = ['unknown', 'down', 'excluded'];

export interface Milliseconds {
  measured: number;
  down: number;
  unknown: number;
  excluded: number;
}

/** The milliseconds of [from, to) inside the active window, split by class. Overlaps count once, by precedence. */
export function measureMs(spans: readonly Span[], from: number, to: number, active: ActiveWindow): Milliseconds {
  const lo = Math.max(from, active.from ?? Number.POSITIVE_INFINITY);
  const hi = Math.min(to, active.to ?? Number.POSITIVE_INFINITY);
  const out: Milliseconds = { measured: 0, down: 0, unknown: 0, excluded: 0 };
  if (!(hi > lo)) return out;
  out.measured = hi - lo;
  // Sweep the clipped spans' edges; between two edges the highest-ranked class present owns the time.
  const edges: Array<[number, number, number]> = [];
  for (const s of spans) {
    const a = Math.max(s.start, lo);
    const b = Math.min(s.end, hi);
    if (b > a) {
      edges.push([a, 1, RANK[s.cls]], [b, -1, RANK[s.cls]]);
    }
  }
  if (edges.length === 0) return out;
  edges.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const open = [0, 0, 0, 0];
  let prev = edges[0]?.[0] ?? lo;
  for (const [t, delta, rank] of edges) {
    if (t > prev) {
      const top = open[3] ? 3 : open[2] ? 2 : open[1] ? 1 : 0;
      if (top > 0) out[BY_RANK[top - 1] as TimeClass] += t - prev;
      prev = t;
    }
    open[rank] = (open[rank] ?? 0) + delta;
  }
  return out;
}

/** Uptime in percent from milliseconds; null when nothing of the period counts for the SLA. */
export function uptimePercent(ms: Milliseconds, unknownCountsAsDown: boolean): number | null {
  const base = ms.measured - ms.excluded - (unknownCountsAsDown ? 0 : ms.unknown);
  if (base <= 0) return null;
  const up = base - ms.down - (unknownCountsAsDown ? ms.unknown : 0);
  return (100 * up) / base;
}

/** Decimals an uptime figure is told with: the panel's API and the client area give the same number. */
export const TOLD_DECIMALS = 3;

/**
 * An uptime figure as it is told to people and panels: floored to `decimals`, never rounded up, so 99.9996 % is not
 * "100" and a figure never reads better than the one the SLA is judged on; exactly 100 only when nothing counted.
 * Null stays null (nothing measured).
 */
export function toldPercent(percent: number | null, decimals = TOLD_DECIMALS): number | null {
  if (percent === null || !Number.isFinite(percent)) return null;
  if (percent >= 100) return 100;
  const scale = 10 ** decimals;
  // The epsilon keeps binary noise (99.982 stored as 99.98199999…) from losing a digit.
  return Math.floor(Math.max(0, percent) * scale + 1e-7) / scale;
}

/** The breakdown of a period in whole seconds with its uptime. */
export function breakdown(
  spans: readonly Span[],
  from: number,
  to: number,
  active: ActiveWindow,
  unknownCountsAsDown: boolean,
): SecondsBreakdown {
  const ms = measureMs(spans, from, to, active);
  return {
    measuredSeconds: Math.round(ms.measured / 1000),
    downSeconds: Math.round(ms.down / 1000),
    unknownSeconds: Math.round(ms.unknown / 1000),
    excludedSeconds: Math.round(ms.excluded / 1000),
    uptimePercent: uptimePercent(ms, unknownCountsAsDown),
  };
}

/**
 * The credit owed for a month's uptime: the largest credit among the tiers whose threshold the uptime is below
 * (tiers are validated so that a lower uptime never earns less). 0 when the target was met or nothing was measured.
 */
export function creditFor(uptime: number | null, tiers: readonly CreditTier[]): number {
  if (uptime === null) return 0;
  let credit = 0;
  for (const tier of tiers) {
    if (uptime < tier.belowPercent) credit = Math.max(credit, tier.creditPercent);
  }
  return credit;
}
