import type { Engine } from './engine';
import { VM_RUNNING_STATUSES, type Host, type HostFault, type HostStatus } from './model';
import type { Actor } from './world';

/** Host statuses the engine polls; a host in any of them that stops answering goes `connecting`. */
const MONITORED: ReadonlySet<HostStatus> = new Set<HostStatus>([
  'up',
  'preparing_for_maintenance',
  'initializing',
  'maintenance',
  'non_operational',
]);

/**
 * The engine's host monitoring and non-responding treatment (reference §13.1–13.2): detection, the grace period
 * in `connecting`, `non_responsive` with VMs `unknown`, soft fencing, the power-management hard fence
 * (stop → VMs down → start → boot → up) and the host's return.
 */
export class HostMonitor {
  constructor(private readonly engine: Engine) {}

  private get world() {
    return this.engine.world;
  }

  /** Runs `fn` after `ms` unless the host failed, recovered or was fenced in the meantime. */
  private after(host: Host, ms: number, label: string, fn: () => void): void {
    const epoch = host.epoch;
    this.engine.clock.schedule(
      ms,
      () => {
        if (host.epoch === epoch && this.world.hosts.has(host.id)) fn();
      },
      `${label} ${host.name}`,
    );
  }

  private setStatus(host: Host, status: HostStatus): void {
    host.status = status;
    this.refreshSpm(host);
  }

  /** Something really goes wrong with the host; the engine notices at its next poll. */
  fail(host: Host, fault: Exclude<HostFault, 'none'>): void {
    host.fault = fault;
    if (fault === 'power_loss') host.poweredOn = false;
    // A host already being handled (connecting, non_responsive, rebooting, down) keeps its running timers.
    if (!MONITORED.has(host.status)) return;
    host.epoch += 1;
    this.watch(host);
  }

  /** The host is fine again (network back, power back, vdsm restarted). */
  restore(host: Host): void {
    const vmsDied = host.fault === 'power_loss' || !host.poweredOn;
    host.fault = 'none';
    host.poweredOn = true;
    host.epoch += 1;
    if (host.status === 'connecting') {
      this.setStatus(host, 'up');
      this.world.log('VDS_DETECTED', { HostStatus: 'Up' }, { host });
      this.reconcileVms(host, vmsDied);
    } else if (host.status === 'non_responsive' || host.status === 'reboot') {
      this.setStatus(host, 'initializing');
      this.after(host, this.engine.timings.hostInitializeMs, 'host-up', () => {
        this.setStatus(host, 'up');
        this.world.log('VDS_DETECTED', { HostStatus: 'Up' }, { host });
        this.reconcileVms(host, vmsDied);
      });
    }
  }

  /** Polls a host with a fault: called on failure and whenever a host comes back into monitoring. */
  watch(host: Host): void {
    if (host.fault === 'none') return;
    this.after(host, this.engine.timings.monitorIntervalMs, 'monitor', () => {
      if (!MONITORED.has(host.status) || host.fault === 'none') return;
      const { timings } = this.engine;
      const vmCount = this.world.vmsOn(host.id).length;
      const graceMs =
        timings.graceBaseMs + (host.spmStatus === 'spm' ? timings.graceSpmMs : 0) + timings.gracePerVmMs * vmCount;
      this.setStatus(host, 'connecting');
      if (host.pm.enabled) {
        this.world.log('VDS_HOST_NOT_RESPONDING_CONNECTING', { Seconds: Math.round(graceMs / 1000) }, { host });
      } else {
        this.world.log('VDS_HOST_NOT_RESPONDING', {}, { host });
      }
      this.after(host, graceMs, 'non-responsive', () => this.becomeNonResponsive(host));
    });
  }

  private becomeNonResponsive(host: Host): void {
    this.setStatus(host, 'non_responsive');
    this.world.log('VDS_FAILURE', {}, { host });
    for (const vm of this.world.vmsOn(host.id)) {
      if (!VM_RUNNING_STATUSES.has(vm.status) || vm.status === 'unknown') continue;
      this.engine.runtime.setStatus(vm, 'unknown');
      this.world.setMigrationTarget(vm, undefined);
      // 142 per VM is our reading of VdsManager setting the VMs Unknown (not listed in the reference's sequence).
      this.world.log('VM_SET_TO_UNKNOWN_STATUS', {}, { vm, host });
      if (vm.ha.enabled && vm.leaseStorageDomainId) {
        this.engine.ha.enqueue(vm, 'lease', this.engine.timings.leaseRestartDelayMs);
      }
    }
    // A migration towards the lost host is abandoned; the VM keeps running on its source.
    for (const vm of this.world.migratingVms()) {
      if (vm.migratingToHostId !== host.id) continue;
      this.world.setMigrationTarget(vm, undefined);
      this.engine.runtime.setStatus(vm, 'up');
    }
    this.treatNonResponsive(host);
  }

