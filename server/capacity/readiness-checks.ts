/**
 * The individual readiness checks of a cluster, one function per precondition in docs/architecture.md (shared storage,
 * fencing, spare hosts) plus the HA reservation flag. Each returns a finding that says what to change in oVirt, with
 * the admin portal's menu path. The capacity and drift findings live in readiness-audit.ts next to the model calls.
 */
import { formatGiB, listNames, plural } from './format';
import { isUpHost, occupyingVmsByHost } from './host-capacity';
import type { ClusterInventory, HostInventory, StorageDomainInventory, VmInventory } from './inventory';

export type FindingStatus = 'ok' | 'warning' | 'failure';

export type ReadinessCheckId =
  | 'shared_storage'
  | 'local_storage_ha_vms'
  | 'power_management'
  | 'fencing_policy'
  | 'hosts_up'
  | 'failover_capacity'
  | 'ha_reservation'
  | 'ha_drift';

export interface ReadinessFinding {
  check: ReadinessCheckId;
  status: FindingStatus;
  message: string;
  /** What to do in oVirt; "Nothing to do." when the check is ok. */
  fix: string;
}

export const NOTHING_TO_DO = 'Nothing to do.';

/** Reachable from every host: the engine counts every storage type but `localfs` as shared. */
function isShared(domain: StorageDomainInventory): boolean {
  return domain.shared && domain.storageType !== 'localfs';
}

const describeDomain = (d: StorageDomainInventory) => `${d.name} (${d.storageType}, ${d.status})`;

/** Precondition 1: an active shared data domain in the data center, so a VM can start on any host. */
export function checkSharedStorage(inventory: ClusterInventory): ReadinessFinding {
  const dc = inventory.cluster.dataCenterName;
  const data = inventory.storageDomains.filter((d) => d.type === 'data');
  const shared = data.filter(isShared);
  const active = shared.filter((d) => d.status === 'active');
  const inactive = shared.filter((d) => d.status !== 'active');
  if (active.length === 0) {
    const present = data.length > 0 ? ` Data domains present: ${listNames(data.map(describeDomain))}.` : '';
    return {
      check: 'shared_storage',
      status: 'failure',
      message:
        `Data center ${dc} has no active shared data domain (NFS, iSCSI, Fibre Channel, GlusterFS or POSIX), so a failed host's VMs ` +
        `cannot start on another host.${present}`,
      fix:
        inactive.length > 0
          ? `Activate the shared data domain: Compute > Data Centers > ${dc} > Storage > select ${listNames(inactive.map((d) => d.name))} > Activate.`
          : `Add shared storage: Storage > Domains > New Domain, Domain Function "Data", Storage Type NFS, iSCSI, Fibre Channel, ` +
            `GlusterFS or POSIX compliant FS, in data center ${dc}; then move the VM disks there (Storage > Disks > Move).`,
    };
  }
  const activeText =
    `Data center ${dc} has ${plural(active.length, 'active shared data domain')}: ` +
    `${listNames(active.map((d) => `${d.name} (${d.storageType})`))}.`;
  if (inactive.length > 0) {
    return {
      check: 'shared_storage',
      status: 'warning',
      message: `${activeText} Not active: ${listNames(inactive.map(describeDomain))}; VMs with disks there cannot start anywhere.`,
      fix: `Activate them or move the disks off them: Compute > Data Centers > ${dc} > Storage > select the domain > Activate.`,
    };
  }
  return { check: 'shared_storage', status: 'ok', message: activeText, fix: NOTHING_TO_DO };
}

/** An HA VM with a disk on local storage can only ever run on the host that holds that disk. */
export function checkLocalStorageHaVms(inventory: ClusterInventory): ReadinessFinding {
  const local = new Map(inventory.storageDomains.filter((d) => !isShared(d)).map((d) => [d.id, d]));
  const haVms = inventory.vms.filter((vm) => vm.ha.enabled);
  const unknown = haVms.filter((vm) => vm.storageDomainIds === undefined);
  const onLocal = haVms.filter((vm) => vm.storageDomainIds?.some((id) => local.has(id)));
  if (onLocal.length > 0) {
    const domains = [...new Set(onLocal.flatMap((vm) => (vm.storageDomainIds ?? []).filter((id) => local.has(id))))].map(
      (id) => local.get(id)?.name ?? id,
    );
    return {
      check: 'local_storage_ha_vms',
      status: 'failure',
      message:
        `${plural(onLocal.length, 'HA VM')} ${onLocal.length === 1 ? 'keeps' : 'keep'} disks on local storage (${listNames(domains)}) ` +
        `and cannot restart on another host: ${listNames(
          onLocal.map((vm) => vm.name),
          10,
        )}.`,
      fix:
        'Move their disks to a shared data domain: Storage > Disks > select the disk > Move. Or, if the VM cannot move, turn HA off ' +
        'for it: Compute > Virtual Machines > select the VM > Edit > High Availability.',
    };
  }
  if (unknown.length > 0) {
    return {
      check: 'local_storage_ha_vms',
      status: 'warning',
      message:
        `The disk locations of ${plural(unknown.length, 'HA VM')} were not read, so local storage could not be ruled out for ` +
        `${listNames(unknown.map((vm) => vm.name))}.`,
      fix: 'Check the disks under Compute > Virtual Machines > select the VM > Disks; the next audit reads them again.',
    };
  }
  return {
    check: 'local_storage_ha_vms',
    status: 'ok',
    message: haVms.length === 0 ? 'No HA VM in this cluster.' : `All ${plural(haVms.length, 'HA VM')} keep their disks on shared storage.`,
    fix: NOTHING_TO_DO,
  };
}

