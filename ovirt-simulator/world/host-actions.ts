import { backendFailure, EngineError, invalidValue } from './engine-error';
import type { EngineCore } from './engine-core';
import type { Host, HostStatus, Job, Vm } from './model';
import type { Actor } from './world';

export const FENCE_TYPES = ['manual', 'restart', 'start', 'stop', 'status'] as const;
export type FenceType = (typeof FENCE_TYPES)[number];

export interface FenceResult {
  job: Job | undefined;
  /** Only for `status`: what the fence agent reports. */
  powerStatus: 'on' | 'off' | undefined;
}

/** What host commands need besides the world, clock and timings: monitoring, power management, the SPM and migrations. */
export interface HostActionsDeps extends EngineCore {
  readonly monitor: {
    setStatus(host: Host, status: HostStatus): void;
    watch(host: Host): void;
    clearVms(host: Host): number;
  };
  readonly pm: {
    status(host: Host): 'on' | 'off' | undefined;
    restart(host: Host, actor: Actor): void;
    stop(host: Host, actor: Actor, done: () => void): void;
    start(host: Host, actor: Actor, done: () => void): void;
  };
  readonly spm: { hostFenced(host: Host): void };
  readonly vmActions: { migrateBySystem(vm: Vm, reason: string): boolean };
}

/** User commands on hosts: `deactivate` (maintenance), `activate` and `fence` (docs/ovirt-api.md §5.3). */
export class HostActions {
  constructor(private readonly engine: HostActionsDeps) {}

  private get world() {
    return this.engine.world;
  }

  private statusIllegal(action: string, required: string): EngineError {
    return backendFailure(409, `Cannot ${action} Host. Operation can be performed only when Host status is ${required}.`);
  }

  /** `MaintenanceNumberOfVdss`: `up → preparing_for_maintenance`, running VMs migrated away, then `maintenance`. */
  deactivate(host: Host, actor: Actor, reason: string | undefined): Job {
    if (host.status !== 'up' && host.status !== 'non_operational') throw this.statusIllegal('maintenance', 'Up');
    const vms = this.world.vmsOn(host.id);
    const pinned = vms.filter((vm) => vm.placement.affinity === 'pinned');
    if (pinned.length > 0) {
      // VDS_CANNOT_MAINTENANCE_IT_INCLUDES_NON_MIGRATABLE_VM; exact wording unconfirmed.
      throw backendFailure(
        409,
        'Cannot switch Host to Maintenance mode. Host has non-migratable VMs.',
        `Non-migratable VMs: ${pinned.map((vm) => vm.name).join(', ')}`,
      );
    }
    const job = this.world.startJob(`Moving Host ${host.name} to Maintenance`, actor, { hostId: host.id });
    this.engine.monitor.setStatus(host, 'preparing_for_maintenance');
    const failed: string[] = [];
    for (const vm of vms) {
      if (vm.status !== 'up') {
        failed.push(vm.name);
        continue;
      }
      if (!this.engine.vmActions.migrateBySystem(vm, 'Host preparing for maintenance')) failed.push(vm.name);
    }
    const epoch = host.epoch;
    this.engine.clock.schedule(
      Math.max(this.engine.timings.hostMaintenanceMs, this.engine.timings.vmMigrateMs),
      () => {
        if (host.epoch !== epoch || host.status !== 'preparing_for_maintenance') return;
        if (this.world.vmsOn(host.id).length > 0) {
          this.world.log('USER_VDS_MAINTENANCE_MIGRATION_FAILED', { failedVms: failed.join(', ') }, { host, actor });
          this.world.endJob(job, 'failed');
          return;
        }
        this.engine.monitor.setStatus(host, 'maintenance');
        if (reason) this.world.log('USER_VDS_MAINTENANCE', { Reason: reason }, { host, actor });
        else this.world.log('USER_VDS_MAINTENANCE_WITHOUT_REASON', {}, { host, actor });
        this.world.endJob(job);
      },
      `maintenance ${host.name}`,
    );
    return job;
  }

  /** `ActivateVds`: back to `up` after a short initialisation. */
  activate(host: Host, actor: Actor): Job {
    if (!['maintenance', 'non_operational', 'preparing_for_maintenance', 'error'].includes(host.status)) {
      throw this.statusIllegal('activate', 'Maintenance');
    }
    const job = this.world.startJob(`Activating Host ${host.name}`, actor, { hostId: host.id });
    this.world.log('VDS_ACTIVATE', {}, { host, actor });
    this.engine.monitor.setStatus(host, 'initializing');
    host.epoch += 1;
    const epoch = host.epoch;
    this.engine.clock.schedule(
      this.engine.timings.hostInitializeMs,
      () => {
        if (host.epoch !== epoch) return;
        this.engine.monitor.setStatus(host, 'up');
        this.world.log('VDS_DETECTED', { HostStatus: 'Up' }, { host });
        this.world.endJob(job);
        this.engine.monitor.watch(host);
      },
      `activate ${host.name}`,
    );
    this.engine.monitor.watch(host);
    return job;
  }

