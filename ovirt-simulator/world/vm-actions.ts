import type { StartInit } from './guest-agent';
import { backendFailure, EngineError } from './engine-error';
import type { EngineCore } from './engine-core';
import { VM_RUNNING_STATUSES, type Host, type Job, type Vm, type VmStatus } from './model';
import { noHostMessages, type Scheduler } from './scheduler';
import type { Actor } from './world';

/** Backend names of VM statuses, as `${VmStatus}` renders them in messages (e.g. "Down", "ImageLocked"). */
export function backendVmStatus(status: VmStatus): string {
  const special: Partial<Record<VmStatus, string>> = { migrating: 'MigratingFrom', not_responding: 'NotResponding' };
  return (
    special[status] ??
    status
      .split('_')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('')
  );
}

/**
 * A duration as the engine writes it into migration events: commons-lang
 * `DurationFormatUtils.formatDurationWords(ms, true, true)` (`MigrateVmCommand.getDuration`), e.g. "8 seconds",
 * "1 minute 5 seconds", "2 hours": zero units before the first and after the last non-zero one are left out.
 */
export function durationWords(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const units: Array<[number, string]> = [
    [Math.floor(total / 86_400), 'day'],
    [Math.floor(total / 3_600) % 24, 'hour'],
    [Math.floor(total / 60) % 60, 'minute'],
    [total % 60, 'second'],
  ];
  const nonZero = units.map(([n]) => n !== 0);
  const first = nonZero.indexOf(true);
  if (first < 0) return '0 seconds';
  const last = nonZero.lastIndexOf(true);
  return units
    .slice(first, last + 1)
    .map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`)
    .join(' ');
}

export interface ActionResult {
  job: Job | undefined;
}

/** Statuses from which a user may stop or shut down a VM (it is running somewhere, as far as the engine knows). */
const STOPPABLE: ReadonlySet<VmStatus> = new Set<VmStatus>([
  'up',
  'powering_up',
  'wait_for_launch',
  'reboot_in_progress',
  'paused',
  'migrating',
  'powering_down',
  'not_responding',
  'restoring_state',
]);

/** What VM actions need besides the world, clock and timings: placement, the VM state machine and the HA queue. */
export interface VmActionsDeps extends EngineCore {
  readonly scheduler: Pick<Scheduler, 'pick'>;
  readonly runtime: {
    launch(vm: Vm, host: Host, kind: 'user', actor: Actor, init?: StartInit): Job;
    setStatus(vm: Vm, status: VmStatus): number;
    setDown(vm: Vm, exit: 'normal' | 'error', stopReason?: string): void;
    after(vm: Vm, ms: number, label: string, fn: () => void): void;
  };
  readonly ha: { forget(vmId: string): void };
}

/** User actions on a VM (docs/ovirt-api.md §8.4): validate now, change state on the clock. */
export class VmActions {
  constructor(private readonly engine: VmActionsDeps) {}

  private get world() {
    return this.engine.world;
  }

  /** Faults every VM command checks first: the control API's lock, then the image lock of a running create. */
  checkLocks(vm: Vm, action: string): void {
    if (vm.locked) {
      throw backendFailure(409, `Cannot ${action} VM. Related operation is currently in progress. Please try again later.`);
    }
    if (vm.status === 'image_locked') {
      throw backendFailure(409, `Cannot ${action} VM: VM is locked. Please try again in a few minutes.`);
    }
  }

  private statusIllegal(vm: Vm, action: string): EngineError {
    return backendFailure(409, `Cannot ${action} VM because the VM is in ${backendVmStatus(vm.status)} status.`);
  }

  start(vm: Vm, actor: Actor, onlyHostId?: string, init?: StartInit): ActionResult {
    this.checkLocks(vm, 'run');
    const locked = this.world.disksOf(vm.id).filter((d) => d.resizing);
    if (locked.length > 0) {
      throw backendFailure(
        409,
        `Cannot run VM: The following disks are locked: ${locked.map((d) => d.name).join(', ')}. Please try again in a few minutes.`,
      );
    }
    if (VM_RUNNING_STATUSES.has(vm.status) && vm.status !== 'unknown') {
      throw backendFailure(409, 'Cannot run VM. VM is running.');
    }
    if (vm.status !== 'down' && vm.status !== 'suspended') throw this.statusIllegal(vm, 'run');
    const placement = this.engine.scheduler.pick(vm, onlyHostId ? { onlyHostId } : {});
    if (!placement.host) throw backendFailure(409, ...noHostMessages('run', placement.reasons));
    this.world.log('USER_STARTED_VM', {}, { vm, host: placement.host, actor });
    return { job: this.engine.runtime.launch(vm, placement.host, 'user', actor, init) };
  }

  stop(vm: Vm, actor: Actor, reason: string | undefined): ActionResult {
    return this.powerOff(vm, actor, reason, 'stop');
  }

  shutdown(vm: Vm, actor: Actor, reason: string | undefined): ActionResult {
    return this.powerOff(vm, actor, reason, 'shutdown');
  }

  /**
   * Stop (power off) and shutdown (ACPI). Both end `down` with a normal exit, so HA never restarts them
   * (docs/ovirt-api.md §13.3). On a VM already down the command is skipped and succeeds, logging 254.
   */
  private powerOff(vm: Vm, actor: Actor, reason: string | undefined, kind: 'stop' | 'shutdown'): ActionResult {
    this.checkLocks(vm, kind);
    this.engine.ha.forget(vm.id);
    if (vm.status === 'down') {
      this.world.log('VM_ALREADY_IN_REQUESTED_STATUS', { VmStatus: 'Down', Action: kind }, { vm, actor });
      return { job: undefined };
    }
    if (vm.status === 'suspended' && kind === 'stop') {
      this.engine.runtime.setDown(vm, 'normal', reason);
      this.world.log('USER_STOP_VM', { VdsName: 'N/A', OptionalReason: reason ? ` (Reason: ${reason})` : '' }, { vm, actor });
      return { job: undefined };
    }
    if (!STOPPABLE.has(vm.status)) {
      throw backendFailure(409, `Cannot ${kind} VM. VM is not running.`);
    }
    const host = vm.hostId ? this.world.hosts.get(vm.hostId) : undefined;
    const optionalReason = reason ? ` (Reason: ${reason})` : '';
    const verb = kind === 'stop' ? 'Stopping' : 'Shutting down';
    const job = this.world.startJob(`${verb} VM ${vm.name}`, actor, { vmId: vm.id });
    const runtime = this.engine.runtime;
    if (kind === 'stop') {
      this.world.log('USER_STOP_VM', { OptionalReason: optionalReason }, { vm, host, actor });
      // A power-off is VDSM's destroy: the engine sets no powering_down for it (DestroyVmVDSCommand does only for a
      // graceful destroy); the VM keeps its status until monitoring sees it down.
      runtime.after(vm, this.engine.timings.vmStopMs, 'stopped', () => {
        runtime.setDown(vm, 'normal', reason);
        this.world.endJob(job);
      });
    } else {
      this.world.log('USER_INITIATED_SHUTDOWN_VM', { OptionalReason: optionalReason }, { vm, host, actor });
      runtime.setStatus(vm, 'powering_down');
      runtime.after(vm, this.engine.timings.vmShutdownMs, 'shut-down', () => {
        runtime.setDown(vm, 'normal', reason);
        this.world.log('VM_DOWN', { ExitMessage: 'Exit message: Admin shut down from the engine' }, { vm, host });
        this.world.endJob(job);
      });
    }
    return { job };
  }

  reboot(vm: Vm, actor: Actor): ActionResult {
    this.checkLocks(vm, 'reboot');
    if (vm.status !== 'up') throw this.statusIllegal(vm, 'reboot');
    const job = this.world.startJob(`Rebooting VM ${vm.name}`, actor, { vmId: vm.id });
    this.world.log('USER_REBOOT_VM', {}, { vm, actor });
    const runtime = this.engine.runtime;
    runtime.setStatus(vm, 'reboot_in_progress');
    runtime.after(vm, this.engine.timings.vmRebootMs, 'rebooted', () => {
      runtime.setStatus(vm, 'up');
      this.world.endJob(job);
    });
    return { job };
  }

  suspend(vm: Vm, actor: Actor): ActionResult {
    this.checkLocks(vm, 'hibernate');
    if (vm.status !== 'up') throw this.statusIllegal(vm, 'hibernate');
    const host = vm.hostId ? this.world.hosts.get(vm.hostId) : undefined;
    const job = this.world.startJob(`Performing Hibernate action on VM ${vm.name}`, actor, { vmId: vm.id });
    this.world.log('USER_SUSPEND_VM', {}, { vm, host, actor });
    const runtime = this.engine.runtime;
    runtime.setStatus(vm, 'saving_state');
    runtime.after(vm, this.engine.timings.vmSuspendMs, 'suspended', () => {
      this.world.log('USER_SUSPEND_VM_OK', {}, { vm, host });
      runtime.setStatus(vm, 'suspended');
      this.world.placeVm(vm, undefined);
      vm.stopTime = this.engine.clock.now();
      this.world.endJob(job);
    });
    return { job };
  }

  migrate(vm: Vm, actor: Actor, targetHostId: string | undefined, force: boolean): ActionResult {
    this.checkLocks(vm, 'migrate');
    if (vm.status !== 'up') throw backendFailure(409, 'Cannot migrate VM. VM is not running.');
    if (vm.placement.affinity === 'pinned' && !force) {
      throw backendFailure(409, 'Cannot migrate VM. VM is non migratable.');
    }
    const source = vm.hostId ? this.world.hosts.get(vm.hostId) : undefined;
    if (!source) throw backendFailure(409, 'Cannot migrate VM. VM is not running.');
    if (targetHostId === source.id) {
      throw backendFailure(409, 'Cannot migrate VM. Source and destination hosts are the same.');
    }
    const exclude = new Set([source.id]);
    const placement = this.engine.scheduler.pick(vm, targetHostId ? { exclude, onlyHostId: targetHostId } : { exclude });
    if (!placement.host) throw backendFailure(409, ...noHostMessages('migrate', placement.reasons));
    const dest = placement.host;
    const job = this.world.startJob(targetHostId ? `Migrating VM ${vm.name} to Host ${dest.name}` : `Migrating VM ${vm.name}`, actor, {
      vmId: vm.id,
    });
    this.world.log('VM_MIGRATION_START', { DestinationVdsName: dest.name, OptionalReason: '' }, { vm, host: source, actor });
    this.runMigration(vm, source.id, dest.id, actor, job);
    return { job };
  }

  /** A migration the engine starts itself (host maintenance); false when no host has room. */
  migrateBySystem(vm: Vm, reason: string): boolean {
    const source = vm.hostId ? this.world.hosts.get(vm.hostId) : undefined;
    if (!source) return false;
    const placement = this.engine.scheduler.pick(vm, { exclude: new Set([source.id]) });
    if (!placement.host) {
      this.world.log('VM_MIGRATION_NO_VDS_TO_MIGRATE_TO', {}, { vm, host: source });
      return false;
    }
    this.world.log(
      'VM_MIGRATION_START_SYSTEM_INITIATED',
      { DestinationVdsName: placement.host.name, OptionalReason: reason },
      { vm, host: source },
    );
    this.runMigration(vm, source.id, placement.host.id, undefined, undefined);
    return true;
  }

  private runMigration(vm: Vm, sourceId: string, destId: string, actor: Actor | undefined, job: Job | undefined): void {
    const runtime = this.engine.runtime;
    runtime.setStatus(vm, 'migrating');
    this.world.setMigrationTarget(vm, destId);
    const ms = this.engine.timings.vmMigrateMs;
    runtime.after(vm, ms, 'migrated', () => {
      const dest = this.world.hosts.get(destId);
      const source = this.world.hosts.get(sourceId);
      this.world.setMigrationTarget(vm, undefined);
      if (!dest || dest.status !== 'up') {
        runtime.setStatus(vm, 'up');
        if (job) this.world.endJob(job, 'failed');
        return;
      }
      this.world.placeVm(vm, destId);
      runtime.setStatus(vm, 'up');
      // One attempt, no reruns: Duration and Total are the same. "(N/A)" is what the engine writes when VDSM
      // reports no downtime figure.
      const took = durationWords(ms);
      this.world.log(
        'VM_MIGRATION_DONE',
        {
          VdsName: source?.name ?? '',
          DestinationVdsName: dest.name,
          Duration: took,
          TotalDuration: took,
          ActualDowntime: '(N/A)',
        },
        { vm, host: dest, actor },
      );
      if (job) this.world.endJob(job);
    });
  }
}