function pmProblem(host: HostInventory): string | null {
  if (!host.powerManagement.enabled) return 'power management is not enabled';
  if (host.powerManagement.agentCount < 1) return 'power management has no fence agent';
  return null;
}

/** Precondition 2: without fencing the engine does not restart a failed host's HA VMs (except those with a lease). */
export function checkPowerManagement(inventory: ClusterInventory): ReadinessFinding {
  const byHost = occupyingVmsByHost(inventory.hosts, inventory.vms);
  const lines: string[] = [];
  const names: string[] = [];
  for (const host of inventory.hosts) {
    const problem = pmProblem(host);
    if (!problem) continue;
    names.push(host.name);
    const ha = (byHost.get(host.id) ?? []).filter((vm: VmInventory) => vm.ha.enabled);
    const waiting = ha.filter((vm) => !vm.lease);
    const leased = ha.filter((vm) => vm.lease);
    let line =
      waiting.length > 0
        ? `HA VMs on host ${host.name} will not restart automatically if it fails (${plural(waiting.length, 'VM')}: ${listNames(waiting.map((vm) => vm.name))})`
        : `host ${host.name} runs no HA VM without a lease now, but any the scheduler starts there would not restart automatically if it fails`;
    if (leased.length > 0) line += `; ${plural(leased.length, 'VM')} with a VM lease would still restart`;
    lines.push(`${line}: ${problem}.`);
  }
  if (lines.length === 0) {
    return {
      check: 'power_management',
      status: 'ok',
      message: `All ${plural(inventory.hosts.length, 'host')} have power management enabled with a fence agent.`,
      fix: NOTHING_TO_DO,
    };
  }
  const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return {
    check: 'power_management',
    status: 'failure',
    message: lines.map(capital).join(' '),
    fix:
      `Compute > Hosts > select ${listNames(names, 10)} > Edit > Power Management: tick "Enable Power Management", add a fence agent ` +
      `(for example ipmilan with the BMC address and credentials) and use Test; then check the cluster's fencing policy.`,
  };
}

/** With the fencing policy off, a non-responsive host is never fenced (section 13.2 step 2). */
export function checkFencingPolicy(inventory: ClusterInventory): ReadinessFinding {
  const name = inventory.cluster.name;
  if (inventory.cluster.fencingPolicyEnabled) {
    return { check: 'fencing_policy', status: 'ok', message: `Fencing is enabled for cluster ${name}.`, fix: NOTHING_TO_DO };
  }
  const waiting = inventory.vms.filter((vm) => vm.ha.enabled && !vm.lease).length;
  return {
    check: 'fencing_policy',
    status: 'failure',
    message:
      `Fencing is disabled for cluster ${name}: a host that stops responding is never fenced, so its HA VMs without a VM lease stay ` +
      `Unknown and are not restarted (${plural(waiting, 'HA VM')} without a lease in this cluster).`,
    fix: `Compute > Clusters > select ${name} > Edit > Fencing Policy: tick "Enable fencing".`,
  };
}

/** A failed host's VMs need somewhere to go: at least two hosts up. */
export function checkHostsUp(inventory: ClusterInventory): ReadinessFinding {
  const up = inventory.hosts.filter((h) => isUpHost(h.status));
  const maintenance = inventory.hosts.filter((h) => h.status === 'maintenance');
  const troubled = inventory.hosts.filter((h) => !isUpHost(h.status) && h.status !== 'maintenance');
  const describe = (hosts: HostInventory[]) =>
    listNames(
      hosts.map((h) => `${h.name} (${h.status})`),
      10,
    );
  const notes = [
    maintenance.length > 0 ? `In maintenance: ${describe(maintenance)}.` : '',
    troubled.length > 0 ? `Not up: ${describe(troubled)}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const summary = `${up.length} of ${plural(inventory.hosts.length, 'host')} up.${notes ? ` ${notes}` : ''}`;
  const fix =
    'Compute > Hosts: activate hosts in maintenance (select the host > Management > Activate); for a non-responsive host, check it ' +
    'and its network, then Management > Power Management > Restart, or "Confirm \'Host has been Rebooted\'" once it is really off.';
  if (up.length < 2) {
    return {
      check: 'hosts_up',
      status: 'failure',
      message: `${summary} With fewer than two hosts up, a host failure leaves no host for its VMs.`,
      fix: inventory.hosts.length < 2 ? 'Add a second host to the cluster: Compute > Hosts > New.' : fix,
    };
  }
  if (troubled.length > 0) return { check: 'hosts_up', status: 'warning', message: summary, fix };
  return { check: 'hosts_up', status: 'ok', message: summary, fix: NOTHING_TO_DO };
}

/** Information only: oVirt's own HA reservation alert (section 13.5). This service checks N+k itself. */
export function checkHaReservation(inventory: ClusterInventory, reserveBytes: number): ReadinessFinding {
  const name = inventory.cluster.name;
  const reserve = reserveBytes > 0 ? ` (this service also keeps ${formatGiB(reserveBytes)} free per host)` : '';
  if (inventory.cluster.haReservation) {
    return {
      check: 'ha_reservation',
      status: 'ok',
      message:
        `HA reservation is on for cluster ${name}: the engine also checks every 5 minutes that each host's HA VMs would fit ` +
        `elsewhere and raises an alert when not${reserve}.`,
      fix: NOTHING_TO_DO,
    };
  }
  return {
    check: 'ha_reservation',
    status: 'ok',
    message:
      `HA reservation is off for cluster ${name}: the engine itself does not warn when a host's HA VMs would not fit elsewhere; this ` +
      `service checks it instead${reserve}.`,
    fix: `Optional, for the engine's own alert: Compute > Clusters > select ${name} > Edit > Scheduling Policy: tick "Enable HA Reservation".`,
  };
}
