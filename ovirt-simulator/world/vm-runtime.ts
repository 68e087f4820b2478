import type { EngineCore } from './engine-core';
import { applyInitAtLaunch, scheduleGuestReport, type StartInit } from './guest-agent';
import type { Host, Job, Vm, VmStatus } from './model';
import type { Actor } from './world';

/** What the runtime needs besides the world, clock and timings: the HA runner's queue (`ha-restarter.ts`). */
export interface VmRuntimeDeps extends EngineCore {
  readonly ha: {
    enqueue(vm: Vm): void;
    forget(vmId: string): void;
  };
}

/** VDSM's exit message for a guest that powered itself off (`vmexitreason.USER_SHUTDOWN`). */
export const GUEST_SHUTDOWN_EXIT_MESSAGE = 'User shut down from within the guest';

/** Who launched a VM decides which events mark its start (docs/ovirt-api.md §8.4 and §13.4). */
export type LaunchKind = 'user' | 'ha';

/**
 * The VM state machine as VDSM and the engine's monitoring drive it: launching, reaching `up`, going down, and
 * crashing. Every transition bumps `vm.epoch`, and every timer checks the epoch it was scheduled under, so a VM
 * that was stopped, fenced or crashed in the meantime ignores its stale timers.
 */
export class VmRuntime {
  constructor(private readonly engine: VmRuntimeDeps) {}

  private get world() {
    return this.engine.world;
  }

  setStatus(vm: Vm, status: VmStatus): number {
    vm.status = status;
    vm.epoch += 1;
    return vm.epoch;
  }

  /** Runs `fn` after `ms` unless the VM changed state (or was removed) in the meantime. */
  after(vm: Vm, ms: number, label: string, fn: () => void): void {
    const epoch = vm.epoch;
    this.engine.clock.schedule(
      ms,
      () => {
        if (vm.epoch !== epoch || !this.world.vms.has(vm.id)) return;
        fn();
      },
      `${label} ${vm.name}`,
    );
  }

  /**
   * `down → wait_for_launch → powering_up → up` (or `suspended → restoring_state → up`) on `host`.
   * A user launch logs 32 when up; an HA restart logs 506 again when up, as internal `RunVm` does
   * (docs/ovirt-api.md §13.4).
   */
  launch(vm: Vm, host: Host, kind: LaunchKind, actor: Actor | undefined, init?: StartInit): Job {
    const fromSuspend = vm.status === 'suspended';
    // A resumed guest keeps its memory: no cloud-init, and its agent goes on reporting.
    if (!fromSuspend) applyInitAtLaunch(vm, init, this.engine.clock.now());
    this.engine.ha.forget(vm.id);
    this.world.setMigrationTarget(vm, undefined);
    this.world.placeVm(vm, host.id);
    this.applyNextRun(vm);
    vm.startTime = this.engine.clock.now();
    vm.stopReason = undefined;
    const job = this.world.startJob(`Launching VM ${vm.name}`, actor, { vmId: vm.id });
    const reachUp = () => {
      this.setStatus(vm, 'up');
      if (vm.guestAgentReportedAt === undefined) scheduleGuestReport(this.engine, vm);
      this.world.endJob(job);
      if (kind === 'user') this.world.log('USER_RUN_VM', {}, { vm, host, actor });
      else this.world.log('VDS_INITIATED_RUN_VM', {}, { vm, host });
    };
    if (fromSuspend) {
      this.setStatus(vm, 'restoring_state');
      this.after(vm, this.engine.timings.vmRestoreMs, 'restore', reachUp);
      return job;
    }
    this.setStatus(vm, 'wait_for_launch');
    this.after(vm, this.engine.timings.vmWaitForLaunchMs, 'powering-up', () => {
      this.setStatus(vm, 'powering_up');
      this.after(vm, this.engine.timings.vmPoweringUpMs, 'up', reachUp);
    });
    return job;
  }

  /** The VM stops running anywhere. Only `error` exits make an HA VM eligible for automatic restart. */
  setDown(vm: Vm, exit: 'normal' | 'error', stopReason?: string): void {
    this.setStatus(vm, 'down');
    this.world.placeVm(vm, undefined);
    this.world.setMigrationTarget(vm, undefined);
    vm.exitStatus = exit;
    vm.stopTime = this.engine.clock.now();
    vm.startTime = undefined;
    vm.stopReason = stopReason;
    vm.guestAgentReportedAt = undefined;
    this.applyNextRun(vm);
  }

  /**
   * The VM's qemu process died on a healthy host (docs/ovirt-api.md §13.3): 119, down with error, and for an HA VM 9602
   * and a place in the restart queue.
   */
  crash(vm: Vm, exitMessage: string): void {
    this.world.log('VM_DOWN_ERROR', { ExitMessage: `Exit message: ${exitMessage}` }, { vm });
    this.setDown(vm, 'error');
    if (vm.ha.enabled) {
      this.world.log('HA_VM_FAILED', {}, { vm });
      this.engine.ha.enqueue(vm);
    }
  }

  /**
   * The guest powered itself off (`poweroff` inside the VM): VDSM reports `powering_down`, then the VM down with
   * exit status Normal and VDSM's exit message, which the engine logs as 61 on the host the VM ran on. A normal
   * exit is never restarted by HA (docs/ovirt-api.md §13.3).
   */
  guestShutdown(vm: Vm, host: Host): void {
    this.engine.ha.forget(vm.id);
    // A migration in flight is abandoned: its timer sees the new epoch, and the destination's memory is free again.
    this.world.setMigrationTarget(vm, undefined);
    this.setStatus(vm, 'powering_down');
    this.after(vm, this.engine.timings.vmShutdownMs, 'guest-shut-down', () => {
      this.setDown(vm, 'normal');
      this.world.log('VM_DOWN', { ExitMessage: `Exit message: ${GUEST_SHUTDOWN_EXIT_MESSAGE}` }, { vm, host });
    });
  }

  private applyNextRun(vm: Vm): void {
    if (!vm.nextRun) return;
    if (vm.nextRun.memoryBytes !== undefined) vm.memoryBytes = vm.nextRun.memoryBytes;
    if (vm.nextRun.topology) vm.topology = vm.nextRun.topology;
    vm.nextRun = undefined;
  }
}
