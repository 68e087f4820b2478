/**
 * The plan form ↔ the API's plan JSON. The console validates exactly as the JSON API does: the form's flat fields are
 * built into the documented body shape and parsed with the same `planBody` schema, and the failing API fields
 * (`sla.credit_tiers.0.below_percent`) are named back as the form's inputs (`tier_below_0`).
 */
import { type Plan, type PlanInput, HA_PRIORITY_LEVELS, haPriorityLabel } from '../../../domain/plan';
import type { FieldProblem } from '../../../errors';
import { parseOrThrow } from '../../middleware/validate';
import { planBody } from '../admin-plans.schema';
import type { PlanFormValues, PriorityChoice } from '../../view-models/admin-plans';

/** Rows of credit-tier inputs: a few for a new plan, every stored tier (the API allows 10) plus none for an edit. */
export const TIER_ROWS = 3;
const MAX_TIER_ROWS = 10;

const CHOICES: readonly PriorityChoice[] = ['low', 'medium', 'high'];

function blankTiers(count: number): PlanFormValues['tiers'] {
  return Array.from({ length: count }, () => ({ below: '', credit: '' }));
}

export function planFormDefaults(): PlanFormValues {
  return {
    product_id: '',
    name: '',
    template: '',
    cluster: '',
    vcpus: '2',
    memory_mib: '4096',
    ha_enabled: true,
    ha_priority: 'medium',
    ha_priority_exact: '',
    sla_target_percent: '99.9',
    tiers: blankTiers(TIER_ROWS),
    sla_time_zone: 'UTC',
    sla_unknown_counts_as_down: true,
    sla_contact_loss_counts_as_down: false,
    sla_unannounced_admin_stops_excluded: false,
    failover_gate: 'enforce',
    disk_gib: '',
    os_options: '',
    ip_pools: '',
  };
}

export function planFormFromPlan(plan: Plan): PlanFormValues {
  const label = haPriorityLabel(plan.ha.priority);
  // A priority set through the API to a number other than the three levels is shown as the exact number.
  const named = label !== 'none' && HA_PRIORITY_LEVELS[label] === plan.ha.priority;
  const tiers = plan.sla.creditTiers.map((t) => ({ below: String(t.belowPercent), credit: String(t.creditPercent) }));
  return {
    product_id: plan.productId,
    name: plan.name,
    template: plan.template,
    cluster: plan.cluster,
    vcpus: String(plan.vcpus),
    memory_mib: String(plan.memoryMib),
    ha_enabled: plan.ha.enabled,
    ha_priority: label === 'none' ? 'low' : label,
    ha_priority_exact: named ? '' : String(plan.ha.priority),
    sla_target_percent: String(plan.sla.targetPercent),
    tiers: [...tiers, ...blankTiers(Math.max(0, TIER_ROWS - tiers.length))],
    sla_time_zone: plan.sla.timeZone,
    sla_unknown_counts_as_down: plan.sla.unknownCountsAsDown,
    sla_contact_loss_counts_as_down: plan.sla.contactLossCountsAsDown,
    sla_unannounced_admin_stops_excluded: plan.sla.unannouncedAdminStopsExcluded,
    failover_gate: plan.failoverGate,
    disk_gib: plan.diskGib === null ? '' : String(plan.diskGib),
    os_options: plan.osOptions.map((o) => `${o.key} | ${o.label} | ${o.template}`).join('\n'),
    ip_pools: plan.ipPools.join(', '),
  };
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The posted urlencoded form as form values; unknown keys are ignored, unchecked boxes are absent (false). */
export function planFormFromBody(body: unknown): PlanFormValues {
  const b = (body ?? {}) as Record<string, unknown>;
  const rows = Math.min(
    MAX_TIER_ROWS,
    Math.max(TIER_ROWS, ...Object.keys(b).map((k) => Number(/^tier_(?:below|credit)_(\d+)$/.exec(k)?.[1] ?? -1) + 1)),
  );
  const priority = text(b.ha_priority);
  return {
    product_id: text(b.product_id),
    name: text(b.name),
    template: text(b.template),
    cluster: text(b.cluster),
    vcpus: text(b.vcpus),
    memory_mib: text(b.memory_mib),
    ha_enabled: b.ha_enabled !== undefined,
    ha_priority: (CHOICES as readonly string[]).includes(priority) ? (priority as PriorityChoice) : 'medium',
    ha_priority_exact: text(b.ha_priority_exact),
    sla_target_percent: text(b.sla_target_percent),
    tiers: Array.from({ length: rows }, (_, i) => ({ below: text(b[`tier_below_${i}`]), credit: text(b[`tier_credit_${i}`]) })),
    sla_time_zone: text(b.sla_time_zone),
    sla_unknown_counts_as_down: b.sla_unknown_counts_as_down !== undefined,
    sla_contact_loss_counts_as_down: b.sla_contact_loss_counts_as_down !== undefined,
    sla_unannounced_admin_stops_excluded: b.sla_unannounced_admin_stops_excluded !== undefined,
    failover_gate: text(b.failover_gate),
    disk_gib: text(b.disk_gib),
    os_options: text(b.os_options),
    ip_pools: text(b.ip_pools),
  };
}

/**
 * The OS lines as the API's objects. A line that does not split into three parts keeps its text in `key`, so the
 * schema names the line (`os_options.2.key`) rather than the form silently dropping it.
 */
function osOptionsFromText(text: string): Array<{ key: string; label: string; template: string }> {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const parts = line.split('|').map((p) => p.trim());
      if (parts.length !== 3) return { key: line, label: '', template: '' };
      return { key: parts[0] ?? '', label: parts[1] ?? '', template: parts[2] ?? '' };
    });
}

