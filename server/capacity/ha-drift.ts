/**
 * HA drift: a VM sold under a plan whose HA flag or priority in oVirt no longer matches the plan (someone changed
 * it by hand in the admin portal). The audit reports it; a reconcile job sets it back from this same list.
 */
import type { VmInventory } from './inventory';

export interface HaDrift {
  vmId: string;
  vmName: string;
  productId: string;
  actual: { enabled: boolean; priority: number };
  expected: { enabled: boolean; priority: number };
  /** Which settings differ. */
  differs: Array<'enabled' | 'priority'>;
}

/**
 * VMs whose HA differs from their plan. The priority is compared only when HA is on in both: with HA off the engine
 * restarts nothing, so a leftover priority changes nothing the customer was sold (and when the flag itself differs,
 * that is the drift to report). A reconcile job sets flag and priority from `expected` either way.
 */
export function findHaDrift(vms: readonly VmInventory[]): HaDrift[] {
  const drift: HaDrift[] = [];
  for (const vm of vms) {
    const expected = vm.plan?.expectedHa;
    if (!vm.plan || !expected) continue;
    const differs: HaDrift['differs'] = [];
    if (vm.ha.enabled !== expected.enabled) differs.push('enabled');
    if (expected.enabled && vm.ha.enabled && vm.ha.priority !== expected.priority) differs.push('priority');
    if (differs.length === 0) continue;
    drift.push({
      vmId: vm.id,
      vmName: vm.name,
      productId: vm.plan.productId,
      actual: { enabled: vm.ha.enabled, priority: vm.ha.priority },
      expected: { enabled: expected.enabled, priority: expected.priority },
      differs,
    });
  }
  return drift.sort((a, b) => (a.vmName < b.vmName ? -1 : a.vmName > b.vmName ? 1 : 0));
}

/** "vps-7 (plan 42): HA off in oVirt, plan has it on (priority 100)". */
export function describeDrift(d: HaDrift): string {
  const onOff = (enabled: boolean) => (enabled ? 'on' : 'off');
  const parts: string[] = [];
  if (d.differs.includes('enabled')) {
    parts.push(
      `HA ${onOff(d.actual.enabled)} in oVirt, plan has it ${onOff(d.expected.enabled)}${d.expected.enabled ? ` (priority ${d.expected.priority})` : ''}`,
    );
  }
  if (d.differs.includes('priority')) parts.push(`HA priority ${d.actual.priority} in oVirt, plan has ${d.expected.priority}`);
  return `${d.vmName} (plan ${d.productId}): ${parts.join('; ')}`;
}
