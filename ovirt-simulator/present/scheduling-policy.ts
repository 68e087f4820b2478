import type { Node } from '../wire/document';
import { SCHEDULING_POLICY_IDS } from './infrastructure';
import { links } from './links';

/**
 * The engine's built-in scheduling policies (`bll/scheduling/InternalClusterPolicies`), the ones clusters link to:
 * no description, `locked` (built-ins cannot be edited), `none` the default, and the parameters each registers,
 * shown as `SchedulingPolicyMapper` shows `getParameterMap()`. (`InClusterUpgrade` is commented out there.)
 */
const PROPERTIES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  none: { CpuOverCommitDurationMinutes: '2', HighUtilization: '80' },
  cluster_maintenance: { CpuOverCommitDurationMinutes: '2', HighUtilization: '80' },
  evenly_distributed: { CpuOverCommitDurationMinutes: '2', HeSparesCount: '0', HighUtilization: '80', VCpuToPhysicalCpuRatio: '0' },
  power_saving: { CpuOverCommitDurationMinutes: '2', HeSparesCount: '0', HighUtilization: '80', LowUtilization: '20' },
  vm_evenly_distributed: {
    CpuOverCommitDurationMinutes: '2',
    HeSparesCount: '0',
    HighUtilization: '80',
    HighVmCount: '10',
    MigrationThreshold: '5',
    SpmVmGrace: '5',
  },
};

/** The policy names, in the order the engine registers them. */
export const SCHEDULING_POLICY_NAMES = Object.keys(PROPERTIES);

/** The built-in policy with this id, if any. */
export function schedulingPolicyName(id: string): string | undefined {
  return SCHEDULING_POLICY_NAMES.find((name) => SCHEDULING_POLICY_IDS[name] === id);
}

/** `<scheduling_policy>` (`SchedulingPolicyMapper`; sub-collections of `SchedulingPolicyService`). */
export function presentSchedulingPolicy(name: string, base: string): Node {
  const id = SCHEDULING_POLICY_IDS[name] ?? '';
  const href = `${base}/schedulingpolicies/${id}`;
  const properties = Object.entries(PROPERTIES[name] ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    href,
    id,
    name,
    link: links(href, ['balances', 'filters', 'permissions', 'weights']),
    default_policy: name === 'none',
    locked: true,
    properties: { property: properties.map(([key, value]) => ({ name: key, value })) },
  };
}