/** A typed number becomes a number; anything else is passed on as typed, so the schema names it. */
function num(s: string): number | string | undefined {
  const t = s.trim();
  if (t === '') return undefined;
  return /^-?(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : t;
}

/** The tier rows the admin filled in (a row with either input filled counts), as indexes into `values.tiers`. */
function filledTierRows(v: PlanFormValues): number[] {
  return v.tiers.flatMap((t, row) => (t.below.trim() || t.credit.trim() ? [row] : []));
}

/** The API's JSON body for these form values. */
export function planFormToJson(v: PlanFormValues): Record<string, unknown> {
  const exact = v.ha_priority_exact.trim();
  return {
    product_id: v.product_id.trim(),
    name: v.name,
    template: v.template,
    cluster: v.cluster,
    vcpus: num(v.vcpus),
    memory_mib: num(v.memory_mib),
    ha: { enabled: v.ha_enabled, priority: exact ? num(exact) : v.ha_priority },
    sla: {
      target_percent: num(v.sla_target_percent),
      credit_tiers: filledTierRows(v).map((row) => ({
        below_percent: num(v.tiers[row]!.below),
        credit_percent: num(v.tiers[row]!.credit),
      })),
      unknown_counts_as_down: v.sla_unknown_counts_as_down,
      contact_loss_counts_as_down: v.sla_contact_loss_counts_as_down,
      unannounced_admin_stops_excluded: v.sla_unannounced_admin_stops_excluded,
      time_zone: v.sla_time_zone.trim() || 'UTC',
    },
    failover_gate: v.failover_gate,
    disk_gib: v.disk_gib.trim() === '' ? null : num(v.disk_gib),
    os_options: osOptionsFromText(v.os_options),
    ip_pools: v.ip_pools.split(/[\s,]+/).filter((name) => name !== ''),
  };
}

/** Parses the form with the API's own schema; throws the API's ValidationError (API field names) when it fails. */
export function parsePlanForm(v: PlanFormValues): PlanInput {
  return parseOrThrow(planBody, planFormToJson(v));
}

/** The form input an API field is shown beside, or '' when it belongs to the form as a whole. */
export function formFieldOf(apiField: string, v: PlanFormValues): string {
  const tier = /^sla\.credit_tiers\.(\d+)\.(below|credit)_percent$/.exec(apiField);
  if (tier) {
    const row = filledTierRows(v)[Number(tier[1])];
    return row === undefined ? 'tiers' : `tier_${tier[2]}_${row}`;
  }
  if (apiField === 'ha.priority') return v.ha_priority_exact.trim() ? 'ha_priority_exact' : 'ha_priority';
  if (apiField.startsWith('sla.credit_tiers')) return 'tiers';
  if (apiField.startsWith('os_options')) return 'os_options';
  if (apiField.startsWith('ip_pools')) return 'ip_pools';
  const flat: Record<string, string> = {
    product_id: 'product_id',
    name: 'name',
    template: 'template',
    cluster: 'cluster',
    vcpus: 'vcpus',
    memory_mib: 'memory_mib',
    'ha.enabled': 'ha_enabled',
    'sla.target_percent': 'sla_target_percent',
    'sla.time_zone': 'sla_time_zone',
    'sla.unknown_counts_as_down': 'sla_unknown_counts_as_down',
    'sla.contact_loss_counts_as_down': 'sla_contact_loss_counts_as_down',
    'sla.unannounced_admin_stops_excluded': 'sla_unannounced_admin_stops_excluded',
    failover_gate: 'failover_gate',
    disk_gib: 'disk_gib',
  };
  return flat[apiField] ?? '';
}

/** The value the admin typed into a form input, to word a type error ("is required" rather than "received undefined"). */
function typed(field: string, v: PlanFormValues): string {
  const tier = /^tier_(below|credit)_(\d+)$/.exec(field);
  if (tier) {
    const row = v.tiers[Number(tier[2])];
    return (tier[1] === 'below' ? row?.below : row?.credit) ?? '';
  }
  const value = (v as unknown as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : 'x';
}

/**
 * The API's problems as the form shows them: keyed by form input, with zod's type errors in the form's words (a form
 * has no types, only empty or not-a-number).
 */
export function formProblems(problems: FieldProblem[], v: PlanFormValues): Array<FieldProblem & { input: string }> {
  return problems.map((p) => {
    const input = formFieldOf(p.field, v);
    let message = p.message;
    if (message.startsWith('Invalid input')) {
      if (input === 'ha_priority_exact' || input === 'ha_priority') message = 'must be a whole number 0-100, or low, medium or high';
      else message = typed(input, v).trim() === '' ? 'is required' : 'must be a number';
    }
    return { field: p.field, message, input };
  });
}