  fence(host: Host, fenceType: string | undefined, actor: Actor): FenceResult {
    if (!fenceType) throw new EngineError(400, 'Incomplete parameters', 'Action [fenceType] required for fence');
    const type = fenceType.toLowerCase();
    if (!(FENCE_TYPES as readonly string[]).includes(type)) throw invalidValue(fenceType, 'FenceType', FENCE_TYPES);
    if (type === 'manual') return { job: this.manualFence(host, actor), powerStatus: undefined };
    const action = type === 'status' ? 'fence' : type;
    if (!host.pm.enabled || host.pm.agents.length === 0) {
      // VDS_FENCE_DISABLED; exact wording unconfirmed.
      throw backendFailure(409, `Cannot ${action} Host. Power Management is not enabled for the Host.`);
    }
    if (type === 'status') {
      // GetVdsFenceStatusQuery only asks the agent (9020 status); 496 belongs to the check when a host comes up.
      const powerStatus = this.engine.pm.status(host);
      if (!powerStatus) {
        // BackendHostResource.handleFailure: 200, status failed, the FenceAgentExecutor's message as the reason.
        throw new EngineError(
          200,
          `Failed to run fence status-check on host '${host.address}'. No other host was available to serve as proxy for the operation.`,
          undefined,
        );
      }
      return { job: undefined, powerStatus };
    }
    const last = host.lastPmOperationAt;
    const quiet = this.engine.timings.pmQuietTimeMs;
    const now = this.engine.clock.now();
    if (last !== undefined && now - last < quiet) {
      const seconds = Math.ceil((quiet - (now - last)) / 1000);
      throw backendFailure(
        409,
        `Cannot ${action} Host. Another Power Management operation is still running, please retry in ${seconds} Sec.`,
      );
    }
    if (type === 'restart') return { job: this.userRestart(host, actor), powerStatus: undefined };
    if (type === 'stop') return { job: this.userStop(host, actor), powerStatus: undefined };
    return { job: this.userStart(host, actor), powerStatus: undefined };
  }

  private userRestart(host: Host, actor: Actor): Job {
    const job = this.world.startJob(`Restarting Host ${host.name}`, actor, { hostId: host.id });
    host.epoch += 1;
    this.engine.pm.restart(host, actor);
    this.world.endJob(job);
    return job;
  }

  private userStop(host: Host, actor: Actor): Job {
    if (host.status !== 'maintenance') {
      throw backendFailure(409, 'Cannot perform Stop operation, Host has to be in Maintenance mode in order to be stopped.');
    }
    const job = this.world.startJob(`Stopping Host ${host.name}`, actor, { hostId: host.id });
    host.epoch += 1;
    this.engine.pm.stop(host, actor, () => this.world.endJob(job));
    return job;
  }

  private userStart(host: Host, actor: Actor): Job {
    if (!['down', 'non_responsive', 'reboot', 'maintenance'].includes(host.status)) {
      throw this.statusIllegal('start', 'Down, Non Responsive, Reboot or Maintenance');
    }
    const job = this.world.startJob(`Starting Host ${host.name}`, actor, { hostId: host.id });
    host.epoch += 1;
    this.engine.pm.start(host, actor, () => this.world.endJob(job));
    return job;
  }

  /**
   * "Confirm Host has been rebooted" (`FenceVdsManualy` → `ClearNonResponsiveVdsVms`): the admin vouches the host
   * is off, so its VMs go down (143 each, then 348) and HA VMs are restarted elsewhere by priority.
   */
  private manualFence(host: Host, actor: Actor): Job {
    if (!['non_responsive', 'reboot', 'kdumping'].includes(host.status)) {
      throw this.statusIllegal('fence', 'Non Responsive');
    }
    const job = this.world.startJob(`Manual fence of Host ${host.name}`, actor, { hostId: host.id });
    // FenceVdsManualyCommand: the SPM role is freed first, then ClearNonResponsiveVdsVms (143 each, its 348), and
    // the command's own 494 last.
    this.engine.spm.hostFenced(host);
    this.engine.monitor.clearVms(host);
    this.world.log('USER_CLEAR_UNKNOWN_VMS', {}, { host, actor });
    this.world.log('VDS_MANUAL_FENCE_STATUS', {}, { host, actor });
    this.world.endJob(job);
    return job;
  }
}