  /** `VdsNotRespondingTreatmentCommand`, in the engine's order of checks. */
  private treatNonResponsive(host: Host): void {
    const cluster = this.world.cluster(host.clusterId);
    const policy = cluster.fencingPolicy;
    if (!policy.enabled) {
      this.world.log('VDS_ALERT_FENCE_DISABLED_BY_CLUSTER_POLICY', {}, { host });
      return;
    }
    if (policy.skipIfConnectivityBroken.enabled) {
      const hosts = this.world.hostsIn(cluster.id);
      const broken = hosts.filter((h) => h.status === 'connecting' || h.status === 'non_responsive').length;
      const percent = Math.round((broken * 100) / Math.max(1, hosts.length));
      if (percent >= policy.skipIfConnectivityBroken.threshold) {
        this.world.log('VDS_ALERT_FENCE_OPERATION_SKIPPED_BROKEN_CONNECTIVITY', { Percents: percent }, { host });
        return;
      }
    }
    // SSH soft fencing restarts vdsmd; it only helps when vdsm itself died and the host is reachable.
    this.after(host, this.engine.timings.softFenceMs, 'soft-fence', () => {
      if (host.fault === 'vdsm_crash' && host.poweredOn) {
        host.fault = 'none';
        this.world.log('VDS_SOFT_RECOVER', {}, { host });
        this.setStatus(host, 'up');
        this.reconcileVms(host, false);
        return;
      }
      if (!host.pm.enabled || host.pm.agents.length === 0) {
        this.world.log('VDS_ALERT_NO_PM_CONFIG_FENCE_OPERATION_SKIPPED', {}, { host });
        return;
      }
      if (policy.skipIfSdActive && host.poweredOn && host.fault === 'network_cut') {
        this.world.log('VDS_ALERT_NOT_RESTARTED_DUE_TO_POLICY', {}, { host });
        return;
      }
      this.powerCycle(host, undefined);
    });
  }

  /** Another `up` host of the cluster, else of the data center, that can drive the fence agent (pm_proxies). */
  proxyFor(host: Host): Host | undefined {
    const cluster = this.world.cluster(host.clusterId);
    const candidates = [...this.world.hosts.values()].filter((h) => h.id !== host.id && h.status === 'up');
    return (
      candidates.find((h) => h.clusterId === host.clusterId) ??
      candidates.find((h) => this.world.cluster(h.clusterId).dataCenterId === cluster.dataCenterId)
    );
  }

  /**
   * `RestartVdsCommand` = stop, clear the host's VMs, start (reference §13.2 step 9). `actor` undefined means the
   * engine's own non-responding treatment; otherwise a user's `fence restart`.
   */
  powerCycle(host: Host, actor: Actor | undefined): void {
    const agent = host.pm.agents[0];
    const proxy = this.proxyFor(host);
    host.lastPmOperationAt = this.engine.clock.now();
    this.world.log('FENCE_OPERATION_STARTED', { Action: 'stop' }, { host, actor });
    if (!proxy || !agent) {
      this.world.log('FENCE_OPERATION_FAILED', { Action: 'stop' }, { host, actor });
      if (!actor) {
        this.world.log('SYSTEM_FAILED_VDS_RESTART', {}, { host });
        this.world.log('VDS_RECOVER_FAILED', {}, { host });
        this.world.log('VDS_ALERT_FENCE_OPERATION_FAILED', {}, { host });
      }
      return;
    }
    const agentParams = { Host: host.name, ProxyHost: proxy.name, AgentType: agent.type, AgentIp: agent.address };
    this.world.log('FENCE_OPERATION_USING_AGENT_AND_PROXY_STARTED', { Action: 'stop', ...agentParams }, { host, actor });
    this.after(host, this.engine.timings.pmOperationMs, 'pm-stop', () => {
      host.poweredOn = false;
      this.world.log('FENCE_OPERATION_SUCCEEDED', { Action: 'stop' }, { host, actor });
      this.setStatus(host, 'reboot');
      this.clearVms(host);
      if (!actor) this.world.log('VDS_AUTO_FENCE_STATUS', {}, { host });
      this.world.log('FENCE_OPERATION_STARTED', { Action: 'start' }, { host, actor });
      this.world.log('FENCE_OPERATION_USING_AGENT_AND_PROXY_STARTED', { Action: 'start', ...agentParams }, { host, actor });
      this.after(host, this.engine.timings.pmOperationMs, 'pm-start', () => {
        host.poweredOn = true;
        this.world.log('FENCE_OPERATION_SUCCEEDED', { Action: 'start' }, { host, actor });
        if (actor) {
          this.world.log('USER_VDS_RESTART', {}, { host, actor });
        } else {
          this.world.log('SYSTEM_VDS_RESTART', {}, { host });
          this.world.log('VDS_RECOVER', {}, { host });
        }
        this.after(host, this.engine.timings.hostBootMs, 'boot', () => this.boot(host));
      });
    });
  }

