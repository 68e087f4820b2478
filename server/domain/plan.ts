/**
 * A plan maps a billing product to what oVirt builds for it and to the SLA sold with it.
 * The cross-field rules live here, pure, so create, replace and partial update all apply the same ones.
 */
import type { FieldProblem } from '../errors';

export interface CreditTier {
  /** The credit applies when the month's uptime is below this percentage. */
  belowPercent: number;
  /** Credit as a percentage of the month's fee. */
  creditPercent: number;
}

export interface PlanInput {
  productId: string;
  name: string;
  template: string;
  cluster: string;
  vcpus: number;
  memoryMib: number;
  ha: { enabled: boolean; priority: number };
  sla: {
    targetPercent: number;
    creditTiers: CreditTier[];
    /** Whether time the bridge cannot account for counts against the SLA (default true). */
    unknownCountsAsDown: boolean;
    /** Whether a loss of contact with the host while the VPS kept running counts as downtime (default false). */
    contactLossCountsAsDown: boolean;
    /** Whether an admin's stop outside any announced maintenance window is left out of the SLA (default false). */
    unannouncedAdminStopsExcluded: boolean;
    /** IANA zone of the SLA's calendar months (default UTC). */
    timeZone: string;
  };
  /** `enforce` refuses an HA order that would break the failover reserve; `warn` sells it and logs a warning. */
  failoverGate: FailoverGateMode;
  /** Boot disk size in GiB; null keeps each template's own size. Grown before the first start, never shrunk. */
  diskGib: number | null;
  /** Operating systems an order may pick (`os`); empty means the plan's `template` only. */
  osOptions: OsOption[];
  /** IP pools (names) the plan's services draw from; empty means every pool of the plan's cluster. */
  ipPools: string[];
}

/** One operating system an order may choose: `key` travels in the order, `label` is for people. */
export interface OsOption {
  key: string;
  label: string;
  template: string;
}

/** The OS an order gets: its `os` key among the plan's options, or the plan's template when it names none. */
export type OsChoice = { key: string | null; label: string | null; template: string };

/**
 * Which template an order's `os` key means. Undefined when the key is unknown to the plan; an order without a key (or
 * a plan without options) gets the plan's template. The key of the option whose template is the plan's own is kept,
 * so the service shows its OS.
 */
export function osChoiceFor(plan: Pick<PlanInput, 'template' | 'osOptions'>, key: string | null | undefined): OsChoice | undefined {
  if (key === null || key === undefined) {
    const own = plan.osOptions.find((o) => o.template === plan.template);
    return { key: own?.key ?? null, label: own?.label ?? null, template: plan.template };
  }
  const option = plan.osOptions.find((o) => o.key === key);
  return option ? { key: option.key, label: option.label, template: option.template } : undefined;
}

/** Every template a plan may build from: its own and each OS option's, once each. */
export function planTemplates(plan: Pick<PlanInput, 'template' | 'osOptions'>): string[] {
  return [...new Set([plan.template, ...plan.osOptions.map((o) => o.template)])];
}

export type FailoverGateMode = 'enforce' | 'warn';

export interface Plan extends PlanInput {
  id: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The oVirt UI's named priorities; the API stores the number (0-100). */
export const HA_PRIORITY_LEVELS = { low: 1, medium: 50, high: 100 } as const;
export type HaPriorityLabel = keyof typeof HA_PRIORITY_LEVELS;

/**
 * The oVirt UI label for a stored priority. The UI shows the nearest of its three levels for values set through the
 * API, so we do the same (1-25 low, 26-75 medium, above high); 0 is "none" (restarted last).
 */
export function haPriorityLabel(priority: number): HaPriorityLabel | 'none' {
  if (priority <= 0) return 'none';
  if (priority <= 25) return 'low';
  if (priority <= 75) return 'medium';
  return 'high';
}

/** Credit tiers, most generous last: sorted by threshold, highest threshold first. */
export function sortCreditTiers(tiers: CreditTier[]): CreditTier[] {
  return [...tiers].sort((a, b) => b.belowPercent - a.belowPercent);
}

/**
 * Rules that involve more than one field. Each tier must sit at or below the SLA target (a credit above the target
 * would pay out while the promise is kept), thresholds must differ, and a lower uptime must never earn a smaller
 * credit.
 */
export function planProblems(plan: PlanInput): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const tiers = plan.sla.creditTiers;
  const seen = new Set<number>();
  tiers.forEach((tier, i) => {
    if (tier.belowPercent > plan.sla.targetPercent) {
      problems.push({
        field: `sla.credit_tiers.${i}.below_percent`,
        message: `must not be above the SLA target of ${plan.sla.targetPercent}%`,
      });
    }
    if (seen.has(tier.belowPercent)) {
      problems.push({ field: `sla.credit_tiers.${i}.below_percent`, message: `${tier.belowPercent} appears twice` });
    }
    seen.add(tier.belowPercent);
  });
  const keys = new Set<string>();
  plan.osOptions.forEach((option, i) => {
    if (keys.has(option.key)) problems.push({ field: `os_options.${i}.key`, message: `${option.key} appears twice` });
    keys.add(option.key);
  });
  const pools = new Set<string>();
  plan.ipPools.forEach((pool, i) => {
    if (pools.has(pool)) problems.push({ field: `ip_pools.${i}`, message: `${pool} appears twice` });
    pools.add(pool);
  });
  const sorted = sortCreditTiers(tiers);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (prev && cur && cur.creditPercent < prev.creditPercent) {
      problems.push({
        field: 'sla.credit_tiers',
        message:
          `below ${cur.belowPercent}% the credit (${cur.creditPercent}%) must be at least the credit below ${prev.belowPercent}% ` +
          `(${prev.creditPercent}%)`,
      });
    }
  }
  return problems;
}
