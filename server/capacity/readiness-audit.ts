/**
 * The HA readiness audit of one cluster: can it keep the HA promise sold on it? Findings come in a fixed order with
 * stable `check` ids, and the verdict is the worst of them. The shape is what
 * `GET /api/v1/admin/clusters/{cluster}/readiness` returns.
 */
import { buildCapacityModel } from './capacity-model';
import { listNames, plural } from './format';
import { describeDrift, findHaDrift, type HaDrift } from './ha-drift';
import type { HostCapacity } from './host-capacity';
import { type CapacityOptions, type ClusterInventory, resolveCapacityOptions } from './inventory';
import { evaluateNPlusK, type NPlusKVerdict } from './n-plus-k';
import {
  checkFencingPolicy,
  checkHaReservation,
  checkHostsUp,
  checkLocalStorageHaVms,
  checkPowerManagement,
  checkSharedStorage,
  type FindingStatus,
  NOTHING_TO_DO,
  type ReadinessFinding,
} from './readiness-checks';

export interface ReadinessReport {
  cluster: string;
  clusterId: string;
  dataCenter: string;
  verdict: FindingStatus;
  findings: ReadinessFinding[];
  /** The N+k verdict behind the `failover_capacity` finding. */
  failover: NPlusKVerdict;
  /** Per host: schedulable memory and vCPUs, committed and free. */
  hosts: HostCapacity[];
  /** The VMs whose HA differs from their plan, for the reconcile job. */
  drift: HaDrift[];
}

const SEVERITY: Record<FindingStatus, number> = { ok: 0, warning: 1, failure: 2 };

/** The worst status of a list; `ok` for an empty one. */
export function worstStatus(statuses: readonly FindingStatus[]): FindingStatus {
  return statuses.reduce<FindingStatus>((worst, s) => (SEVERITY[s] > SEVERITY[worst] ? s : worst), 'ok');
}

function failoverFinding(verdict: NPlusKVerdict): ReadinessFinding {
  if (verdict.status === 'holds') {
    return { check: 'failover_capacity', status: 'ok', message: verdict.message, fix: NOTHING_TO_DO };
  }
  const fix =
    "Make room for a failed host's HA VMs: add a host (Compute > Hosts > New) or memory to the hosts, stop or move VMs that need " +
    'not be here, or, if the workload allows, raise memory over-commit (Compute > Clusters > Edit > Optimization > Memory ' +
    'Optimization). Until then the sales gate refuses new HA orders (or only warns, for plans set to warn-only).';
  return {
    check: 'failover_capacity',
    // Unproven is not a demonstrated failure: the admin should look, and the gate still refuses.
    status: verdict.status === 'fails' ? 'failure' : 'warning',
    message: verdict.message,
    fix,
  };
}

function driftFinding(drift: readonly HaDrift[], checked: number): ReadinessFinding {
  if (drift.length === 0) {
    return {
      check: 'ha_drift',
      status: 'ok',
      message:
        checked === 0
          ? 'No VM of this cluster is linked to a plan.'
          : checked === 1
            ? 'The HA settings of the one VM linked to a plan match it.'
            : `HA settings of all ${checked} VMs linked to a plan match their plans.`,
      fix: NOTHING_TO_DO,
    };
  }
  return {
    check: 'ha_drift',
    status: 'warning',
    message: `HA settings of ${plural(drift.length, 'VM')} differ from their plan: ${listNames(drift.map(describeDrift), 10)}.`,
    fix: `The reconcile job sets them back to the plan. By hand: Compute > Virtual Machines > select ${listNames(
      drift.map((d) => d.vmName),
      10,
    )} > Edit > High Availability: set "Highly Available" and the priority as the plan says.`,
  };
}

/** Audits one cluster snapshot. */
export function auditReadiness(inventory: ClusterInventory, options: Partial<CapacityOptions> = {}): ReadinessReport {
  const resolved = resolveCapacityOptions(options);
  const model = buildCapacityModel(inventory, resolved);
  const failover = evaluateNPlusK(model, resolved);
  const drift = findHaDrift(inventory.vms);
  const findings: ReadinessFinding[] = [
    checkSharedStorage(inventory),
    checkLocalStorageHaVms(inventory),
    checkPowerManagement(inventory),
    checkFencingPolicy(inventory),
    checkHostsUp(inventory),
    failoverFinding(failover),
    checkHaReservation(inventory, resolved.hostMemoryReserveBytes),
    driftFinding(drift, inventory.vms.filter((vm) => vm.plan?.expectedHa).length),
  ];
  return {
    cluster: inventory.cluster.name,
    clusterId: inventory.cluster.id,
    dataCenter: inventory.cluster.dataCenterName,
    verdict: worstStatus(findings.map((f) => f.status)),
    findings,
    failover,
    hosts: [...model.capacities],
    drift,
  };
}
