/** The plan as the API shows it: the only place that chooses its output fields. */
import { type Plan, haPriorityLabel } from '../../domain/plan';

export interface PlanJson {
  id: number;
  product_id: string;
  name: string;
  template: string;
  cluster: string;
  vcpus: number;
  memory_mib: number;
  ha: { enabled: boolean; priority: number; priority_label: string };
  sla: {
    target_percent: number;
    credit_tiers: Array<{ below_percent: number; credit_percent: number }>;
    unknown_counts_as_down: boolean;
    contact_loss_counts_as_down: boolean;
    unannounced_admin_stops_excluded: boolean;
    time_zone: string;
  };
  failover_gate: 'enforce' | 'warn';
  disk_gib: number | null;
  os_options: Array<{ key: string; label: string; template: string }>;
  ip_pools: string[];
  created_at: string;
  updated_at: string;
}

export function presentPlan(plan: Plan): PlanJson {
  return {
    id: plan.id,
    product_id: plan.productId,
    name: plan.name,
    template: plan.template,
    cluster: plan.cluster,
    vcpus: plan.vcpus,
    memory_mib: plan.memoryMib,
    ha: { enabled: plan.ha.enabled, priority: plan.ha.priority, priority_label: haPriorityLabel(plan.ha.priority) },
    sla: {
      target_percent: plan.sla.targetPercent,
      credit_tiers: plan.sla.creditTiers.map((t) => ({ below_percent: t.belowPercent, credit_percent: t.creditPercent })),
      unknown_counts_as_down: plan.sla.unknownCountsAsDown,
      contact_loss_counts_as_down: plan.sla.contactLossCountsAsDown,
      unannounced_admin_stops_excluded: plan.sla.unannouncedAdminStopsExcluded,
      time_zone: plan.sla.timeZone,
    },
    failover_gate: plan.failoverGate,
    disk_gib: plan.diskGib,
    os_options: plan.osOptions.map((o) => ({ key: o.key, label: o.label, template: o.template })),
    ip_pools: [...plan.ipPools],
    created_at: plan.createdAt.toISOString(),
    updated_at: plan.updatedAt.toISOString(),
  };
}
