/** The console's plan pages: the list, the create/edit form (with its errors beside each field) and the delete check. */
import { type Plan, haPriorityLabel } from '../../domain/plan';
import type { FieldProblem } from '../../errors';

export type PriorityChoice = 'low' | 'medium' | 'high';

/** What the form shows and posts: strings as typed, so a re-rendered form keeps exactly what the admin entered. */
export interface PlanFormValues {
  product_id: string;
  name: string;
  template: string;
  cluster: string;
  vcpus: string;
  memory_mib: string;
  ha_enabled: boolean;
  ha_priority: PriorityChoice;
  /** The expert's exact 0-100; wins over the named level when filled. */
  ha_priority_exact: string;
  sla_target_percent: string;
  tiers: Array<{ below: string; credit: string }>;
  sla_time_zone: string;
  sla_unknown_counts_as_down: boolean;
  sla_contact_loss_counts_as_down: boolean;
  sla_unannounced_admin_stops_excluded: boolean;
  failover_gate: string;
  /** Empty keeps the template's disk size. */
  disk_gib: string;
  /** One OS a line: `key | label | template`. */
  os_options: string;
  /** Pool names separated by commas or spaces; empty means every pool of the cluster. */
  ip_pools: string;
}

/** What the engine offers for a plan, or why it could not be read (the form falls back to typed names then). */
export interface EngineChoices {
  templates?: string[];
  clusters?: string[];
  problem?: string;
}

export type FormProblem = FieldProblem & { input: string };

const DONE: Record<string, string> = { created: 'created', saved: 'saved', deleted: 'deleted' };

/** Zones offered as suggestions; any IANA zone may be typed. */
const TIME_ZONES = [
  'UTC',
  'Europe/Amsterdam',
  'Europe/Berlin',
  'Europe/London',
  'Europe/Paris',
  'Europe/Madrid',
  'Europe/Warsaw',
  'Europe/Helsinki',
  'Europe/Moscow',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Asia/Dubai',
  'Asia/Kolkata',
  'Asia/Singapore',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Australia/Sydney',
];

/** Labels as the summary at the top names them (the same words as beside the inputs). */
const LABELS: Record<string, string> = {
  product_id: 'Billing product id',
  name: 'Name',
  template: 'Template',
  cluster: 'Cluster',
  vcpus: 'vCPUs',
  memory_mib: 'Memory (MiB)',
  ha_enabled: 'Highly available',
  ha_priority: 'Restart priority',
  ha_priority_exact: 'Exact priority',
  sla_target_percent: 'SLA target',
  tiers: 'Credit tiers',
  sla_time_zone: 'Time zone',
  sla_unknown_counts_as_down: 'Unknown time',
  sla_contact_loss_counts_as_down: 'Lost contact, VPS kept running',
  sla_unannounced_admin_stops_excluded: 'Admin stops outside a window',
  failover_gate: 'Failover gate',
  disk_gib: 'Disk (GiB)',
  os_options: 'Operating systems',
  ip_pools: 'IP pools',
};

function labelOf(input: string): string {
  const tier = /^tier_(below|credit)_(\d+)$/.exec(input);
  if (tier) return `Credit tier ${Number(tier[2]) + 1}: ${tier[1] === 'below' ? 'uptime below' : 'credit'}`;
  return LABELS[input] ?? 'The plan';
}

export function formatMemory(mib: number): string {
  return mib % 1024 === 0 ? `${mib / 1024} GiB` : `${mib} MiB`;
}

export function creditSummary(plan: Plan): string[] {
  return plan.sla.creditTiers.map((t) => `below ${t.belowPercent} % \u2192 ${t.creditPercent} %`);
}

export function presentAdminPlans(plans: Plan[], done: { what?: unknown; plan?: unknown }) {
  const doneWord = typeof done.what === 'string' ? DONE[done.what] : undefined;
  const planId = typeof done.plan === 'string' && /^\d{1,10}$/.test(done.plan) ? done.plan : undefined;
  const named = plans.find((p) => String(p.id) === planId);
  return {
    title: 'Plans',
    nav: 'plans',
    flash: doneWord && planId ? `Plan ${named ? `\u201c${named.name}\u201d` : planId} ${doneWord}.` : undefined,
    hasPlans: plans.length > 0,
    count: plans.length,
    plans: plans.map((p) => {
      const label = haPriorityLabel(p.ha.priority);
      return {
        id: p.id,
        productId: p.productId,
        name: p.name,
        template: p.template,
        cluster: p.cluster,
        size: `${p.vcpus} vCPU \u00b7 ${formatMemory(p.memoryMib)}`,
        ha: p.ha.enabled
          ? {
              text: `on \u00b7 ${label}`,
              priority: `priority ${p.ha.priority}`,
              tone: label === 'high' ? 'ok' : label === 'none' ? 'warn' : 'neutral',
            }
          : { text: 'off', priority: 'no restart', tone: 'warn' },
        target: `${p.sla.targetPercent} %`,
        timeZone: p.sla.timeZone,
        credits: creditSummary(p),
        gate: { text: p.failoverGate, tone: p.failoverGate === 'enforce' ? 'ok' : 'warn' },
        editHref: `/admin/plans/${p.id}/edit`,
        deleteHref: `/admin/plans/${p.id}/delete`,
      };
    }),
  };
}

interface FieldView {
  value: string;
  error?: string;
  describedBy?: string;
}