  /** Power came on: a power cycle cures a crash or a power glitch, not a cut cable. */
  boot(host: Host): void {
    if (host.fault === 'power_loss' || host.fault === 'vdsm_crash') host.fault = 'none';
    host.poweredOn = true;
    if (host.fault === 'network_cut') {
      // Still unreachable after the reboot. The engine would not fence it again within its quiet time; we stop
      // here and leave the host `non_responsive` until it is restored.
      this.setStatus(host, 'non_responsive');
      this.world.log('VDS_FAILURE', {}, { host });
      return;
    }
    this.setStatus(host, 'initializing');
    this.after(host, this.engine.timings.hostInitializeMs, 'host-up', () => {
      this.setStatus(host, 'up');
      this.world.log('VDS_DETECTED', { HostStatus: 'Up' }, { host });
    });
  }

  /**
   * `RestartVdsVmsOperation` / `ClearNonResponsiveVdsVms`: every VM of the host is set down with exit status
   * Error, 143 per VM, and the HA ones go to the restart queue (no 9602 in this path).
   */
  clearVms(host: Host): number {
    const vms = this.world.vmsOn(host.id);
    for (const vm of vms) {
      this.engine.runtime.setDown(vm, 'error');
      this.world.log('VM_WAS_SET_DOWN_DUE_TO_HOST_REBOOT_OR_MANUAL_FENCE', {}, { vm, host });
      if (vm.ha.enabled) this.engine.ha.enqueue(vm);
    }
    return vms.length;
  }

  /** The host answers again: VMs still alive come back from `unknown`; VMs that died with the host go down. */
  private reconcileVms(host: Host, vmsDied: boolean): void {
    for (const vm of this.world.vmsOn(host.id)) {
      if (vmsDied) {
        this.world.log('VM_FAILURE', {}, { vm, host });
        this.engine.runtime.setDown(vm, 'error');
        if (vm.ha.enabled) {
          this.world.log('HA_VM_FAILED', {}, { vm });
          this.engine.ha.enqueue(vm);
        }
      } else if (vm.status === 'unknown') {
        this.engine.runtime.setStatus(vm, 'up');
        this.engine.ha.forget(vm.id);
        this.world.log('VM_STATUS_RESTORED', { VmStatus: 'Up' }, { vm, host });
      }
    }
  }

  /** One SPM per data center: when the SPM leaves `up`, the highest-priority `up` host takes over. */
  refreshSpm(changed: Host): void {
    const dcId = this.world.cluster(changed.clusterId).dataCenterId;
    const inDc = [...this.world.hosts.values()].filter((h) => this.world.cluster(h.clusterId).dataCenterId === dcId);
    for (const h of inDc) if (h.spmStatus === 'spm' && h.status !== 'up') h.spmStatus = 'none';
    if (inDc.some((h) => h.spmStatus === 'spm')) return;
    const next = inDc
      .filter((h) => h.status === 'up' && h.spmPriority >= 0)
      .sort((a, b) => b.spmPriority - a.spmPriority || a.name.localeCompare(b.name))[0];
    if (next) next.spmStatus = 'spm';
  }
}
