import type { EngineCore } from './engine-core';
import { VM_RUNNING_STATUSES, type Host, type HostFault, type HostStatus, type Vm, type VmStatus } from './model';

/** Host statuses the engine polls; a host in any of them that stops answering goes `connecting`. */
const MONITORED: ReadonlySet<HostStatus> = new Set<HostStatus>([
  'up',
  'preparing_for_maintenance',
  'initializing',
  'maintenance',
  'non_operational',
]);

/**
 * What monitoring needs besides the world, clock and timings: the VM state machine (`vm-runtime.ts`), the HA queue
 * (`ha-restarter.ts`), the SPM bookkeeping (`storage-pool.ts`) and the hard fence (`power-management.ts`).
 */
export interface HostMonitorDeps extends EngineCore {
  readonly runtime: {
    setStatus(vm: Vm, status: VmStatus): number;
    setDown(vm: Vm, exit: 'normal' | 'error'): void;
  };
  readonly ha: {
    enqueue(vm: Vm, kind?: 'down' | 'lease', delayMs?: number): void;
    forget(vmId: string): void;
  };
  readonly spm: {
    hostStatusChanged(host: Host): void;
    hostUnreachable(host: Host): void;
    hostAnswers(host: Host, vdsmRestarted: boolean): void;
    settle(host: Host): void;
  };
  readonly pm: { restart(host: Host, actor: undefined): void };
}

/**
 * The engine's host monitoring and non-responding treatment (docs/ovirt-api.md §13.1–13.2): detection, the grace period
 * in `connecting`, `non_responsive` with VMs `unknown`, soft fencing, the hand-over to the power-management hard
 * fence (`power-management.ts`) and the host's return. The SPM role follows in `storage-pool.ts`.
 */
export class HostMonitor {
  constructor(private readonly engine: HostMonitorDeps) {}

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

  setStatus(host: Host, status: HostStatus): void {
    host.status = status;
    this.engine.spm.hostStatusChanged(host);
  }

  /** Something really goes wrong with the host; the engine notices at its next poll. */
  fail(host: Host, fault: Exclude<HostFault, 'none'>): void {
    host.fault = fault;
    if (fault === 'power_loss') host.poweredOn = false;
    this.engine.spm.hostUnreachable(host);
    // A host already being handled (connecting, non_responsive, rebooting, down) keeps its running timers.
    if (!MONITORED.has(host.status)) return;
    host.epoch += 1;
    this.watch(host);
  }

  /** The host is fine again (network back, power back, vdsm restarted). */
  restore(host: Host): void {
    const vmsDied = host.fault === 'power_loss' || !host.poweredOn;
    const vdsmRestarted = vmsDied || host.fault === 'vdsm_crash';
    host.fault = 'none';
    host.poweredOn = true;
    host.epoch += 1;
    this.engine.spm.hostAnswers(host, vdsmRestarted);
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
      // VdsManager.calcTimeoutToFence casts the seconds to int: 60 + 20 + 0.5 × 7 VMs waits 83 s, not 83.5.
      const seconds = Math.trunc(
        (timings.graceBaseMs + (host.spmStatus !== 'none' ? timings.graceSpmMs : 0) + timings.gracePerVmMs * vmCount) / 1000,
      );
      const graceMs = seconds * 1000;
      this.setStatus(host, 'connecting');
      if (host.pm.enabled) {
        this.world.log('VDS_HOST_NOT_RESPONDING_CONNECTING', { Seconds: seconds }, { host });
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
      // 142 per VM is our reading of VdsManager setting the VMs Unknown (not listed in the sequence in docs/ovirt-api.md).
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
        // Restarting vdsmd drops the SPM role; the pool's next refresh finds out.
        this.engine.spm.hostAnswers(host, true);
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
      this.engine.pm.restart(host, undefined);
    });
  }

  /**
   * After a fence start's reboot wait the host is `non_responsive`; monitoring takes it through `initializing` to
   * `up` at its next successful poll, or leaves it there while it still does not answer (until restored).
   */
  rejoin(host: Host): void {
    if (host.status !== 'non_responsive' || !host.poweredOn || host.fault !== 'none') return;
    this.after(host, this.engine.timings.monitorIntervalMs, 'monitor', () => {
      this.setStatus(host, 'initializing');
      this.after(host, this.engine.timings.hostInitializeMs, 'host-up', () => {
        this.setStatus(host, 'up');
        this.world.log('VDS_DETECTED', { HostStatus: 'Up' }, { host });
      });
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

  /** A scenario's starting world: the data center of `changed` gets its SPM without an election's events. */
  refreshSpm(changed: Host): void {
    this.engine.spm.settle(changed);
  }
}