/** Options for the engine's names; the plan's current name stays selectable even when the engine no longer has it. */
function options(names: string[], current: string, noun: string) {
  const list = names.map((n) => ({ value: n, label: n, selected: n === current }));
  if (current && !names.includes(current)) list.unshift({ value: current, label: `${current} (not found in the engine)`, selected: true });
  if (!current) list.unshift({ value: '', label: `Choose a ${noun}\u2026`, selected: true });
  return list;
}

export function presentPlanForm(input: {
  planId?: number;
  planName?: string;
  values: PlanFormValues;
  problems: FormProblem[];
  engine: EngineChoices;
  /** A problem of the form as a whole (a conflict that names no field). */
  formError?: string;
}) {
  const { values: v, problems, engine } = input;
  const errors = new Map<string, string>();
  for (const p of problems) errors.set(p.input, errors.has(p.input) ? `${errors.get(p.input)}; ${p.message}` : p.message);
  const field = (id: string, value: string, hint = false): FieldView => {
    const error = errors.get(id);
    const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
    return { value, error, describedBy: ids || undefined };
  };
  const editing = input.planId !== undefined;
  const heading = editing ? `Edit plan \u201c${input.planName ?? input.planId}\u201d` : 'New plan';
  const anchor = (p: FormProblem) =>
    p.input === 'ha_priority' ? `ha_priority_${v.ha_priority}` : p.input === 'failover_gate' ? 'failover_gate_enforce' : p.input;
  const summary = [
    ...(input.formError ? [{ text: input.formError, href: undefined }] : []),
    ...problems.map((p) => ({ text: `${labelOf(p.input)}: ${p.message}`, href: p.input ? `#${anchor(p)}` : undefined })),
  ];
  return {
    title: heading,
    nav: 'plans',
    heading,
    editing,
    action: editing ? `/admin/plans/${input.planId}` : '/admin/plans',
    submitLabel: editing ? 'Save plan' : 'Create plan',
    summary,
    hasSummary: summary.length > 0,
    engineWarning: engine.problem,
    f: {
      product_id: field('product_id', v.product_id, true),
      name: field('name', v.name),
      template: field('template', v.template, true),
      cluster: field('cluster', v.cluster, true),
      vcpus: field('vcpus', v.vcpus),
      memory_mib: field('memory_mib', v.memory_mib, true),
      ha_enabled: { checked: v.ha_enabled, ...field('ha_enabled', '') },
      ha_priority: field('ha_priority', v.ha_priority),
      ha_priority_exact: field('ha_priority_exact', v.ha_priority_exact, true),
      sla_target_percent: field('sla_target_percent', v.sla_target_percent),
      sla_time_zone: field('sla_time_zone', v.sla_time_zone, true),
      sla_unknown_counts_as_down: { checked: v.sla_unknown_counts_as_down, ...field('sla_unknown_counts_as_down', '', true) },
      sla_contact_loss_counts_as_down: {
        checked: v.sla_contact_loss_counts_as_down,
        ...field('sla_contact_loss_counts_as_down', '', true),
      },
      sla_unannounced_admin_stops_excluded: {
        checked: v.sla_unannounced_admin_stops_excluded,
        ...field('sla_unannounced_admin_stops_excluded', '', true),
      },
      failover_gate: field('failover_gate', v.failover_gate),
      tiers: field('tiers', ''),
      disk_gib: field('disk_gib', v.disk_gib, true),
      os_options: field('os_options', v.os_options, true),
      ip_pools: field('ip_pools', v.ip_pools, true),
    },
    templates: engine.templates ? options(engine.templates, v.template, 'template') : undefined,
    clusters: engine.clusters ? options(engine.clusters, v.cluster, 'cluster') : undefined,
    priorities: (['low', 'medium', 'high'] as const).map((level) => ({
      id: `ha_priority_${level}`,
      value: level,
      label: { low: 'Low', medium: 'Medium', high: 'High' }[level],
      hint: String({ low: 1, medium: 50, high: 100 }[level]),
      checked: v.ha_priority === level,
    })),
    gates: [
      {
        id: 'failover_gate_enforce',
        value: 'enforce',
        label: 'Enforce',
        hint: 'refuse an HA order that would break the failover reserve',
        checked: v.failover_gate !== 'warn',
      },
      {
        id: 'failover_gate_warn',
        value: 'warn',
        label: 'Warn',
        hint: 'sell it anyway and log a warning',
        checked: v.failover_gate === 'warn',
      },
    ],
    tierRows: v.tiers.map((t, row) => ({
      n: row + 1,
      below: { id: `tier_below_${row}`, ...field(`tier_below_${row}`, t.below) },
      credit: { id: `tier_credit_${row}`, ...field(`tier_credit_${row}`, t.credit) },
    })),
    timeZones: TIME_ZONES,
  };
}

export function presentPlanDelete(plan: Plan, servicesUsing: number, error?: string) {
  return {
    title: `Delete plan \u201c${plan.name}\u201d`,
    nav: 'plans',
    plan: {
      id: plan.id,
      productId: plan.productId,
      name: plan.name,
      template: plan.template,
      cluster: plan.cluster,
      size: `${plan.vcpus} vCPU \u00b7 ${formatMemory(plan.memoryMib)}`,
    },
    servicesUsing,
    inUse: servicesUsing > 0,
    servicesHref: '/admin/services',
    error,
    action: `/admin/plans/${plan.id}/delete`,
  };
}
